/**
 * Faults mutation testing found the rest of the suite missing (issue 11). Each test goes through
 * the public API only, on a test double (fake timers for time policy) or on mock-socket.
 */
import WS from 'jest-websocket-mock';
import { WebSocket as MockWebSocket } from 'mock-socket';
import {
  ConnectionError,
  ReactiveWebSocket,
  SocketClosedError,
  jsonDeserializer,
  websocket,
  type ReactiveWebSocketConfig,
  type ReconnectEvent,
  type SocketCloseEvent,
  type SocketEventType,
  type SocketState,
} from '../lib/index.js';
import { fakeSockets, type FakeSocket } from './support/fake-socket.js';
import { all, until } from './support/wait.js';

const URL_ = 'ws://localhost:1236';
const EVENTS: readonly SocketEventType[] = ['open', 'message', 'error', 'close'];

/** A socket on FakeSockets, with what it emits recorded. */
function fakeSocket<In = string, Out = string>(config: Partial<ReactiveWebSocketConfig<In, Out>> = {}) {
  const { WebSocketCtor, made } = fakeSockets();
  const socket = new ReactiveWebSocket<In, Out>({ url: URL_, WebSocketCtor, ...config });
  const reconnects: ReconnectEvent[] = [];
  const closes: SocketCloseEvent[] = [];
  const errors: Error[] = [];
  const states: SocketState[] = [];
  socket.reconnect$.subscribe((event) => reconnects.push(event));
  socket.close$.subscribe((event) => closes.push(event));
  socket.error$.subscribe((event) => errors.push(event.error));
  socket.state$.subscribe((state) => states.push(state));
  const last = (): FakeSocket => made.at(-1)!;
  return { socket, made, last, reconnects, closes, errors, states };
}

describe('on a test double, with fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('reconnect.stableAfter', () => {
    // random 0.5: each delay is half its cap, 50, 100, 200 … for attempts 1, 2, 3 …
    const reconnect = { initialDelay: 100, maxDelay: 10_000, stableAfter: 1000, random: () => 0.5 };

    it('starts again at attempt 1 after a connection that stayed open for stableAfter', () => {
      const { socket, made, last, reconnects } = fakeSocket({ reconnect });
      last().open();
      jest.advanceTimersByTime(1000);
      last().closedWith({ type: 'close', code: 1006, wasClean: false });
      expect(reconnects).toEqual([{ attempt: 1, delay: 50 }]);

      // A failed attempt counts on …
      jest.advanceTimersByTime(50);
      expect(made).toHaveLength(2);
      last().closedWith({ type: 'close', code: 1006, wasClean: false });
      expect(reconnects.at(-1)).toEqual({ attempt: 2, delay: 100 });

      // … until a connection stays open for stableAfter: the next drop is attempt 1 again, with the first delay.
      jest.advanceTimersByTime(100);
      expect(made).toHaveLength(3);
      last().open();
      jest.advanceTimersByTime(1000);
      last().closedWith({ type: 'close', code: 1006, wasClean: false });
      expect(reconnects.map((event) => event.attempt)).toEqual([1, 2, 1]);
      expect(reconnects.at(-1)).toEqual({ attempt: 1, delay: 50 });

      jest.advanceTimersByTime(50);
      expect(made).toHaveLength(4);
      socket.close();
      last().closed(1000);
      expect(socket.state).toBe('closed');
      expect(jest.getTimerCount()).toBe(0);
    });

    it('counts on, with growing delays, when each connection drops before stableAfter', () => {
      const { socket, made, last, reconnects } = fakeSocket({ reconnect });
      for (let connection = 0; connection < 4; connection++) {
        last().open();
        jest.advanceTimersByTime(999);
        last().closedWith({ type: 'close', code: 1006, wasClean: false });
        jest.advanceTimersByTime(reconnects.at(-1)!.delay);
      }
      expect(made).toHaveLength(5);
      expect(reconnects).toEqual([
        { attempt: 1, delay: 50 },
        { attempt: 2, delay: 100 },
        { attempt: 3, delay: 200 },
        { attempt: 4, delay: 400 },
      ]);
      socket.close();
      last().closed(1000);
      expect(socket.state).toBe('closed');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('close() from a reconnect$ subscriber', () => {
    it('ends in closed and never makes another connection', () => {
      const { socket, made, last, states, reconnects } = fakeSocket({
        reconnect: { initialDelay: 100, maxDelay: 100, random: () => 0 },
      });
      socket.reconnect$.subscribe(() => socket.close());
      last().open();
      last().closedWith({ type: 'close', code: 1006, wasClean: false });

      expect(reconnects).toEqual([{ attempt: 1, delay: 0 }]);
      expect(socket.state).toBe('closed');
      expect(states).toEqual(['connecting', 'open', 'reconnecting', 'closed']);
      expect(() => socket.send('late')).toThrow(SocketClosedError);
      // The delay is 0 (random 0); ten times the largest possible delay is a generous bound.
      jest.advanceTimersByTime(1000);
      expect(made).toHaveLength(1);
      expect(socket.state).toBe('closed');
      expect(jest.getTimerCount()).toBe(0);
      expect(EVENTS.map((type) => made[0].listenerCount(type))).toEqual([0, 0, 0, 0]);
    });
  });

  describe('connectTimeout', () => {
    it('abandons each attempt that never opens at exactly connectTimeout, and follows backoff between them', () => {
      const { socket, made, last, reconnects, closes, errors } = fakeSocket({
        connectTimeout: 500,
        reconnect: { initialDelay: 200, maxDelay: 10_000, random: () => 0.5 },
      });
      jest.advanceTimersByTime(499);
      expect(errors).toEqual([]);
      expect(made[0].closes).toEqual([]);

      jest.advanceTimersByTime(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ConnectionError);
      expect(errors[0].message).toMatch(/ws:\/\/localhost:1236\/.*did not open within 500 ms \(connectTimeout\)/);
      expect(closes).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
      expect(made[0].closes).toHaveLength(1);
      expect(reconnects).toEqual([{ attempt: 1, delay: 100 }]);
      expect(socket.state).toBe('reconnecting');

      jest.advanceTimersByTime(99);
      expect(made).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(made).toHaveLength(2);

      // The second attempt hangs as well: attempt 2, with the cap doubled.
      jest.advanceTimersByTime(500);
      expect(errors).toHaveLength(2);
      expect(made[1].closes).toHaveLength(1);
      expect(reconnects.at(-1)).toEqual({ attempt: 2, delay: 200 });

      // One that opens in time is not abandoned later.
      jest.advanceTimersByTime(200);
      expect(made).toHaveLength(3);
      jest.advanceTimersByTime(499);
      last().open();
      jest.advanceTimersByTime(10_000);
      expect(socket.state).toBe('open');
      expect(errors).toHaveLength(2);
      expect(last().closes).toEqual([]);

      socket.close();
      last().closed(1000);
      expect(socket.state).toBe('closed');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('a close event without a code', () => {
    it('is reported as 1005 everywhere: close$, shouldReconnect, the facade and the error of a late send', () => {
      const seenByPredicate: number[] = [];
      const { socket, last, closes } = fakeSocket({
        reconnect: {
          shouldReconnect: (close) => {
            seenByPredicate.push(close.code);
            return false;
          },
        },
      });
      last().open();
      last().closedWith({ type: 'close', reason: 'no code given' });
      expect(closes).toEqual([{ type: 'close', code: 1005, reason: 'no code given', wasClean: false }]);
      expect(seenByPredicate).toEqual([1005]);
      expect(socket.state).toBe('closed');
      expect(() => socket.send('late')).toThrow(/code 1005 \("no code given"\)/);

      const { WebSocketCtor, made } = fakeSockets();
      const ws = websocket(URL_, { WebSocketCtor });
      const codes: number[] = [];
      ws.bind('close', (event) => codes.push(event.code));
      made[0].open();
      made[0].closedWith({ type: 'close' });
      expect(codes).toEqual([1005]);
    });
  });

  describe('facade handlers', () => {
    it('run in bind order for every message, and a handler bound again after unbind runs last', () => {
      const { WebSocketCtor, made } = fakeSockets();
      const ws = websocket<{ n: number }, string>(URL_, { WebSocketCtor, deserializer: jsonDeserializer });
      const calls: string[] = [];
      const handler = (name: string) => (event: { data: { n: number } }) => calls.push(`${name}${event.data.n}`);
      const zulu = handler('zulu');
      const alpha = handler('alpha');
      const mike = handler('mike');
      ws.bind('message', zulu);
      ws.bind('message', alpha);
      ws.bind('message', mike);
      made[0].open();
      made[0].receive('{"n":1}');
      made[0].receive('{"n":2}');
      ws.unbind('message', zulu);
      ws.bind('message', zulu);
      made[0].receive('{"n":3}');
      expect(calls).toEqual(['zulu1', 'alpha1', 'mike1', 'zulu2', 'alpha2', 'mike2', 'alpha3', 'mike3', 'zulu3']);
      ws.close();
      made[0].closed(1000);
      expect(ws.socket.state).toBe('closed');
    });
  });
});

describe('native listeners on the addEventListener path (mock-socket)', () => {
  /** mock-socket's WebSocket, holding the listeners the library adds and removes, per type, as an EventTarget does. */
  type Listener = Parameters<MockWebSocket['addEventListener']>[1];
  const made: CountingWebSocket[] = [];
  class CountingWebSocket extends MockWebSocket {
    readonly held = new Map<string, Set<unknown>>();
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
    override addEventListener(type: string, listener: Listener): void {
      super.addEventListener(type, listener);
      if (!this.held.has(type)) this.held.set(type, new Set());
      this.held.get(type)!.add(listener);
    }
    override removeEventListener(type: string, listener?: Listener): void {
      super.removeEventListener(type, listener);
      this.held.get(type)?.delete(listener);
    }
  }

  let server: WS;
  const sockets: Array<ReactiveWebSocket<string, string>> = [];
  beforeEach(() => {
    made.length = 0;
    server = new WS(URL_);
  });
  afterEach(async () => {
    // Closed even when a test failed half-way: a reconnecting socket would keep jest alive.
    for (const socket of sockets) socket.close();
    await Promise.all(sockets.splice(0).map((socket) => all(socket.state$)));
    WS.clean();
  });

  function counted(config: Partial<ReactiveWebSocketConfig<string, string>> = {}): ReactiveWebSocket<string, string> {
    const socket = new ReactiveWebSocket<string, string>({ url: URL_, WebSocketCtor: CountingWebSocket, ...config });
    sockets.push(socket);
    return socket;
  }

  function expectNoListenersLeft(sockets: number): void {
    expect(made).toHaveLength(sockets);
    for (const socket of made) {
      expect(Object.fromEntries(EVENTS.map((type) => [type, socket.held.get(type)?.size ?? 0]))).toEqual({
        open: 0,
        message: 0,
        error: 0,
        close: 0,
      });
    }
  }

  it('removes every listener it added when the client closes an open socket', async () => {
    const socket = counted();
    await server.connected;
    expect(made[0].held.get('message')?.size).toBe(1);
    socket.close();
    await all(socket.state$);
    expectNoListenersLeft(1);
  });

  it('removes every listener it added when the client closes while connecting', async () => {
    const socket = counted();
    socket.close();
    await all(socket.state$);
    expectNoListenersLeft(1);
  });

  it('removes every listener it added when the server closes and reconnect is off', async () => {
    const socket = counted({ reconnect: false });
    await server.connected;
    server.close({ code: 4001, reason: 'bye', wasClean: true });
    await all(socket.state$);
    expectNoListenersLeft(1);
  });

  it('removes every listener from every socket of a reconnect cycle', async () => {
    const clients: Array<{ close(options?: { code: number; reason: string; wasClean: boolean }): void }> = [];
    server.on('connection', (client) => clients.push(client));
    const socket = counted({ reconnect: { initialDelay: 10, maxDelay: 10, random: () => 0 } });
    const opens: number[] = [];
    socket.open$.subscribe(() => opens.push(made.length));
    for (let cycle = 1; cycle <= 3; cycle++) {
      await until(() => opens.length === cycle, 2000, `open ${cycle}`);
      clients[cycle - 1].close({ code: 4000 + cycle, reason: 'cycle', wasClean: true });
    }
    await until(() => opens.length === 4, 2000, 'open 4');
    socket.close();
    await all(socket.state$);
    expectNoListenersLeft(4);
  });
});
