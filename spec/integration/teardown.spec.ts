import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ReactiveWebSocket, websocket, type WebSocketConstructor } from '../../lib/index.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { all, first, until } from '../support/wait.js';

const FIXTURE = join(__dirname, '../support/fixtures/connect-and-close.cjs');
const EVENTS = ['open', 'message', 'error', 'close'] as const;

/** Every ws client socket made, to count the listeners left on it. */
const made: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    made.push(this);
  }
}
const Tracked = TrackedWebSocket as unknown as WebSocketConstructor;

/**
 * The handles a socket could leave behind, counted from what keeps Node's event loop alive.
 * Other kinds (file reads, immediates) come and go with the test runner itself.
 */
function handles(): { sockets: number; timers: number } {
  const kinds = process.getActiveResourcesInfo();
  return { sockets: kinds.filter((kind) => kind === 'TCPSocketWrap').length, timers: kinds.filter((kind) => kind === 'Timeout').length };
}

let echo: EchoServer;
let baseline: { sockets: number; timers: number };
beforeEach(async () => {
  echo = await startEchoServer();
  made.length = 0;
  baseline = handles();
});
afterEach(async () => {
  await echo.close();
});

/** Waits until the server has no client and the process holds no more handles than before the test. */
async function expectNothingLeft(): Promise<void> {
  await until(() => echo.server.clients.size === 0, 5000, 'the server to see every client go');
  const released = () => handles().sockets <= baseline.sockets && handles().timers <= baseline.timers;
  await until(released, 5000, 'timers and sockets to be released').catch(() => undefined);
  // No more than before: the baseline may still hold a socket of the previous test file, closing.
  expect(handles().sockets).toBeLessThanOrEqual(baseline.sockets);
  expect(handles().timers).toBeLessThanOrEqual(baseline.timers);
  for (const socket of made) {
    expect(socket.readyState).toBe(WebSocket.CLOSED);
    for (const type of EVENTS) expect(socket.listenerCount(type)).toBe(0);
  }
}

describe('after close, nothing is left behind', () => {
  it('when closed while open', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor: Tracked });
    await first(socket.open$);
    socket.close();
    await all(socket.state$);
    await expectNothingLeft();
  });

  it('when closed while connecting', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor: Tracked });
    socket.close();
    await all(socket.state$);
    await expectNothingLeft();
  });

  it('when the server closes the connection and reconnect is off', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor: Tracked, reconnect: false });
    await first(socket.open$);
    echo.connections[0].close(1000);
    await all(socket.state$);
    await expectNothingLeft();
  });

  it('when the last subscriber of a lazy socket leaves', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor: Tracked, lazy: true });
    const subscription = socket.subscribe();
    await until(() => socket.state === 'open');
    subscription.unsubscribe();
    await until(() => socket.state === 'closed');
    await expectNothingLeft();
  });

  it('when the facade closes', async () => {
    const ws = websocket(echo.url, { WebSocketCtor: Tracked });
    await first(ws.socket.open$);
    ws.close();
    await all(ws.socket.state$);
    await expectNothingLeft();
  });
});

describe('a process that connects and closes exits by itself', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../dist/cjs/index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
  });

  it.each(['open', 'connecting', 'lazy', 'facade'])('after close() in mode %s', async (mode) => {
    const started = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [FIXTURE, echo.url, mode], { timeout: 5000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output.trim().split('\n').at(-1)).toBe('closed');
    // Bounded by the execFile timeout above; the figure is printed, not asserted.
    console.log(`fixture ${mode}: exited by itself after ${Date.now() - started} ms`);
  });
});
