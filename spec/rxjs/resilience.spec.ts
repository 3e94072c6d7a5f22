/**
 * resilient(): reconnect with multiplex re-subscription, heartbeat, a bounded outbox and delivery
 * on the drop-in, against a socket double, with fake timers.
 */
import type { Observer, Subscription } from 'rxjs';
import { BufferOverflowError, ReconnectError, resilient, webSocket, type ResilientWebSocketSubjectConfig } from '../../lib/rxjs.js';
import type { WebSocketConstructor } from '../../lib/native-socket.js';
import { MockSocket } from './mock-socket.js';

const Ctor = MockSocket as unknown as WebSocketConstructor;
// No jitter and no wait: the reconnect happens on the next timer tick.
const NOW = { initialDelay: 0, maxDelay: 0 };
const subscriptions: Subscription[] = [];

type Update = { topic: string; value?: number; id?: number; ack?: number; pong?: boolean };

function subject<In = Update, Out = unknown>(config: Partial<ResilientWebSocketSubjectConfig<In, Out>> = {}) {
  return webSocket<In, Out>(resilient<In, Out>({ url: 'ws://example.test/', WebSocketCtor: Ctor, ...config }));
}

function record<T>(source: { subscribe(observer: Partial<Observer<T>>): Subscription }) {
  const seen = { values: [] as T[], error: undefined as unknown, completed: false, subscription: undefined as unknown as Subscription };
  seen.subscription = source.subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  subscriptions.push(seen.subscription);
  return seen;
}

const topic = (ws: ReturnType<typeof subject<Update, unknown>>, name: string) =>
  ws.multiplex(
    () => ({ sub: name }),
    () => ({ unsub: name }),
    (update) => update.topic === name,
  );

beforeEach(() => {
  MockSocket.reset();
  jest.useFakeTimers();
});
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  for (const socket of MockSocket.made) if (socket.readyState < 3) socket.closed();
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('resilient()', () => {
  it('checks its settings at once, naming the field', () => {
    expect(() => resilient({ url: 'ws://x', reconnect: { initialDelay: -1 } })).toThrow(/reconnect\.initialDelay must be/);
    expect(() => resilient({ url: 'ws://x', buffer: { limit: 0 } })).toThrow(/buffer\.limit must be/);
    expect(() => resilient({ url: 'ws://x', heartbeat: { interval: 0, timeout: 1, message: 'ping' } })).toThrow(/heartbeat\.interval/);
    for (const config of [null, 'ws://x', 5]) {
      expect(() => resilient(config as never)).toThrow(
        new TypeError(`reactive-websocket: resilient() takes a config such as { url, reconnect: true }, not ${String(config)}.`),
      );
    }
    for (const connectTimeout of [0, -1, Number.NaN, '5000' as never]) {
      expect(() => resilient({ url: 'ws://x', connectTimeout })).toThrow(/connectTimeout must be a number of ms above 0, or Infinity/);
    }
  });

  it('leaves the config it was given untouched, and behaves as webSocket() without settings', () => {
    const config = { url: 'ws://example.test/', WebSocketCtor: Ctor, reconnect: true };
    resilient(config);
    expect(config).toEqual({ url: 'ws://example.test/', WebSocketCtor: Ctor, reconnect: true });
    const seen = record(subject({}));
    MockSocket.last.closed(1006, '', false);
    expect(seen.error).toMatchObject({ code: 1006 });
  });
});

describe('without buffer or delivery', () => {
  it('holds every value sent before the socket opens, unbounded, as RxJS does', () => {
    const ws = subject<Update, number>();
    record(ws);
    for (let i = 0; i < 1500; i++) ws.next(i);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toHaveLength(1500);
  });
});

describe('a constructor that throws', () => {
  it('errors the subscribers with what it threw, and ends: no socket, no timer, no attempt after', () => {
    const failure = new Error('no socket');
    const Failing = jest.fn(function Failing() {
      throw failure;
    });
    const ws = subject({ WebSocketCtor: Failing as unknown as WebSocketConstructor, reconnect: NOW });
    const seen = record(ws);
    jest.runOnlyPendingTimers();
    expect(seen.error).toBe(failure);
    expect(Failing).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(Failing).toHaveBeenCalledTimes(1);
  });
});

describe('reconnect', () => {
  it('keeps subscribers across reconnects, with backoff, telling reconnectObserver and closeObserver of each', () => {
    const reconnects: unknown[] = [];
    const closes: unknown[] = [];
    const ws = subject({
      reconnect: { initialDelay: 100, maxDelay: 1000, random: () => 0.5 },
      reconnectObserver: { next: (event) => reconnects.push(event) },
      closeObserver: { next: (event) => closes.push(event) },
    });
    const seen = record(ws);
    MockSocket.last.open();
    const lost = MockSocket.last.closed(1006, '', false);
    expect(seen).toMatchObject({ error: undefined, completed: false });
    expect(closes).toEqual([lost]);
    expect(reconnects).toEqual([{ attempt: 1, delay: 50 }]);
    jest.advanceTimersByTime(49);
    expect(MockSocket.made).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(MockSocket.made).toHaveLength(2);
    // A refused attempt counts: the cap doubles.
    MockSocket.last.fail();
    expect(reconnects).toEqual([
      { attempt: 1, delay: 50 },
      { attempt: 2, delay: 100 },
    ]);
    jest.advanceTimersByTime(100);
    MockSocket.last.open();
    MockSocket.last.receiveJson({ topic: 'x', value: 1 });
    expect(seen).toMatchObject({ values: [{ topic: 'x', value: 1 }], error: undefined, completed: false });
  });

  it('reconnects after a clean close by the server too, but not after one the client started', () => {
    const ws = subject({ reconnect: NOW });
    const seen = record(ws);
    MockSocket.last.open();
    MockSocket.last.closed(1001, 'restart', true);
    jest.runOnlyPendingTimers();
    expect(MockSocket.made).toHaveLength(2);
    MockSocket.last.open();
    ws.complete();
    MockSocket.last.closed();
    jest.runOnlyPendingTimers();
    expect(MockSocket.made).toHaveLength(2);
    expect(seen.completed).toBe(true);
  });

  it('sends each live multiplex subscription’s subMsg again on every new connection, before what was queued', () => {
    const ws = subject({ reconnect: NOW });
    const a = record(topic(ws, 'a'));
    const b = record(topic(ws, 'b'));
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'a' }, { sub: 'b' }]);
    b.subscription.unsubscribe();
    MockSocket.last.closed(1006, '', false);
    ws.next({ queued: 1 });
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'a' }, { queued: 1 }]);
    MockSocket.last.receiveJson({ topic: 'a', value: 2 });
    expect(a.values).toEqual([{ topic: 'a', value: 2 }]);
    // And again on the next connection.
    MockSocket.last.closed(1006, '', false);
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'a' }]);
  });

  it('sends the subMsg of a topic subscribed while disconnected once, on the next connection', () => {
    const ws = subject({ reconnect: NOW });
    record(ws);
    MockSocket.last.open();
    MockSocket.last.closed(1006, '', false);
    record(topic(ws, 'late'));
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'late' }]);
  });

  it('errors subscribers with a ReconnectError when the attempts run out, and the close event as its cause', () => {
    const ws = subject({ reconnect: { ...NOW, attempts: 2 } });
    const seen = record(ws);
    MockSocket.last.closed(1006, '', false);
    jest.runOnlyPendingTimers();
    MockSocket.last.closed(1006, '', false);
    jest.runOnlyPendingTimers();
    const last = MockSocket.last.closed(1011, 'overloaded', false);
    expect(seen.error).toBeInstanceOf(ReconnectError);
    expect((seen.error as Error).message).toMatch(/after 2 attempts: the last close had code 1011; raise reconnect\.attempts/);
    expect((seen.error as Error).cause).toBe(last);
    expect(MockSocket.made).toHaveLength(3);
  });

  it('ends as RxJS does when shouldReconnect says no', () => {
    const ws = subject({ reconnect: { ...NOW, shouldReconnect: (close) => close.code !== 4001 } });
    const seen = record(ws);
    MockSocket.last.open();
    const refused = MockSocket.last.closed(4001, 'banned', false);
    expect(seen.error).toBe(refused);
  });

  it('stops waiting to reconnect when the last subscriber leaves, or on complete(): no socket, no timer', () => {
    const ws = subject({ reconnect: { initialDelay: 1000, maxDelay: 1000 } });
    const first = record(ws);
    MockSocket.last.closed(1006, '', false);
    first.subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
    const second = record(ws);
    expect(MockSocket.made).toHaveLength(2);
    MockSocket.last.closed(1006, '', false);
    ws.complete();
    expect(second.completed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not let a runtime error event end the subscribers: the reconnect decides', () => {
    const ws = subject({ reconnect: NOW });
    const seen = record(ws);
    MockSocket.last.fail();
    expect(seen.error).toBeUndefined();
    jest.runOnlyPendingTimers();
    expect(MockSocket.made).toHaveLength(2);
  });
});

describe('an isPong that throws', () => {
  let reported: unknown[];
  beforeEach(() => {
    reported = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
  });
  afterEach(() => {
    delete (globalThis as { reportError?: unknown }).reportError;
  });

  it('hands subscribers a message whose isPong threw, and reports the throw', () => {
    const failure = new Error('no isPong');
    const ws = subject({
      heartbeat: {
        interval: 1000,
        timeout: 1000,
        message: { ping: true },
        isPong: () => {
          throw failure;
        },
      },
    });
    const seen = record(ws);
    MockSocket.last.open();
    MockSocket.last.receiveJson({ topic: 'a', pong: true });
    expect(seen.values).toEqual([{ topic: 'a', pong: true }]);
    expect(reported).toEqual([failure]);
  });
});

describe('connectTimeout', () => {
  it('drops an attempt still connecting after 10 s by default and, with reconnect, tries again', () => {
    const ws = subject({ reconnect: NOW });
    const seen = record(ws);
    jest.advanceTimersByTime(9_999);
    expect(MockSocket.made).toHaveLength(1);
    jest.advanceTimersByTime(1);
    // The dropped socket was closed, and a new attempt follows on the next tick.
    expect(MockSocket.made[0].closes).toHaveLength(1);
    jest.runOnlyPendingTimers();
    expect(MockSocket.made).toHaveLength(2);
    MockSocket.last.open();
    MockSocket.last.receive(JSON.stringify({ topic: 'a' }));
    expect(seen).toMatchObject({ values: [{ topic: 'a' }], error: undefined, completed: false });
  });

  it('without reconnect, errors the subscribers with the timeout, as a runtime error would', () => {
    const seen = record(subject({ connectTimeout: 500 }));
    jest.advanceTimersByTime(500);
    expect(seen.error).toMatchObject({ type: 'error', message: 'the connection did not open within 500 ms (connectTimeout)' });
  });

  it('waits as long as the runtime does with Infinity', () => {
    record(subject({ connectTimeout: Infinity }));
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('heartbeat', () => {
  it('pings when idle, hides pongs, and replaces a connection that stays silent (close code 4010)', () => {
    const closes: Array<{ code?: number }> = [];
    const ws = subject<Update, unknown>({
      reconnect: NOW,
      heartbeat: { interval: 1000, timeout: 500, message: { ping: true }, isPong: (update) => update.pong === true },
      closeObserver: { next: (event) => closes.push(event) },
    });
    const seen = record(ws);
    MockSocket.last.open();
    jest.advanceTimersByTime(1000);
    expect(MockSocket.last.sentJson).toEqual([{ ping: true }]);
    jest.advanceTimersByTime(100);
    MockSocket.last.receiveJson({ topic: 'hb', pong: true });
    expect(seen.values).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(MockSocket.last.sentJson).toHaveLength(2);
    jest.advanceTimersByTime(499);
    expect(closes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(closes).toEqual([expect.objectContaining({ code: 4010, wasClean: false })]);
    jest.runOnlyPendingTimers();
    expect(MockSocket.made).toHaveLength(2);
    expect(seen.error).toBeUndefined();
  });
});

describe('buffer and delivery', () => {
  it('bounds the queue: next() throws BufferOverflowError under overflow "error"', () => {
    const ws = subject({ buffer: { limit: 2 } });
    ws.next(1);
    ws.next(2);
    expect(() => ws.next(3)).toThrow(BufferOverflowError);
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([1, 2]);
  });

  it('tells droppedObserver what "drop-oldest" drops', () => {
    const dropped: unknown[] = [];
    const ws = subject({ buffer: { limit: 2, overflow: 'drop-oldest' }, droppedObserver: { next: (value) => dropped.push(value) } });
    for (const n of [1, 2, 3]) ws.next(n);
    expect(dropped).toEqual([1]);
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([2, 3]);
  });

  it('with delivery, sends again on the next connection what was not acknowledged', () => {
    const ws = subject<Update, { id: number }>({
      reconnect: NOW,
      delivery: { id: (message) => message.id, ackOf: (update) => update.ack },
    });
    record(ws);
    MockSocket.last.open();
    ws.next({ id: 1 });
    ws.next({ id: 2 });
    MockSocket.last.receiveJson({ topic: 'ack', ack: 1 });
    MockSocket.last.closed(1006, '', false);
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ id: 2 }]);
    MockSocket.last.receiveJson({ topic: 'ack', ack: 2 });
  });
});

describe('multiplex topics are state, not data', () => {
  const unsubscribed = (name: string) => ({ unsub: name });

  it('subscribes a topic made while reconnecting on the next connection, though "drop-oldest" dropped every queued value', () => {
    const dropped: unknown[] = [];
    const ws = subject({
      reconnect: NOW,
      buffer: { limit: 1, overflow: 'drop-oldest' },
      droppedObserver: { next: (value) => dropped.push(value) },
    });
    record(ws);
    MockSocket.last.open();
    MockSocket.last.closed(1006, '', false);
    record(topic(ws, 'prices'));
    ws.next({ n: 1 });
    ws.next({ n: 2 });
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'prices' }, { n: 2 }]);
    expect(dropped).toEqual([{ n: 1 }]);
  });

  it.each(['drop-oldest', 'drop-newest', 'error'] as const)(
    'sends an unsubscription at once past a full outbox (overflow %s) and never lets it be dropped',
    (overflow) => {
      const dropped: unknown[] = [];
      const ws = subject({ buffer: { limit: 1, overflow, highWaterMark: 10 }, droppedObserver: { next: (value) => dropped.push(value) } });
      record(ws); // keeps the socket open when the topic ends
      const prices = record(topic(ws, 'prices'));
      MockSocket.last.open();
      // The socket is above its high-water mark: values wait, and the outbox is full.
      MockSocket.last.bufferedAmount = 100;
      ws.next({ n: 1 });
      ws.next({ n: 2 }); // sent to the full socket: queued
      if (overflow === 'error') expect(() => ws.next({ n: 3 })).toThrow(BufferOverflowError);
      else ws.next({ n: 3 });
      prices.subscription.unsubscribe();
      expect(MockSocket.last.sentJson).toEqual([{ sub: 'prices' }, { n: 1 }, unsubscribed('prices')]);
      expect(dropped).toEqual(overflow === 'drop-oldest' ? [{ n: 2 }] : overflow === 'drop-newest' ? [{ n: 3 }] : []);
      MockSocket.last.bufferedAmount = 0;
      jest.runOnlyPendingTimers();
      expect(MockSocket.last.sentJson.slice(3)).toEqual([overflow === 'drop-oldest' ? { n: 3 } : { n: 2 }]);
    },
  );

  it('does not subscribe a topic on the next connection once it was left while reconnecting, and sends that connection no unsubscription', () => {
    const ws = subject({ reconnect: NOW, buffer: { limit: 1 } });
    record(ws);
    const prices = record(topic(ws, 'prices'));
    MockSocket.last.open();
    MockSocket.last.closed(1006, '', false);
    ws.next({ n: 1 }); // the outbox is full
    prices.subscription.unsubscribe();
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ n: 1 }]);
  });

  it('subscribes a topic made while the socket is closing (close frame in, close event not yet) exactly once on the next connection', () => {
    for (const buffer of [undefined, { limit: 10 }]) {
      MockSocket.reset();
      const ws = subject({ reconnect: NOW, buffer });
      const all = record(ws);
      MockSocket.last.open();
      MockSocket.last.readyState = 2; // the server's close frame arrived
      const prices = record(topic(ws, 'prices'));
      ws.next({ n: 1 });
      expect(MockSocket.last.sentJson).toEqual([]);
      MockSocket.last.closed(4001, 'bye', true);
      jest.runOnlyPendingTimers();
      MockSocket.last.open();
      expect(MockSocket.last.sentJson).toEqual([{ sub: 'prices' }, { n: 1 }]);
      prices.subscription.unsubscribe();
      expect(MockSocket.last.sentJson).toEqual([{ sub: 'prices' }, { n: 1 }, unsubscribed('prices')]);
      all.subscription.unsubscribe();
      MockSocket.last.closed();
    }
  });

  it('errors only the topic whose subMsg throws, and forgets it: later connections do not call it again', () => {
    const ws = subject({ reconnect: NOW });
    record(ws);
    MockSocket.last.open();
    let calls = 0;
    const broken = record(
      ws.multiplex(
        () => {
          calls++;
          throw new Error('no topic');
        },
        () => ({ unsub: 'x' }),
        () => true,
      ),
    );
    expect(broken.error).toEqual(new Error('no topic'));
    MockSocket.last.closed(1006, '', false);
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(calls).toBe(1);
    expect(MockSocket.last.sentJson).toEqual([]);
  });
});

describe('the closing window (close frame in, close event not yet)', () => {
  it('keeps a value sent then for the next connection instead of handing it to the closing socket', () => {
    const ws = subject({ reconnect: NOW, buffer: { limit: 10 } });
    record(ws);
    MockSocket.last.open();
    MockSocket.last.readyState = 2;
    ws.next({ n: 1 });
    expect(MockSocket.last.sentJson).toEqual([]);
    MockSocket.last.closed(4001, 'bye', true);
    jest.runOnlyPendingTimers();
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ n: 1 }]);
  });
});
