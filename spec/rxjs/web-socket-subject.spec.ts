/**
 * The drop-in's RxJS 7 contract, against a socket double: connecting, sharing, queueing,
 * closing, errors, multiplex and request. Time is fake wherever a timer is involved.
 */
import { ObjectUnsubscribedError, retry, type Observer, type Subscription } from 'rxjs';
import {
  NotImplementedError,
  RequestTimeoutError,
  resilient,
  webSocket,
  WebSocketSubject,
  type WebSocketSubjectConfig,
} from '../../lib/rxjs.js';
import type { WebSocketConstructor } from '../../lib/native-socket.js';
import { MockSocket } from './mock-socket.js';

const Ctor = MockSocket as unknown as WebSocketConstructor;
const subscriptions: Subscription[] = [];

/** A subject on the socket double; `In` and `Out` default to what the test sends. */
function subject<In = unknown, Out = In>(config: Partial<WebSocketSubjectConfig<In, Out>> = {}): WebSocketSubject<In, Out> {
  return webSocket<In, Out>({ url: 'ws://example.test/feed', WebSocketCtor: Ctor, ...config });
}

/** Records what a subscriber gets. */
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

beforeEach(() => MockSocket.reset());
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  jest.useRealTimers();
});

describe('connecting', () => {
  it('connects on the first subscription, not before', () => {
    const ws = subject();
    expect(MockSocket.made).toHaveLength(0);
    record(ws);
    expect(MockSocket.made).toHaveLength(1);
  });

  it('passes the URL and the protocol to the constructor exactly as given', () => {
    const url = new URL('ws://example.test/path?q=1');
    record(subject({ url, protocol: ['v2', 'v1'] }));
    expect(MockSocket.last.args).toEqual([url, ['v2', 'v1']]);
    expect(MockSocket.last.args[0]).toBe(url);
    record(subject({ url: 'ws://EXAMPLE.test:80/a b', protocol: 'chat' }));
    expect(MockSocket.last.args).toEqual(['ws://EXAMPLE.test:80/a b', 'chat']);
  });

  it('leaves a missing or empty protocol out of the constructor call, as RxJS does', () => {
    record(subject());
    expect(MockSocket.last.args).toHaveLength(1);
    record(subject({ protocol: '' }));
    expect(MockSocket.last.args).toHaveLength(1);
  });

  it('sets binaryType on the socket it makes', () => {
    record(subject({ binaryType: 'arraybuffer' }));
    expect(MockSocket.last.binaryType).toBe('arraybuffer');
  });

  it('uses the global WebSocket as it was when webSocket() was called', () => {
    const before = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = MockSocket;
    try {
      const ws = webSocket('ws://example.test/');
      (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
      record(ws);
      expect(MockSocket.made).toHaveLength(1);
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = before;
    }
  });

  it('throws NotImplementedError at webSocket() where there is no WebSocket, saying what to pass', () => {
    expect(() => webSocket('ws://example.test/')).toThrow(NotImplementedError);
    expect(() => webSocket('ws://example.test/')).toThrow(/no WebSocket constructor can be found.*WebSocketCtor.*'ws'/);
  });

  it.each(['reconnect', 'connectTimeout', 'heartbeat', 'buffer', 'delivery'])(
    'throws a TypeError for %s given without resilient(), showing how to wrap it',
    (key) => {
      const config = { url: 'ws://x', WebSocketCtor: Ctor, [key]: true } as WebSocketSubjectConfig<unknown>;
      expect(() => webSocket(config)).toThrow(TypeError);
      expect(() => webSocket(config)).toThrow(`${key} needs resilient(): webSocket(resilient({ url, ${key} }))`);
      // Nothing was made.
      expect(MockSocket.made).toHaveLength(0);
    },
  );

  it('accepts a plain factory function as WebSocketCtor, calling it without new', () => {
    const factory = (url: string) => new MockSocket(url);
    record(subject({ WebSocketCtor: factory }));
    expect(MockSocket.last.args).toEqual(['ws://example.test/feed']);
  });

  it('listens to a bare object that has neither addEventListener nor on* properties, as RxJS does', () => {
    const bare: Record<string, unknown> = { readyState: 0, send: jest.fn(), close: jest.fn() };
    const seen = record(subject<string>({ WebSocketCtor: () => bare as never }));
    (bare.onopen as (event: object) => void)({});
    (bare.onmessage as (event: object) => void)({ data: '"hi"' });
    expect(seen.values).toEqual(['hi']);
  });
});

describe('sharing one socket', () => {
  it('gives every subscriber the same socket and every message', () => {
    const ws = subject<string>();
    const a = record(ws);
    const b = record(ws);
    expect(MockSocket.made).toHaveLength(1);
    MockSocket.last.open();
    MockSocket.last.receiveJson('tick');
    expect([a.values, b.values]).toEqual([['tick'], ['tick']]);
  });

  it('closes the socket with 1000 when the last subscriber leaves, not before', () => {
    const ws = subject();
    const a = record(ws);
    const b = record(ws);
    MockSocket.last.open();
    a.subscription.unsubscribe();
    expect(MockSocket.last.closes).toEqual([]);
    b.subscription.unsubscribe();
    expect(MockSocket.last.closes).toEqual([[1000, undefined]]);
  });

  it('closes a socket whose subscribers all left before it opened, as it opens, and never reports it open', () => {
    const opened = jest.fn();
    const ws = subject({ openObserver: { next: opened } });
    ws.next('queued');
    record(ws).subscription.unsubscribe();
    const socket = MockSocket.last;
    expect(socket.closes).toHaveLength(1);
    socket.open();
    expect(socket.closes).toHaveLength(2);
    expect(opened).not.toHaveBeenCalled();
    expect(socket.sent).toEqual([]);
    // What was queued waits for the next socket.
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual(['queued']);
  });

  it('makes a new socket for a subscriber that comes after a close, while the old one still closes', () => {
    const ws = subject<string>();
    record(ws).subscription.unsubscribe();
    const first = MockSocket.last;
    const later = record(ws);
    const second = MockSocket.last;
    expect(second).not.toBe(first);
    second.open();
    first.closed();
    second.receiveJson('still here');
    expect(later.values).toEqual(['still here']);
    expect(later.completed).toBe(false);
    expect(second.closes).toEqual([]);
  });

  it('exposes the shared socket as _socket, the name RxJS’s own spec reads', () => {
    const ws = subject();
    expect(ws._socket).toBeNull();
    record(ws);
    expect(ws._socket).toBe(MockSocket.last);
  });
});

describe('sending', () => {
  it('queues values sent before any subscriber and before open, and sends them in order on open', () => {
    const ws = subject<unknown, { n: number }>();
    ws.next({ n: 1 });
    record(ws);
    ws.next({ n: 2 });
    expect(MockSocket.last.sent).toEqual([]);
    MockSocket.last.open();
    expect(MockSocket.last.sent).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('sends at once on an open socket', () => {
    const ws = subject<string>();
    record(ws);
    MockSocket.last.open();
    ws.next('now');
    expect(MockSocket.last.sentJson).toEqual(['now']);
  });

  it('encodes with the serializer when next() is called, and throws what it throws there', () => {
    const serializer = jest.fn((value: number) => {
      if (value < 0) throw new RangeError('negative');
      return `n=${value}`;
    });
    const ws = subject<string, number>({ serializer });
    ws.next(1);
    expect(serializer).toHaveBeenCalledWith(1);
    expect(() => ws.next(-1)).toThrow(RangeError);
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sent).toEqual(['n=1']);
  });

  it('refuses a value the serializer turns into undefined, and queues nothing', () => {
    const ws = subject<unknown, unknown>();
    expect(() => ws.next(undefined)).toThrow(/serializer returned undefined; nothing was sent/);
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sent).toEqual([]);
  });

  it('holds values sent while the server closes the socket, for the next socket, instead of dropping them', () => {
    const ws = subject<string>();
    record(ws);
    const socket = MockSocket.last;
    socket.open();
    socket.readyState = 2;
    ws.next('late');
    expect(socket.sent).toEqual([]);
    socket.closed();
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual(['late']);
  });

  it('tells openObserver before sending what was queued, so that what it sends goes after', () => {
    const ws: WebSocketSubject<unknown, string> = subject<unknown, string>({
      openObserver: {
        next: (event) => {
          expect(event).toEqual({ type: 'open', target: MockSocket.last });
          expect(MockSocket.last.sent).toEqual([]);
          ws.next('hello from openObserver');
        },
      },
    });
    ws.next('queued');
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual(['queued', 'hello from openObserver']);
  });
});

describe('receiving and ending', () => {
  it('decodes with JSON.parse by default, and with the deserializer given the message event', () => {
    const parsed = record(subject());
    MockSocket.last.open();
    MockSocket.last.receiveJson({ a: [1] });
    expect(parsed.values).toEqual([{ a: [1] }]);
    const deserializer = jest.fn((event: { data: unknown }) => String(event.data).toUpperCase());
    const raw = record(subject<string>({ deserializer }));
    const event = MockSocket.last.receive('hey');
    expect(raw.values).toEqual(['HEY']);
    expect(deserializer.mock.calls[0][0]).toBe(event);
  });

  it('errors every subscriber with what the deserializer threw, closes the socket, and connects anew on the next subscription', () => {
    const failure = new SyntaxError('bad frame');
    const ws = subject({
      deserializer: () => {
        throw failure;
      },
    });
    const a = record(ws);
    const b = record(ws);
    const socket = MockSocket.last;
    socket.open();
    socket.receive('x');
    expect([a.error, b.error]).toEqual([failure, failure]);
    expect(socket.closes).toEqual([[1000, undefined]]);
    record(ws);
    expect(MockSocket.made).toHaveLength(2);
  });

  it('completes subscribers on a clean close and errors them with the close event on an unclean one', () => {
    const ws = subject();
    const clean = record(ws);
    MockSocket.last.open();
    MockSocket.last.closed(1001, 'going away', true);
    expect(clean).toMatchObject({ completed: true, error: undefined });
    const unclean = record(ws);
    const event = MockSocket.last.closed(1006, '', false);
    expect(unclean.completed).toBe(false);
    expect(unclean.error).toBe(event);
  });

  it('tells closeObserver the runtime’s close event before subscribers complete', () => {
    const order: string[] = [];
    const events: object[] = [];
    const ws = subject({ closeObserver: { next: (event) => (events.push(event), order.push('closeObserver')) } });
    ws.subscribe({ complete: () => order.push('complete') });
    const event = MockSocket.last.closed();
    expect(order).toEqual(['closeObserver', 'complete']);
    expect(events[0]).toBe(event);
  });

  it('errors subscribers with the runtime’s error event, then tells closeObserver of an abnormal close', () => {
    const closes: Array<{ code?: number }> = [];
    const ws = subject({ closeObserver: { next: (event) => closes.push(event) } });
    const seen = record(ws);
    const event = MockSocket.last.fail();
    expect(seen.error).toBe(event);
    expect(closes).toEqual([expect.objectContaining({ code: 1006, wasClean: false })]);
  });

  it('errors the subscriber with what the constructor threw, and tries again on the next subscription', () => {
    let fail = true;
    const ws = subject<string>({
      WebSocketCtor: (url: string) => {
        if (fail) throw new SyntaxError(`bad ${url}`);
        return new MockSocket(url);
      },
    });
    const seen = record(ws);
    expect(seen.error).toEqual(new SyntaxError('bad ws://example.test/feed'));
    fail = false;
    const again = record(ws);
    MockSocket.last.open();
    MockSocket.last.receiveJson('ok');
    expect(again.values).toEqual(['ok']);
  });

  it('reconnects through retry(): each error makes a new socket', () => {
    const ws = subject<string>();
    const seen = record(ws.pipe(retry(2)));
    MockSocket.last.closed(1006, '', false);
    MockSocket.last.fail();
    expect(MockSocket.made).toHaveLength(3);
    MockSocket.last.open();
    MockSocket.last.receiveJson('third time');
    expect(seen.values).toEqual(['third time']);
  });
});

describe('closing from the client', () => {
  it('complete() tells closingObserver, closes with 1000, and subscribers complete when the close completes', () => {
    const order: string[] = [];
    const ws = subject({ closingObserver: { next: () => order.push(`closing, ${MockSocket.last.closes.length} closes`) } });
    const seen = record(ws);
    MockSocket.last.open();
    ws.complete();
    expect(order).toEqual(['closing, 0 closes']);
    expect(MockSocket.last.closes).toEqual([[1000, undefined]]);
    expect(seen.completed).toBe(false);
    MockSocket.last.closed();
    expect(seen.completed).toBe(true);
  });

  it('complete() before open sends what was queued once the socket opens, then closes it', () => {
    const ws = subject<unknown, string>();
    record(ws);
    ws.next('last words');
    ws.complete();
    expect(MockSocket.last.closes).toEqual([]);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual(['last words']);
    expect(MockSocket.last.closes).toEqual([[1000, undefined]]);
  });

  it('complete() without a socket does nothing', () => {
    const ws = subject();
    expect(() => ws.complete()).not.toThrow();
    expect(MockSocket.made).toHaveLength(0);
  });

  it('error({ code, reason }) closes with that code and reason, passed as given', () => {
    const ws = subject();
    record(ws);
    MockSocket.last.open();
    ws.error({ code: 4001, reason: 'bye' });
    expect(MockSocket.last.closes).toEqual([[4001, 'bye']]);
  });

  it('error() with anything but { code } closes with 1000 and errors subscribers with a TypeError saying what it takes', () => {
    const ws = subject();
    const seen = record(ws);
    MockSocket.last.open();
    ws.error(new Error('upstream failed'));
    expect(MockSocket.last.closes).toEqual([[1000, undefined]]);
    expect(seen.error).toEqual(expect.any(TypeError));
    expect((seen.error as Error).message).toMatch(/error\(\) takes \{ code, reason\? \}/);
  });

  it('completes subscribers of a close it started even when the peer never answers (after the closing timeout)', () => {
    jest.useFakeTimers();
    const ws = subject();
    const seen = record(ws);
    MockSocket.last.open();
    ws.complete();
    jest.advanceTimersByTime(1000);
    expect(seen).toMatchObject({ completed: true, error: undefined });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('unsubscribe() closes the socket and ends the subject: next() throws, subscribers get ObjectUnsubscribedError', () => {
    const ws = subject();
    const seen = record(ws);
    MockSocket.last.open();
    ws.unsubscribe();
    expect(ws.closed).toBe(true);
    expect(MockSocket.last.closes).toEqual([[1000, undefined]]);
    MockSocket.last.closed();
    expect(seen.completed).toBe(true);
    expect(() => ws.next('x')).toThrow(ObjectUnsubscribedError);
    expect(record(ws).error).toBeInstanceOf(ObjectUnsubscribedError);
    expect(MockSocket.made).toHaveLength(1);
  });

  it('asObservable() receives the messages and cannot send', () => {
    const ws = subject<string>();
    const readOnly = ws.asObservable();
    expect('next' in readOnly).toBe(false);
    const seen = record(readOnly);
    MockSocket.last.open();
    MockSocket.last.receiveJson('hi');
    expect(seen.values).toEqual(['hi']);
  });
});

describe('multiplex', () => {
  type Update = { topic: string; value: number };
  const topic = (ws: WebSocketSubject<Update, unknown>, name: string) =>
    ws.multiplex(
      () => ({ sub: name }),
      () => ({ unsub: name }),
      (update) => update.topic === name,
    );

  it('subscribes per subscription, filters, unsubscribes at the end, and closes the shared socket after the last', () => {
    const ws = subject<Update, unknown>();
    const a = record(topic(ws, 'a'));
    const b = record(topic(ws, 'b'));
    const socket = MockSocket.last;
    socket.open();
    expect(socket.sentJson).toEqual([{ sub: 'a' }, { sub: 'b' }]);
    socket.receiveJson({ topic: 'a', value: 1 });
    socket.receiveJson({ topic: 'b', value: 2 });
    expect([a.values, b.values]).toEqual([[{ topic: 'a', value: 1 }], [{ topic: 'b', value: 2 }]]);
    a.subscription.unsubscribe();
    expect(socket.sentJson.at(-1)).toEqual({ unsub: 'a' });
    expect(socket.closes).toEqual([]);
    b.subscription.unsubscribe();
    expect(socket.sentJson.at(-1)).toEqual({ unsub: 'b' });
    expect(socket.closes).toEqual([[1000, undefined]]);
  });

  it('errors only the subscription whose subMsg or messageFilter throws', () => {
    const ws = subject<Update, unknown>();
    const healthy = record(topic(ws, 'a'));
    const badSub = record(
      ws.multiplex(
        () => {
          throw new Error('no sub');
        },
        () => ({ unsub: 'x' }),
        () => true,
      ),
    );
    const badFilter = record(
      ws.multiplex(
        () => ({ sub: 'y' }),
        () => ({ unsub: 'y' }),
        () => {
          throw new Error('no filter');
        },
      ),
    );
    MockSocket.last.open();
    MockSocket.last.receiveJson({ topic: 'a', value: 1 });
    expect(badSub.error).toEqual(new Error('no sub'));
    expect(badFilter.error).toEqual(new Error('no filter'));
    expect(healthy.values).toEqual([{ topic: 'a', value: 1 }]);
    expect(MockSocket.last.sentJson).toEqual([{ sub: 'a' }, { sub: 'y' }, { unsub: 'y' }]);
  });

  it('without resilient(), completes its subscribers when the socket closes, sending unsubMsg to the next socket', () => {
    const ws = subject<Update, unknown>();
    const a = record(topic(ws, 'a'));
    MockSocket.last.open();
    MockSocket.last.closed();
    expect(a.completed).toBe(true);
    record(ws);
    MockSocket.last.open();
    expect(MockSocket.last.sentJson).toEqual([{ unsub: 'a' }]);
  });
});

describe('multiplex when things go wrong', () => {
  type Update = { topic: string; value: number };

  it('errors its subscribers with the close event when the socket closes uncleanly', () => {
    const ws = subject<Update, unknown>();
    const a = record(
      ws.multiplex(
        () => ({ sub: 'a' }),
        () => ({ unsub: 'a' }),
        () => true,
      ),
    );
    MockSocket.last.open();
    const close = MockSocket.last.closed(1006, '', false);
    expect(a.error).toBe(close);
    expect(a.completed).toBe(false);
  });

  it('calls no subMsg when no socket could be made: its subscriber has the constructor’s error', () => {
    const failure = new Error('no socket');
    const ws = subject<Update, unknown>({
      WebSocketCtor: function Failing() {
        throw failure;
      } as unknown as WebSocketConstructor,
    });
    const subMsg = jest.fn(() => ({ sub: 'a' }));
    const a = record(
      ws.multiplex(
        subMsg,
        () => ({ unsub: 'a' }),
        () => true,
      ),
    );
    expect(a.error).toBe(failure);
    expect(subMsg).not.toHaveBeenCalled();
  });

  it.each([
    ['webSocket(config)', (config: WebSocketSubjectConfig<Update, unknown>) => webSocket(config)],
    ['webSocket(resilient(config))', (config: WebSocketSubjectConfig<Update, unknown>) => webSocket(resilient(config))],
  ])('%s reports an unsubMsg that throws as the subscription ends, and still leaves the socket', (_name, make) => {
    const reported: unknown[] = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    try {
      const ws = make({ url: 'ws://example.test/feed', WebSocketCtor: Ctor });
      const failure = new Error('no unsub');
      const a = record(
        ws.multiplex(
          () => ({ sub: 'a' }),
          () => {
            throw failure;
          },
          () => true,
        ),
      );
      MockSocket.last.open();
      a.subscription.unsubscribe();
      expect(reported).toEqual([failure]);
      // Closed with 1000; the engine under resilient() passes an empty reason, the plain subject none.
      expect(MockSocket.last.closes.map(([code]) => code)).toEqual([1000]);
    } finally {
      delete (globalThis as { reportError?: unknown }).reportError;
    }
  });
});

describe('the constructor the config names', () => {
  it('leaves alone an onmessage the socket already has', () => {
    const handler = (): void => undefined;
    const made: Array<{ onmessage?: unknown }> = [];
    class WithHandler extends MockSocket {
      constructor(...args: unknown[]) {
        super(...args);
        (this as { onmessage?: unknown }).onmessage = handler;
        made.push(this as { onmessage?: unknown });
      }
    }
    record(subject({ WebSocketCtor: WithHandler as unknown as WebSocketConstructor }));
    expect(made[0].onmessage).toBe(handler);
  });
});

describe('request', () => {
  type Reply = { id: number; result?: number };

  it('sends once per subscription, emits the first reply match accepts, then completes and releases the socket', () => {
    const ws = subject<Reply, { id: number; method: string }>();
    const seen = record(ws.request({ id: 7, method: 'answer' }, { match: (reply) => reply.id === 7 }));
    const socket = MockSocket.last;
    socket.open();
    expect(socket.sentJson).toEqual([{ id: 7, method: 'answer' }]);
    socket.receiveJson({ id: 6, result: 0 });
    socket.receiveJson({ id: 7, result: 42 });
    socket.receiveJson({ id: 7, result: 43 });
    expect(seen).toMatchObject({ values: [{ id: 7, result: 42 }], completed: true });
    expect(socket.closes).toEqual([[1000, undefined]]);
  });

  it('fails with RequestTimeoutError carrying the request and the time allowed, and leaves no timer', () => {
    jest.useFakeTimers();
    const ws = subject<Reply, { id: number }>();
    const seen = record(ws.request({ id: 1 }, { match: (reply) => reply.id === 1, timeout: 500 }));
    MockSocket.last.open();
    jest.advanceTimersByTime(499);
    expect(seen.error).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(seen.error).toBeInstanceOf(RequestTimeoutError);
    expect(seen.error).toMatchObject({ name: 'RequestTimeoutError', timeout: 500, request: { id: 1 } });
    expect((seen.error as Error).message).toMatch(/no reply within 500 ms.*raise timeout/);
    MockSocket.last.closed();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits 10 s by default', () => {
    jest.useFakeTimers();
    const seen = record(subject<Reply>().request({ id: 1 }, { match: () => false }));
    jest.advanceTimersByTime(9999);
    expect(seen.error).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(seen.error).toMatchObject({ timeout: 10_000 });
  });

  it('stops waiting when unsubscribed before the reply: no timer, no listener, the socket closed', () => {
    jest.useFakeTimers();
    const seen = record(subject<Reply>().request({ id: 1 }, { match: () => true, timeout: 5000 }));
    const socket = MockSocket.last;
    socket.open();
    seen.subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(1); // the connection's bounded closing handshake
    socket.closed();
    expect(jest.getTimerCount()).toBe(0);
    expect(socket.listenerCount()).toBe(0);
    expect(seen).toMatchObject({ values: [], error: undefined, completed: false });
  });

  it('fails with what match throws', () => {
    const seen = record(
      subject<Reply>().request(
        { id: 1 },
        {
          match: () => {
            throw new Error('cannot tell');
          },
        },
      ),
    );
    MockSocket.last.receiveJson({ id: 1 });
    expect(seen.error).toEqual(new Error('cannot tell'));
  });

  it('sends again on every subscription, so retry() resends (on the same socket while others hold it)', () => {
    jest.useFakeTimers();
    const ws = subject<Reply, { id: number }>();
    record(ws);
    const seen = record(ws.request({ id: 3 }, { match: (reply) => reply.id === 3, timeout: 100 }).pipe(retry(1)));
    MockSocket.last.open();
    jest.advanceTimersByTime(100);
    expect(MockSocket.made).toHaveLength(1);
    expect(MockSocket.last.sentJson).toEqual([{ id: 3 }, { id: 3 }]);
    MockSocket.last.receiveJson({ id: 3, result: 1 });
    expect(seen).toMatchObject({ values: [{ id: 3, result: 1 }], completed: true });
  });
});
