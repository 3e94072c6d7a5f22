/**
 * Behaviour no other spec guarded (issue 15): a hand-made fault in each went unnoticed by the
 * suite. Through the public API only: the drop-in's time policy on a socket double under fake
 * timers, the rest on a real `ws` server on 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Observable } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ConnectionError,
  ReactiveWebSocket,
  type ReactiveWebSocketConfig,
  type ReconnectEvent,
  type SocketCloseEvent,
  type SocketState,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { resilient, webSocket } from '../../lib/rxjs.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { fakeSockets } from '../support/fake-socket.js';
import { all, until } from '../support/wait.js';

/** Every socket a test made, closed after it even when it failed half-way (a reconnecting socket would keep jest alive). */
const sockets: Array<ReactiveWebSocket<string, string>> = [];
/** Servers to close after the test. */
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  try {
    for (const socket of sockets) socket.close();
    await Promise.all(sockets.splice(0).map((socket) => all(socket.state$)));
  } finally {
    // Even when a socket never completed its state$: an open server would keep jest alive.
    await Promise.all(servers.splice(0).map((server) => server.close()));
  }
});

function tracked(config: ReactiveWebSocketConfig<string, string>): ReactiveWebSocket<string, string> {
  const socket = new ReactiveWebSocket<string, string>(config);
  sockets.push(socket);
  return socket;
}

async function echoServer(): Promise<EchoServer> {
  const echo = await startEchoServer();
  servers.push(echo);
  return echo;
}

/** A `ws` constructor that keeps every socket it makes, to read their readyState. */
function recordingWs(): { WebSocketCtor: WebSocketConstructor; made: WebSocket[] } {
  const made: WebSocket[] = [];
  class Recorded extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  }
  return { WebSocketCtor: Recorded, made };
}

describe('resilient() reconnect.stableAfter, on a socket double with fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts again at attempt 1 after a connection that stayed open for stableAfter, and counts on after a shorter one', () => {
    const { WebSocketCtor, made } = fakeSockets();
    const reconnects: ReconnectEvent[] = [];
    const subject = webSocket<string, string>(
      resilient({
        url: 'ws://127.0.0.1:9/feed',
        WebSocketCtor,
        // random 0.5: each delay is half its cap, 50, 100, 200 … for attempts 1, 2, 3 …
        reconnect: { initialDelay: 100, maxDelay: 10_000, stableAfter: 1000, random: () => 0.5 },
        reconnectObserver: { next: (event) => reconnects.push(event) },
      }),
    );
    const ended: unknown[] = [];
    const subscription = subject.subscribe({ error: (error) => ended.push(error), complete: () => ended.push('complete') });

    made[0].open();
    jest.advanceTimersByTime(999);
    made[0].closed(1006, '', false);
    expect(reconnects).toEqual([{ attempt: 1, delay: 50 }]);

    // A refused attempt counts on …
    jest.advanceTimersByTime(50);
    expect(made).toHaveLength(2);
    made[1].fail();
    expect(reconnects.at(-1)).toEqual({ attempt: 2, delay: 100 });

    // … and so does a connection that drops 1 ms short of stableAfter …
    jest.advanceTimersByTime(100);
    expect(made).toHaveLength(3);
    made[2].open();
    jest.advanceTimersByTime(999);
    made[2].closed(1006, '', false);
    expect(reconnects.at(-1)).toEqual({ attempt: 3, delay: 200 });

    // … but one that stayed open for stableAfter resets the count: the next drop is attempt 1, with the first delay.
    jest.advanceTimersByTime(200);
    expect(made).toHaveLength(4);
    made[3].open();
    jest.advanceTimersByTime(1000);
    made[3].closed(1006, '', false);
    expect(reconnects.map((event) => event.attempt)).toEqual([1, 2, 3, 1]);
    expect(reconnects.at(-1)).toEqual({ attempt: 1, delay: 50 });

    jest.advanceTimersByTime(50);
    expect(made).toHaveLength(5);
    made[4].open();
    subscription.unsubscribe();
    expect(made[4].closes).toHaveLength(1);
    made[4].closed(1000);
    expect(ended).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('a lazy socket whose subscriber comes back during its idle close', () => {
  it('connects again once that close is over, instead of staying closed', async () => {
    const echo = await echoServer();
    const { WebSocketCtor, made } = recordingWs();
    const socket = tracked({ url: echo.url, WebSocketCtor, lazy: true });
    const states: SocketState[] = [];
    const messages: string[] = [];
    let readyStateOnReturn: number | undefined;
    socket.state$.subscribe((state) => {
      states.push(state);
      // The idle close is under way: the runtime socket was told to close in the same turn, and its close event needs I/O.
      if (state === 'closing' && readyStateOnReturn === undefined) {
        queueMicrotask(() => {
          readyStateOnReturn = made[0].readyState;
          socket.messages$.subscribe((message) => messages.push(message));
        });
      }
    });
    const first = socket.messages$.subscribe();
    await until(() => socket.state === 'open', 3000, 'the first connection to open');

    first.unsubscribe();
    await until(() => states.length > 4, 3000, 'the idle close to end');
    expect(readyStateOnReturn).toBe(WebSocket.CLOSING);
    expect(states.slice(0, 5)).toEqual(['closed', 'connecting', 'open', 'closing', 'connecting']);

    socket.send('still here');
    await until(() => messages.length > 0, 3000, 'the echo on the new connection');
    expect(messages).toEqual(['still here']);
    expect(states).toEqual(['closed', 'connecting', 'open', 'closing', 'connecting', 'open']);
    expect(made).toHaveLength(2);
    expect(made[0].readyState).toBe(WebSocket.CLOSED);
    expect(echo.connections).toHaveLength(2);
  });
});

describe('a lazy socket whose only subscriber leaves while it is connecting', () => {
  it('closes the connecting socket before it reaches the server, and a later subscriber gets a working connection', async () => {
    const echo = await echoServer();
    const { WebSocketCtor, made } = recordingWs();
    const socket = tracked({ url: echo.url, WebSocketCtor, lazy: true });
    const states: SocketState[] = [];
    socket.state$.subscribe((state) => states.push(state));

    const left = socket.messages$.subscribe();
    expect(socket.state).toBe('connecting');
    expect(made).toHaveLength(1);
    left.unsubscribe();
    await until(() => socket.state === 'closed', 3000, 'the idle close of the connecting socket');
    // Closed, not left to open unused: the runtime socket is done, and the server never had a client.
    expect(made[0].readyState).toBe(WebSocket.CLOSED);
    expect(echo.server.clients.size).toBe(0);
    expect(states).toEqual(['closed', 'connecting', 'closing', 'closed']);

    const messages: string[] = [];
    socket.messages$.subscribe((message) => messages.push(message));
    socket.send('hello');
    await until(() => messages.length > 0, 3000, 'the echo on the later connection');
    expect(messages).toEqual(['hello']);
    expect(made).toHaveLength(2);
    // The one connection the server ever saw is the one in use.
    expect(echo.connections).toHaveLength(1);
    expect(states).toEqual(['closed', 'connecting', 'closing', 'closed', 'connecting', 'open']);
  });
});

describe('shouldReconnect after a failed attempt and a later clean close', () => {
  it('is given the ConnectionError for the refused handshake, and no error for the clean close that follows', async () => {
    // Refuses the first handshake with 401, accepts the rest.
    let upgrades = 0;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, done: (accept: boolean, status?: number) => void) => done(++upgrades > 1, 401),
    });
    await once(server, 'listening');
    servers.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    });
    const asked: Array<{ code: number; wasClean: boolean; error: ConnectionError | undefined }> = [];
    const socket = tracked({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed`,
      WebSocketCtor: WebSocket,
      reconnect: {
        initialDelay: 10,
        maxDelay: 10,
        random: () => 0,
        // Retry the refused handshake; stop at the clean close.
        shouldReconnect: (close: SocketCloseEvent, error?: ConnectionError) => {
          asked.push({ code: close.code, wasClean: close.wasClean, error });
          return close.code === 1006;
        },
      },
    });
    await until(() => socket.state === 'open', 3000, 'the second attempt to open');
    for (const client of server.clients) client.close(1000, 'done');
    await until(() => socket.state === 'closed', 3000, 'the clean close');

    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ code: 1006, wasClean: false });
    expect(asked[0].error).toBeInstanceOf(ConnectionError);
    expect(asked[0].error?.status).toBe(401);
    expect(asked[1]).toEqual({ code: 1000, wasClean: true, error: undefined });
    expect(upgrades).toBe(2);
  });
});

describe('a stream first subscribed after the socket closed for good', () => {
  /** Every stream of the socket, each asked for here for the first time. */
  function streams(socket: ReactiveWebSocket<string, string>): Record<string, Observable<unknown>> {
    return {
      socket,
      events$: socket.events$,
      open$: socket.open$,
      message$: socket.message$,
      error$: socket.error$,
      close$: socket.close$,
      messages$: socket.messages$,
      state$: socket.state$,
      reconnect$: socket.reconnect$,
      dropped$: socket.dropped$,
      drained$: socket.drained$,
      writable$: socket.writable$,
    };
  }

  const ends: Array<[string, (echo: EchoServer) => Promise<ReactiveWebSocket<string, string>>]> = [
    [
      'closed by close() while open',
      async (echo) => {
        const socket = tracked({ url: echo.url, WebSocketCtor: WebSocket });
        await until(() => socket.state === 'open', 3000, 'open');
        socket.close();
        return socket;
      },
    ],
    [
      'closed by the server with reconnect off',
      async (echo) => {
        const socket = tracked({ url: echo.url, WebSocketCtor: WebSocket, reconnect: false });
        await until(() => echo.connections.length === 1 && socket.state === 'open', 3000, 'open');
        echo.connections[0].close(1000, 'done');
        return socket;
      },
    ],
    [
      'lazy, closed by close() before anyone subscribed',
      (echo) => {
        const socket = tracked({ url: echo.url, WebSocketCtor: WebSocket, lazy: true });
        socket.close();
        return Promise.resolve(socket);
      },
    ],
  ];

  it.each(ends)('completes at once, after its current value if it has one, on a socket %s', async (_how, end) => {
    const echo = await echoServer();
    const socket = await end(echo);
    await until(() => socket.state === 'closed', 3000, 'the final close');

    const seen: Record<string, unknown[]> = {};
    for (const [name, stream] of Object.entries(streams(socket))) {
      const got: unknown[] = (seen[name] = []);
      stream.subscribe({ next: (value) => got.push(value), complete: () => got.push('complete') });
    }
    expect(seen).toEqual({
      socket: ['complete'],
      events$: ['complete'],
      open$: ['complete'],
      message$: ['complete'],
      error$: ['complete'],
      close$: ['complete'],
      messages$: ['complete'],
      state$: ['closed', 'complete'],
      reconnect$: ['complete'],
      dropped$: ['complete'],
      drained$: ['complete'],
      writable$: [false, 'complete'],
    });
  });
});
