/**
 * The lifecycle against real servers on 127.0.0.1 misbehaving in ways seen from outside: a
 * protocol error on a connection the server keeps open, a server close with a send in the close
 * handler, a refused handshake on Node's own WebSocket, a lazy idle close raced by close().
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { take } from 'rxjs';
import { ConnectionError, ReactiveWebSocket, SocketClosedError, websocket, type SocketState } from '../../lib/index.js';
import { startBadFrameServer, type BadFrameServer } from '../support/bad-frame-server.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { deferred, first, until } from '../support/wait.js';

const ROOT = join(__dirname, '../..');
const QUICK_RECONNECT = { initialDelay: 20, maxDelay: 20 };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function badFrameServer(): Promise<BadFrameServer> {
  const server = await startBadFrameServer(1);
  cleanups.push(() => server.close());
  return server;
}

/** An echo server that closes its first connection with `code` and `reason` as soon as it is made. */
async function closesFirstConnection(code: number, reason: string): Promise<EchoServer> {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  echo.server.on('connection', (client) => {
    if (echo.connections.length === 1) client.close(code, reason);
  });
  return echo;
}

/** Closes the socket and waits until it is closed for good. */
function closing(socket: { close(): void; state: SocketState }): () => Promise<void> {
  return async () => {
    socket.close();
    await until(() => socket.state === 'closed', 2000, 'the socket to close');
  };
}

describe('a server that sends an invalid frame and keeps the connection open', () => {
  it('leaves open at once with one ConnectionError, queues the next send and delivers it on the next connection', async () => {
    const server = await badFrameServer();
    const socket = new ReactiveWebSocket<string, string>({ url: server.url, WebSocketCtor, reconnect: QUICK_RECONNECT });
    cleanups.push(closing(socket));
    const states: SocketState[] = [];
    const errors: Error[] = [];
    socket.state$.subscribe((state) => states.push(state));
    socket.error$.subscribe((event) => errors.push(event.error));
    const protocolError = first(socket.error$, 3000);

    expect((await protocolError).error).toBeInstanceOf(ConnectionError);
    expect(socket.state).toBe('reconnecting');
    socket.send('sent after the error');
    expect(socket.queued).toBe(1);

    await until(() => server.received.includes('sent after the error'), 3000, 'the message on the next connection');
    expect(server.upgrades).toBe(2);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(errors).toHaveLength(1);
    // The connection the server kept open was dropped by the client, not left to ws's 30 s close timeout.
    await until(() => server.badSockets[0].destroyed, 1000, 'the bad connection to be dropped');
  });

  it('closes at once with one ConnectionError when reconnect is off, and refuses later sends', async () => {
    const server = await badFrameServer();
    const socket = new ReactiveWebSocket<string, string>({ url: server.url, WebSocketCtor, reconnect: false });
    cleanups.push(closing(socket));
    const errors: Error[] = [];
    const closes: number[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    socket.close$.subscribe((event) => closes.push(event.code));
    const protocolError = first(socket.error$, 3000);

    expect((await protocolError).error).toBeInstanceOf(ConnectionError);
    expect(socket.state).toBe('closed');
    expect(closes).toEqual([1006]);
    expect(() => socket.send('too late')).toThrow(SocketClosedError);
    expect(errors).toHaveLength(1);
    await until(() => server.badSockets[0].destroyed, 1000, 'the bad connection to be dropped');
  });
});

describe('a send from a close handler when the server closes', () => {
  it('queues a message sent from a close$ subscriber and delivers it on the next connection', async () => {
    const echo = await closesFirstConnection(1000, 'first goes');
    const socket = new ReactiveWebSocket<string, string>({ url: echo.url, WebSocketCtor, reconnect: QUICK_RECONNECT });
    cleanups.push(closing(socket));
    const thrown: unknown[] = [];
    socket.close$.pipe(take(1)).subscribe(() => {
      try {
        socket.send('sent from close$');
      } catch (error) {
        thrown.push(error);
      }
    });

    expect(await first(socket.close$, 3000)).toMatchObject({ code: 1000, reason: 'first goes' });
    expect(thrown).toEqual([]);
    expect(socket.queued).toBe(1);
    await until(() => echo.received.includes('sent from close$'), 3000, 'the message on the next connection');
    expect(echo.connections).toHaveLength(2);
  });

  it('throws SocketClosedError from send in a close$ subscriber when reconnect is off', async () => {
    const echo = await closesFirstConnection(1000, 'first goes');
    const socket = new ReactiveWebSocket<string, string>({ url: echo.url, WebSocketCtor, reconnect: false });
    cleanups.push(closing(socket));
    const thrown: unknown[] = [];
    socket.close$.subscribe(() => {
      try {
        socket.send('sent from close$');
      } catch (error) {
        thrown.push(error);
      }
    });

    await first(socket.close$, 3000);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(SocketClosedError);
    expect((thrown[0] as Error).message).toMatch(/closed by the server with code 1000/);
    expect(socket.state).toBe('closed');
  });

  it('queues a message sent from a facade close handler and delivers it after the reconnect', async () => {
    const reported: unknown[] = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    cleanups.push(() => delete (globalThis as { reportError?: unknown }).reportError);
    const echo = await closesFirstConnection(1000, 'first goes');
    const ws = websocket<string, string>(echo.url, { WebSocketCtor, reconnect: QUICK_RECONNECT });
    cleanups.push(closing(ws.socket));
    let closes = 0;
    ws.bind('close', () => {
      if (++closes === 1) ws.send('sent from the close handler');
    });

    await first(ws.socket.close$, 3000);
    expect(reported).toEqual([]);
    await until(() => echo.received.includes('sent from the close handler'), 3000, 'the message on the next connection');
  });
});

describe("a refused handshake on Node's own WebSocket (undici), which fires error and never close", () => {
  it('ends the attempt promptly with exactly one error, not after connectTimeout', async () => {
    // undici in Node 20 is the global WebSocket only with --experimental-websocket: run it in a child.
    const refusing: Server = createServer((_request, response) => response.writeHead(403).end('no'));
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          refusing.closeAllConnections();
          refusing.close(() => resolve());
        }),
    );
    const url = `ws://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const { outputFiles } = buildSync({
      entryPoints: [join(ROOT, 'spec/support/fixtures/undici-refused.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['rxjs'],
      write: false,
      logLevel: 'silent',
    });

    const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', '-'], {
      cwd: ROOT,
      env: { ...process.env, REFUSED_URL: url },
    });
    cleanups.push(() => child.exitCode === null && child.kill());
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = deferred<number | null>(5000, 'the undici child to exit by itself');
    child.on('close', (code) => exited.resolve(code));
    child.stdin.end(outputFiles[0].text);

    expect(await exited.promise).toBe(0);

    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as { errors: string[]; closes: number[]; states: string[]; ms: number };
    expect(result.errors).toHaveLength(1);
    // undici 6 (Node 20 and 22) says one sentence, which fits a refused connection too; undici 7 (Node 24) says nothing.
    const undici7 = Number(process.versions.undici?.split('.')[0]) >= 7;
    expect(result.errors[0]).toMatch(undici7 ? /failed \(the runtime gave no detail\)/ : /non-101 status code/);
    // Either way, the advice names what a refused handshake may be about.
    expect(result.errors[0]).toMatch(/the URL's path and any credentials are right/);
    expect(result.closes).toEqual([1006]);
    expect(result.states).toEqual(['connecting', 'closed']);
    // connectTimeout is 3000 ms in the child; the runtime answered in well under that.
    expect(result.ms).toBeLessThan(1500);
  });
});

describe('a lazy socket whose last subscriber leaves, closed in the same turn', () => {
  it('lets the server see the code and reason given to close(), not the idle close 1000', async () => {
    const echo = await startEchoServer();
    cleanups.push(() => echo.close());
    const seen: Array<{ code: number; reason: string }> = [];
    echo.server.on('connection', (client) => client.on('close', (code, reason) => seen.push({ code, reason: reason.toString() })));
    const socket = new ReactiveWebSocket<string, string>({ url: echo.url, WebSocketCtor, lazy: true });
    const subscription = socket.messages$.subscribe();
    await until(() => socket.state === 'open', 3000, 'open');

    subscription.unsubscribe();
    socket.close(4001, 'bye');

    await until(() => seen.length > 0, 3000, 'the server to see the close');
    expect(seen).toEqual([{ code: 4001, reason: 'bye' }]);
    await until(() => socket.state === 'closed', 2000, 'closed');
  });
});
