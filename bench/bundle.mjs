// Bundle size of a minimal program using each client: esbuild --bundle --minify --format=esm
// --platform=browser, then gzip -9. The rxjs code a client pulls in is counted.
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The features of reactive-websocket/core, each as the code a program writes to use it. */
const FEATURES = {
  reconnect: 'reconnect()',
  buffer: 'buffer()',
  heartbeat: "heartbeat({ interval: 25000, timeout: 10000, message: 'ping' })",
  delivery: 'delivery({ id: (m) => m.id, ackOf: (m) => m.ack })',
};

/** The core socket with no feature, with each feature alone (delivery with the buffer it needs), with the main entry's defaults, and with all. */
function featureEntries() {
  const core = (names) =>
    `import { ${['ReactiveWebSocket', ...names].join(', ')} } from 'reactive-websocket/core'; ` +
    `globalThis.s = new ReactiveWebSocket({ url: 'ws://x', use: [${names.map((name) => FEATURES[name]).join(', ')}] });`;
  return {
    'core, no feature': core([]),
    'core + reconnect()': core(['reconnect']),
    'core + buffer()': core(['buffer']),
    'core + heartbeat()': core(['heartbeat']),
    'core + buffer() + delivery()': core(['buffer', 'delivery']),
    'core + the defaults (reconnect(), buffer())': core(['reconnect', 'buffer']),
    'core + every feature': core(['reconnect', 'buffer', 'heartbeat', 'delivery']),
  };
}

/**
 * A minimal program per client: it constructs one, so tree-shaking keeps what a real use needs.
 * `reactive-websocket/rxjs` resolves through the package's exports map to dist/esm, as a bundler
 * in an application resolves it.
 */
export const ENTRIES = {
  'reactive-websocket': `import { ReactiveWebSocket } from 'reactive-websocket'; globalThis.s = new ReactiveWebSocket('ws://x');`,
  'reactive-websocket facade': `import { websocket } from 'reactive-websocket'; globalThis.s = websocket('ws://x');`,
  'reactive-websocket core + facade': `import { ReactiveWebSocket, websocket } from 'reactive-websocket'; globalThis.s = [new ReactiveWebSocket('ws://x'), websocket('ws://x')];`,
  'reactive-websocket Connection': `import { Connection } from 'reactive-websocket/core'; const on = () => undefined; globalThis.s = new Connection({ WebSocketCtor: WebSocket, url: 'ws://x' }, { open: on, message: on, error: on, close: on });`,
  ...featureEntries(),
  'reactive-websocket/rxjs': `import { webSocket } from 'reactive-websocket/rxjs'; globalThis.s = webSocket('ws://x');`,
  'reactive-websocket/rxjs resilient': `import { webSocket, resilient } from 'reactive-websocket/rxjs'; globalThis.s = webSocket(resilient({ url: 'ws://x', reconnect: true }));`,
  'rxjs webSocket': `import { webSocket } from 'rxjs/webSocket'; globalThis.s = webSocket('ws://x');`,
  'reconnecting-websocket': `import ReconnectingWebSocket from 'reconnecting-websocket'; globalThis.s = new ReconnectingWebSocket('ws://x');`,
  partysocket: `import WebSocket from 'partysocket/ws'; globalThis.s = new WebSocket('ws://x');`,
  'websocket-ts': `import { WebsocketBuilder } from 'websocket-ts'; globalThis.s = new WebsocketBuilder('ws://x').build();`,
};

/**
 * "An app that already uses RxJS": what a typical Angular app ships of rxjs. A client's added
 * bytes are the bundle of this program with the client's, less this program's alone.
 */
export const APP_BASELINE =
  "import { Observable, Subject, BehaviorSubject, ReplaySubject, map, filter, switchMap, share, shareReplay, takeUntil, retry, timer, firstValueFrom, catchError, of, from, merge } from 'rxjs'; " +
  'globalThis.app = [Observable, Subject, BehaviorSubject, ReplaySubject, map, filter, switchMap, share, shareReplay, takeUntil, retry, timer, firstValueFrom, catchError, of, from, merge];';

/**
 * @returns {Promise<Record<string, { min: number, gzip: number, rxjs: number, addedGzip: number }>>} bytes, the minified
 *   bytes that came from rxjs, and the gzip bytes the client adds to {@link APP_BASELINE}.
 */
export async function bundleSizes() {
  const sizes = {};
  const baseline = (await bundle(APP_BASELINE)).gzip;
  for (const [name, contents] of Object.entries(ENTRIES)) {
    const alone = await bundle(contents);
    sizes[name] = { ...alone, addedGzip: (await bundle(`${APP_BASELINE}\n${contents}`)).gzip - baseline };
  }
  return sizes;
}

/** One program bundled, minified and gzipped. */
async function bundle(contents) {
  {
    const result = await build({
      stdin: { contents, resolveDir: ROOT, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const inputs = Object.values(result.metafile.outputs)[0].inputs;
    const rxjs = Object.entries(inputs)
      .filter(([path]) => path.includes('node_modules/rxjs/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, rxjs };
  }
}
