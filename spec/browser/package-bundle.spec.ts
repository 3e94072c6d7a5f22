/**
 * The package as a browser bundler builds it: esbuild for the browser platform, resolving
 * `reactive-websocket` and `reactive-websocket/rxjs` through the package's exports map and its
 * `browser` field, which puts `emitter-socket.browser.js` and `inspect.browser.js` in place of the
 * Node-only modules. The bundle then runs in Chromium against a real `ws` server: the drop-in and
 * the core talk to it, and every listener they add to the browser's WebSocket is removed again.
 */
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { type Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';

const ROOT = join(dirname(__filename), '..', '..');
const PROGRAM = `
import { webSocket } from 'reactive-websocket/rxjs';
import { ReactiveWebSocket } from 'reactive-websocket';
globalThis.lib = { webSocket, ReactiveWebSocket };
`;

let inputs: string[];
let bundle: string;
let echo: EchoServer;
let browser: LaunchedChromium;
let page: Page;
let pageErrors: Error[];

beforeAll(async () => {
  const result = await build({
    stdin: { contents: PROGRAM, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0].text;
  inputs = Object.keys(result.metafile.inputs);
  echo = await startEchoServer();
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await echo?.close();
  }
});

beforeEach(async () => {
  pageErrors = [];
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.addScriptTag({ content: bundle });
  // A WebSocket that counts the listeners attached to it: now, and at most.
  await page.evaluate(() => {
    const live = { count: 0, most: 0 };
    class CountingWebSocket extends WebSocket {
      override addEventListener(...args: Parameters<WebSocket['addEventListener']>): void {
        live.most = Math.max(live.most, ++live.count);
        super.addEventListener(...args);
      }
      override removeEventListener(...args: Parameters<WebSocket['removeEventListener']>): void {
        live.count--;
        super.removeEventListener(...args);
      }
    }
    Object.assign(globalThis, { CountingWebSocket, live });
  });
});
afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

describe('the package bundled for a browser', () => {
  it('takes the browser stand-ins for the Node-only modules', () => {
    const ours = inputs.filter((path) => path.startsWith('dist/esm/'));
    expect(ours).toEqual(expect.arrayContaining(['dist/esm/emitter-socket.browser.js', 'dist/esm/inspect.browser.js']));
    expect(ours).not.toContain('dist/esm/emitter-socket.js');
    expect(ours).not.toContain('dist/esm/inspect.js');
    // The ws fast path is not in the code at all.
    expect(bundle).not.toContain('reactive-websocket sink');
  });

  it('runs the drop-in in Chromium: a JSON round trip, a clean close, and no listener left on the socket', async () => {
    const outcome = await page.evaluate(
      (url) =>
        new Promise<{ replies: unknown[]; completed: boolean; close: { code: number; wasClean: boolean } | undefined; live: number[] }>(
          (resolve, reject) => {
            const { lib, CountingWebSocket, live } = globalThis as unknown as {
              lib: { webSocket: typeof import('../../lib/rxjs.js').webSocket };
              CountingWebSocket: typeof WebSocket;
              live: { count: number; most: number };
            };
            const replies: unknown[] = [];
            let close: { code: number; wasClean: boolean } | undefined;
            const subject = lib.webSocket<{ n: number }>({
              url,
              WebSocketCtor: CountingWebSocket as never,
              closeObserver: { next: (event) => (close = { code: event.code ?? -1, wasClean: event.wasClean ?? false }) },
            });
            subject.next({ n: 1 });
            subject.subscribe({
              next: (value) => {
                replies.push(value);
                if (replies.length === 2) subject.complete();
                else subject.next({ n: 2 });
              },
              error: reject,
              complete: () => resolve({ replies, completed: true, close, live: [live.most, live.count] }),
            });
            setTimeout(() => reject(new Error(`no clean end within 5 s; replies ${JSON.stringify(replies)}`)), 5000);
          },
        ),
      echo.url,
    );
    expect(outcome).toEqual({ replies: [{ n: 1 }, { n: 2 }], completed: true, close: { code: 1000, wasClean: true }, live: [4, 0] });
    expect(echo.received).toEqual(expect.arrayContaining(['{"n":1}', '{"n":2}']));
  });

  it('runs ReactiveWebSocket in Chromium: it opens, echoes, closes with 1000, and removes its listeners', async () => {
    const outcome = await page.evaluate(
      (url) =>
        new Promise<{ reply: unknown; states: string[]; live: number[] }>((resolve, reject) => {
          const { lib, CountingWebSocket, live } = globalThis as unknown as {
            lib: { ReactiveWebSocket: typeof import('../../lib/index.js').ReactiveWebSocket };
            CountingWebSocket: typeof WebSocket;
            live: { count: number; most: number };
          };
          const states: string[] = [];
          let reply: unknown;
          const socket = new lib.ReactiveWebSocket<string, string>({ url, WebSocketCtor: CountingWebSocket });
          socket.state$.subscribe({
            next: (state) => states.push(state),
            complete: () => resolve({ reply, states, live: [live.most, live.count] }),
          });
          socket.messages$.subscribe((message) => {
            reply = message;
            socket.close();
          });
          socket.send('hello from the browser');
          setTimeout(() => reject(new Error(`not closed within 5 s; states ${states.join(', ')}`)), 5000);
        }),
      echo.url,
    );
    expect(outcome).toEqual({ reply: 'hello from the browser', states: ['connecting', 'open', 'closing', 'closed'], live: [4, 0] });
  });
});
