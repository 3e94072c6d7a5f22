/**
 * The lifecycle of one socket against runtimes that misbehave: test doubles dispatch events in
 * orders and shapes real runtimes and wrappers produce (an error with no close, an open after
 * close(), events without a type, on* properties only, an object that is no socket at all).
 */
import {
  ConnectionError,
  ReactiveWebSocket,
  SocketClosedError,
  type ReactiveWebSocketConfig,
  type SocketState,
  type WebSocketConstructor,
} from '../lib/index.js';
import { FakeSocket, PropertySocket, fakeSockets } from './support/fake-socket.js';

const URL_ = 'ws://127.0.0.1:9/lifecycle';

/** Lets every queued microtask and the current turn's callbacks run: one turn of the event loop, not a wait for time. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A socket over test doubles, with every event and state recorded. */
function watched<In = unknown, Out = unknown>(
  WebSocketCtor: WebSocketConstructor,
  config: Omit<ReactiveWebSocketConfig<In, Out>, 'url' | 'WebSocketCtor'>,
): {
  socket: ReactiveWebSocket<In, Out>;
  states: SocketState[];
  errors: Error[];
  closes: Array<{ code: number; reason: string }>;
} {
  const socket = new ReactiveWebSocket<In, Out>({ url: URL_, WebSocketCtor, ...config });
  const states: SocketState[] = [];
  const errors: Error[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  socket.state$.subscribe((state) => states.push(state));
  if (config.lazy !== true) {
    socket.error$.subscribe((event) => errors.push(event.error));
    socket.close$.subscribe(({ code, reason }) => closes.push({ code, reason }));
  }
  return { socket, states, errors, closes };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('a socket that reports an error while connecting and never closes', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
  });

  it('ends the attempt at once with one error and a 1006 close, long before connectTimeout', () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket, states, errors, closes } = watched(WebSocketCtor, { reconnect: false, connectTimeout: 60_000 });

    sockets[0].dispatch('error', { type: 'error' });

    expect(closes).toEqual([{ code: 1006, reason: '' }]);
    expect(states).toEqual(['connecting', 'closed']);
    expect(socket.state).toBe('closed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    // The runtime gave up on the socket; it is dropped, not left connecting.
    expect(sockets[0].closes).toHaveLength(1);
    expect(sockets[0].listenerCount()).toBe(0);
    // No second, misleading "did not open within connectTimeout" error later.
    jest.advanceTimersByTime(60_000);
    expect(errors).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('schedules the next attempt at once when reconnecting, not after connectTimeout', () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket, states, errors } = watched(WebSocketCtor, { reconnect: { initialDelay: 100, maxDelay: 100 }, connectTimeout: 60_000 });
    const attempts: number[] = [];
    socket.reconnect$.subscribe(({ attempt }) => attempts.push(attempt));

    sockets[0].dispatch('error', { type: 'error' });
    expect(states).toEqual(['connecting', 'reconnecting']);
    expect(attempts).toEqual([1]);
    jest.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(socket.state).toBe('open');
    expect(errors).toHaveLength(1);

    socket.close();
    sockets[1].closed(1000);
    expect(socket.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('a socket that opens after close() was called', () => {
  it('never goes back to open, and closes that socket again', () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket, states } = watched(WebSocketCtor, { reconnect: false });
    const opens: unknown[] = [];
    socket.open$.subscribe((event) => opens.push(event));

    socket.close(4000, 'done');
    sockets[0].open();

    expect(states).toEqual(['connecting', 'closing']);
    expect(opens).toEqual([]);
    expect(sockets[0].closes).toEqual([
      [4000, 'done'],
      [4000, 'done'],
    ]);
    expect(() => socket.send('late')).toThrow(SocketClosedError);
    expect(sockets[0].sent).toEqual([]);

    sockets[0].closed(4000, 'done');
    expect(states).toEqual(['connecting', 'closing', 'closed']);
  });
});

describe('a lazy socket whose last subscriber leaves', () => {
  it('closes the runtime socket with 1000 when nothing else is asked for', async () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket } = watched(WebSocketCtor, { lazy: true });
    const subscription = socket.messages$.subscribe();
    sockets[0].open();

    subscription.unsubscribe();
    await nextTurn();

    expect(sockets[0].closes).toEqual([[1000, '']]);
    sockets[0].closed(1000);
    expect(socket.state).toBe('closed');
  });

  it('closes the runtime socket only with the code and reason of a close() called in the same turn', async () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket, states } = watched(WebSocketCtor, { lazy: true });
    const subscription = socket.messages$.subscribe();
    sockets[0].open();

    subscription.unsubscribe();
    socket.close(4001, 'bye');
    await nextTurn();

    expect(sockets[0].closes).toEqual([[4001, 'bye']]);
    sockets[0].closed(4001, 'bye');
    expect(states).toEqual(['closed', 'connecting', 'open', 'closing', 'closed']);
  });
});

describe('sockets that dispatch events in other shapes', () => {
  it('opens, receives, sends and closes with a socket that has only on* properties', () => {
    const { WebSocketCtor, made: sockets } = fakeSockets((url) => new PropertySocket(url));
    const { socket, states, errors, closes } = watched<string, string>(WebSocketCtor, { reconnect: false });
    const messages: string[] = [];
    socket.messages$.subscribe((message) => messages.push(message));

    sockets[0].open();
    expect(socket.state).toBe('open');
    sockets[0].dispatch('message', { type: 'message', data: 'hello' });
    expect(messages).toEqual(['hello']);
    socket.send('out');
    expect(sockets[0].sent).toEqual(['out']);

    socket.close(4002, 'done');
    expect(sockets[0].closes).toEqual([[4002, 'done']]);
    sockets[0].closed(4002, 'done');
    expect(closes).toEqual([{ code: 4002, reason: 'done' }]);
    expect(states).toEqual(['connecting', 'open', 'closing', 'closed']);
    expect(errors).toEqual([]);
    expect(sockets[0].onmessage).toBeNull();
  });

  it('knows each event dispatched without a type by the listener it reaches', () => {
    const { WebSocketCtor, made: sockets } = fakeSockets();
    const { socket, states, errors, closes } = watched<string, string>(WebSocketCtor, { reconnect: false });
    const messages: string[] = [];
    socket.messages$.subscribe((message) => messages.push(message));

    sockets[0].open({});
    expect(socket.state).toBe('open');
    sockets[0].dispatch('message', { data: 'hello' });
    expect(messages).toEqual(['hello']);

    sockets[0].closedWith({ code: 4003, reason: 'server done', wasClean: true });
    expect(closes).toEqual([{ code: 4003, reason: 'server done' }]);
    expect(states).toEqual(['connecting', 'open', 'closed']);
    expect(errors).toEqual([]);
  });
});

/** An object a WebSocketCtor might return that offers no way to listen: no addEventListener, no on* properties. */
function unusableSocket(): { readyState: number; closes: unknown[][]; send(): void; close(...args: unknown[]): void } {
  return {
    readyState: 0,
    closes: [],
    send() {},
    close(...args: unknown[]) {
      this.closes.push(args);
    },
  };
}

describe('a WebSocketCtor that does not make a usable socket', () => {
  it('closes the object it made, reports one failed attempt and ends closed', async () => {
    const { WebSocketCtor, made: sockets } = fakeSockets(() => unusableSocket());
    const { states, errors, closes } = watched(WebSocketCtor, { reconnect: false });
    await nextTurn();

    expect(sockets[0].closes).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0].message).toMatch(/could not start the connection/);
    expect(closes).toEqual([{ code: 1006, reason: '' }]);
    expect(states).toEqual(['connecting', 'closed']);
  });

  it('closes a socket whose binaryType cannot be set, and reports one failed attempt', async () => {
    const { WebSocketCtor, made: sockets } = fakeSockets((url) => {
      const socket = new FakeSocket(url);
      Object.defineProperty(socket, 'binaryType', {
        set() {
          throw new TypeError('binaryType is read-only here');
        },
      });
      return socket;
    });
    const { states, errors, closes } = watched(WebSocketCtor, { reconnect: false, binaryType: 'arraybuffer' });
    await nextTurn();

    expect(sockets[0].closes).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/binaryType is read-only here/);
    expect(closes).toEqual([{ code: 1006, reason: '' }]);
    expect(states).toEqual(['connecting', 'closed']);
  });

  it.each([
    [
      'throws',
      (): never => {
        throw new Error('no sockets today');
      },
    ],
    ['returns an object that is no socket', unusableSocket],
  ])(
    'in lazy mode, when it %s, never errors a stream, leaves connecting, and connects again for a new subscriber',
    async (_name, firstAttempt: () => { closes: unknown[][] }) => {
      const madeByFirstAttempt: Array<{ closes: unknown[][] }> = [];
      let calls = 0;
      const { WebSocketCtor, made: sockets } = fakeSockets((url): unknown => {
        if (++calls > 1) return new FakeSocket(url);
        const made = firstAttempt();
        madeByFirstAttempt.push(made);
        return made;
      });
      const { socket, states } = watched<string, string>(WebSocketCtor, {
        lazy: true,
        reconnect: { initialDelay: 60_000, maxDelay: 60_000 },
      });
      const errors: Error[] = [];
      const streamErrors: unknown[] = [];

      const first = socket.error$.subscribe({ next: (event) => errors.push(event.error), error: (error) => streamErrors.push(error) });
      await nextTurn();
      expect(streamErrors).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ConnectionError);
      expect(socket.state).toBe('reconnecting');
      // Whatever the constructor made is closed, not leaked.
      for (const made of madeByFirstAttempt) expect(made.closes).toHaveLength(1);

      first.unsubscribe();
      await nextTurn();
      expect(socket.state).toBe('closed');

      const messages: string[] = [];
      const second = socket.messages$.subscribe({ next: (message) => messages.push(message), error: (error) => streamErrors.push(error) });
      expect(socket.state).toBe('connecting');
      const good = sockets[sockets.length - 1];
      expect(good).toBeInstanceOf(FakeSocket);
      (good as FakeSocket).open();
      (good as FakeSocket).dispatch('message', { type: 'message', data: 'hello again' });
      expect(messages).toEqual(['hello again']);

      second.unsubscribe();
      await nextTurn();
      expect((good as FakeSocket).closes).toEqual([[1000, '']]);
      (good as FakeSocket).closed(1000);
      expect(streamErrors).toEqual([]);
      expect(states).toEqual(['closed', 'connecting', 'reconnecting', 'closed', 'connecting', 'open', 'closing', 'closed']);
    },
  );
});
