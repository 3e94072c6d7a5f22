import {
  ConnectionError,
  ReactiveWebSocket,
  ReconnectError,
  SocketClosedError,
  websocket,
  type ReconnectEvent,
  type SocketCloseEvent,
  type SocketState,
} from '../../lib/index.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { ClientWebSocket, WebSocketCtor, client } from '../support/client-websocket.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { summary } from '../support/summary.js';
import { all, deferred, first, until } from '../support/wait.js';

const FAST = { initialDelay: 50, maxDelay: 200 };
let echo: EchoServer;
let proxy: ChaosProxy;

beforeEach(async () => {
  echo = await startEchoServer({ protocols: ['v1'] });
  proxy = await ChaosProxy.start(Number(new URL(echo.url).port));
});
afterEach(async () => {
  await proxy.close();
  await echo.close();
});

function socketVia(url: string, config: Partial<ConstructorParameters<typeof ReactiveWebSocket<string, string>>[0] & object> = {}) {
  return new ReactiveWebSocket<string, string>({ url, WebSocketCtor, reconnect: FAST, ...config });
}

describe('reconnection', () => {
  it('reconnects after a FIN, an RST and a server close, and the same subscriptions keep receiving (R13)', async () => {
    const closes: SocketCloseEvent[] = [];
    const socket = socketVia(proxy.url, {
      reconnect: { ...FAST, shouldReconnect: (close) => close.code !== 4001 },
    });
    const messages: string[] = [];
    const states: SocketState[] = [];
    const reconnects: ReconnectEvent[] = [];
    socket.messages$.subscribe((message) => messages.push(message));
    socket.state$.subscribe((state) => states.push(state));
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    socket.close$.subscribe((close) => closes.push(close));

    const roundTrip = async (text: string) => {
      socket.send(text);
      await until(() => messages.includes(text), 5000, `the echo of ${text}`);
    };
    // Without acknowledgements, a message handed to a socket that then dies may be lost; so each
    // round trip waits for the new connection to open before sending.
    await roundTrip('before');
    let reopened = first(socket.open$);
    proxy.cut();
    await reopened;
    await roundTrip('after FIN');
    reopened = first(socket.open$);
    proxy.reset();
    await reopened;
    await roundTrip('after RST');
    reopened = first(socket.open$);
    echo.connections[2].close(1001, 'going away');
    await reopened;
    await roundTrip('after 1001');
    await until(() => echo.connections.length === 4);
    echo.connections[3].close(4001, 'do not come back');
    await all(socket.state$);

    expect(messages).toEqual(['before', 'after FIN', 'after RST', 'after 1001']);
    expect(states.filter((state) => state === 'reconnecting')).toHaveLength(3);
    expect(states.at(-1)).toBe('closed');
    expect(closes.at(-1)).toEqual({ type: 'close', code: 4001, reason: 'do not come back', wasClean: true });
    expect(closes[2]).toMatchObject({ code: 1001, reason: 'going away' });
    expect(reconnects).toHaveLength(3);
    for (const { delay } of reconnects) expect(delay).toBeLessThanOrEqual(FAST.maxDelay);
    expect(() => socket.send('late')).toThrow(/closed by the server with code 4001/);
  });

  it('stops for good when a close$ subscriber calls close() on a dropped connection', async () => {
    const socket = socketVia(echo.url);
    await first(socket.open$);
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    const reconnects: ReconnectEvent[] = [];
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    socket.close$.subscribe(() => socket.close());
    const states = all(socket.state$);
    echo.connections[0].terminate();
    expect((await states).at(-1)).toBe('closed');
    expect(reconnects).toEqual([]);
    // Where the runtime fires error for a drop, as browsers do, that is all that is reported.
    expect(errors.map((error) => error.name)).toEqual(client.errorOnDrop ? ['ConnectionError'] : []);
    expect(() => socket.send('x')).toThrow(/closed by close\(\) with code 1000/);
  });

  it('queues sends while the server is unreachable and delivers each once, in order (R3)', async () => {
    const socket = socketVia(proxy.url, { reconnect: { initialDelay: 100, maxDelay: 400 } });
    const states: SocketState[] = [];
    const reconnects: ReconnectEvent[] = [];
    socket.state$.subscribe((state) => states.push(state));
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    await first(socket.open$);

    const started = Date.now();
    await proxy.refuse();
    await until(() => socket.state === 'reconnecting');
    for (let i = 0; i < 500; i++) socket.send(String(i));
    expect(socket.queued).toBe(500);
    await until(() => reconnects.length >= 3, 10_000, 'three refused attempts');
    await proxy.accept();
    await until(() => echo.received.length === 500, 10_000, 'all 500 messages');
    const outage = Date.now() - started;

    expect(echo.received).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    expect(states.slice(states.indexOf('reconnecting'))).toEqual(['reconnecting', 'open']);
    expect(reconnects.slice(0, 3).map((event) => event.attempt)).toEqual([1, 2, 3]);
    reconnects.forEach(({ attempt, delay }) => expect(delay).toBeLessThanOrEqual(Math.min(400, 100 * 2 ** (attempt - 1))));
    summary('R3', { sent: 500, delivered: echo.received.length, duplicates: 0, attempts: reconnects.length, 'outage-ms': outage });
    socket.close();
    await all(socket.state$);
  });

  it('gives up after reconnect.attempts with a ReconnectError, and send then says why', async () => {
    await proxy.refuse();
    const socket = socketVia(proxy.url, { reconnect: { initialDelay: 10, maxDelay: 20, attempts: 3 } });
    const errors = all(socket.error$);
    const reconnects = all(socket.reconnect$);
    await all(socket.state$);
    const reported = (await errors).map((event) => event.error);
    expect((await reconnects).map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(reported.filter((error) => error instanceof ConnectionError)).toHaveLength(4);
    expect(reported.at(-1)).toBeInstanceOf(ReconnectError);
    expect(reported.at(-1)!.message).toMatch(
      /gave up reconnecting to ws:\/\/127\.0\.0\.1:\d+\/ after 3 attempts: the last close had code 1006/,
    );
    expect(() => socket.send('x')).toThrow(SocketClosedError);
    expect(() => socket.send('x')).toThrow(/closed by the network with code 1006/);
  });

  it('asks the URL provider before every attempt, so a refreshed token is used on reconnect', async () => {
    const tokens: Array<string | undefined> = [];
    echo.server.on('connection', (_socket, request) => tokens.push(new URL(request.url!, 'ws://x').searchParams.get('token') ?? undefined));
    let calls = 0;
    const socket = socketVia('unused', {
      url: () => Promise.resolve(`${echo.url}/?token=t${++calls}`),
      protocols: () => ['v1'],
    });
    await first(socket.open$);
    echo.connections[0].terminate();
    await until(() => tokens.length === 2);
    expect(tokens).toEqual(['t1', 't2']);
    expect(socket.url).toMatch(/token=t2$/);
    socket.close();
    await all(socket.state$);
  });

  it('combines a fixed URL with a protocols provider, and a URL provider with fixed protocols', async () => {
    const offered: string[] = [];
    echo.server.on('connection', (_socket, request) => offered.push(String(request.headers['sec-websocket-protocol'])));
    const fixedUrl = socketVia(echo.url, { protocols: () => ['v1'] });
    await first(fixedUrl.open$);
    expect(fixedUrl.protocol).toBe('v1');
    fixedUrl.close();
    const fixedProtocols = socketVia('unused', { url: () => echo.url, protocols: ['v1'] });
    await first(fixedProtocols.open$);
    expect(fixedProtocols.protocol).toBe('v1');
    fixedProtocols.close();
    await Promise.all([all(fixedUrl.state$), all(fixedProtocols.state$)]);
    expect(offered).toEqual(['v1', 'v1']);
  });

  it('counts a throwing URL provider as a failed attempt and a bad URL from it as final', async () => {
    let calls = 0;
    const socket = socketVia('unused', {
      url: () => {
        calls++;
        if (calls === 1) throw new Error('token service down');
        return echo.url;
      },
    });
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    await first(socket.open$);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0].message).toMatch(/could not start the connection: Error: token service down/);
    socket.close();

    const bad = socketVia('unused', { url: () => Promise.resolve('ftp://user:secret@h/') });
    const [error] = await all(bad.error$);
    expect(error.error).toBeInstanceOf(SyntaxError);
    expect(error.error.message).not.toContain('secret');
    expect(bad.state).toBe('closed');
  });

  it('waits while the browser says it is offline and reconnects on the online event', async () => {
    const page = globalThis as unknown as { navigator?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
    const target = new EventTarget();
    const navigator = { onLine: true };
    Object.assign(page, {
      navigator,
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
    });
    try {
      const socket = socketVia(echo.url);
      await first(socket.open$);
      navigator.onLine = false;
      echo.connections[0].terminate();
      const reconnect = await first(socket.reconnect$);
      await new Promise((resolve) => setTimeout(resolve, reconnect.delay + 100));
      // The bounded wait above is the scenario (time passing while offline), not synchronisation.
      expect(echo.connections).toHaveLength(1);
      expect(socket.state).toBe('reconnecting');
      navigator.onLine = true;
      target.dispatchEvent(new Event('online'));
      await first(socket.open$);
      expect(echo.connections).toHaveLength(2);
      socket.close();
      await all(socket.state$);
    } finally {
      delete page.navigator;
      delete page.addEventListener;
      delete page.removeEventListener;
    }
  });

  it('runs facade open and close handlers for every connection when reconnect is on, and not by default', async () => {
    const ws = websocket<string, string>(echo.url, { WebSocketCtor, reconnect: FAST });
    const seen: string[] = [];
    const twice = deferred();
    ws.bind('open', () => {
      seen.push('open');
      if (seen.filter((event) => event === 'open').length === 2) twice.resolve();
    });
    ws.bind('close', () => seen.push('close'));
    await first(ws.socket.open$);
    echo.connections[0].terminate();
    await twice.promise;
    ws.close();
    await all(ws.socket.state$);
    expect(seen).toEqual(['open', 'close', 'open', 'close']);

    const plain = websocket(echo.url, { WebSocketCtor });
    await first(plain.socket.open$);
    echo.connections.at(-1)!.terminate();
    await all(plain.socket.state$);
    expect(plain.socket.state).toBe('closed');
  });
});

describe('connect timeout (R7)', () => {
  it('abandons a handshake that hangs after connectTimeout, closes its socket and retries with backoff', async () => {
    proxy.acceptButNeverUpgrade();
    const socket = socketVia(proxy.url, { connectTimeout: 500, reconnect: { initialDelay: 200, maxDelay: 200 } });
    const reconnects: ReconnectEvent[] = [];
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    const started = Date.now();
    const error = await first(socket.error$, 3000);
    const failedAfter = Date.now() - started;
    expect(error.error.message).toMatch(/did not open within 500 ms \(connectTimeout\)/);
    if (client.dropsAbandonedHandshake) await until(() => proxy.open === 0, 1000, 'the abandoned connection to close');
    // undici 6 (Node 22) keeps the TCP connection of a handshake closed while connecting, until the server ends it.
    else expect(proxy.open).toBe(1);
    const finAfter = Date.now() - started - failedAfter;
    const reconnect = reconnects[0];
    expect(reconnect).toMatchObject({ attempt: 1 });
    proxy.heal();
    await first(socket.open$, 3000);
    summary('R7', { 'failed-after-ms': failedAfter, 'fin-after-ms': finAfter, 'next-delay-ms': reconnect.delay });
    expect(failedAfter).toBeGreaterThanOrEqual(400);
    expect(failedAfter).toBeLessThanOrEqual(1500);
    socket.close();
    await all(socket.state$);
  });
});

describe('close() at every point of the lifecycle (R9)', () => {
  const handles = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout').length;

  async function expectQuiet(before: number): Promise<void> {
    await until(() => echo.server.clients.size === 0, 500, 'the server to see no client');
    const connections = echo.connections.length;
    // Watching for a connection that must not come: a bounded observation window.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(echo.connections).toHaveLength(connections);
    expect(echo.server.clients.size).toBe(0);
    await until(() => handles() <= before, 2000, 'handles to return to the baseline').catch(() => undefined);
    expect(handles()).toBeLessThanOrEqual(before);
  }

  it.each([
    ['connecting', (socket: ReactiveWebSocket<string, string>) => Promise.resolve(socket.close())],
    ['open', async (socket: ReactiveWebSocket<string, string>) => (await first(socket.open$), socket.close())],
    [
      'closing',
      async (socket: ReactiveWebSocket<string, string>) => {
        await first(socket.open$);
        socket.close(1000);
        socket.close(4000);
      },
    ],
    [
      'the backoff wait',
      async (socket: ReactiveWebSocket<string, string>) => {
        await first(socket.open$);
        const waiting = first(socket.reconnect$);
        proxy.reset();
        await waiting;
        expect(socket.state).toBe('reconnecting');
        socket.close();
      },
    ],
    [
      'the heartbeat wait',
      async (socket: ReactiveWebSocket<string, string>) => {
        await first(socket.open$);
        proxy.blackhole();
        socket.close();
      },
    ],
  ])('during %s leaves no connection, timer or socket', async (point, act) => {
    const before = handles();
    const socket = socketVia(proxy.url, {
      reconnect: { initialDelay: 300, maxDelay: 300 },
      heartbeat: { interval: 100, timeout: 100, message: 'ping' },
    });
    await act(socket);
    await all(socket.state$, 5000);
    proxy.heal();
    if (point === 'the heartbeat wait' && !client.dropsUnansweredClose) {
      // undici cannot drop a connection whose peer never answered close(): it stays until the server ends it.
      expect(echo.server.clients.size).toBe(1);
      for (const peer of echo.server.clients) peer.terminate();
    }
    await expectQuiet(before);
  });
});

describe('WebSocketCtor', () => {
  it('takes a subclass as well, for instrumenting sockets', async () => {
    class Counting extends ClientWebSocket {
      static made = 0;
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        Counting.made++;
      }
    }
    const socket = socketVia(echo.url, { WebSocketCtor: Counting });
    await first(socket.open$);
    echo.connections[0].terminate();
    await until(() => Counting.made === 2);
    socket.close();
    await all(socket.state$);
  });
});
