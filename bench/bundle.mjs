// Bundle size of a minimal program using each client: esbuild --bundle --minify --format=esm
// --platform=browser, then gzip -9. The rxjs code a client pulls in is counted.
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A minimal program per client: it constructs one, so tree-shaking keeps what a real use needs.
 * `reactive-websocket/rxjs` resolves through the package's exports map to dist/esm, as a bundler
 * in an application resolves it.
 */
export const ENTRIES = {
  'reactive-websocket': `import { ReactiveWebSocket } from './dist/esm/index.js'; globalThis.s = new ReactiveWebSocket('ws://x');`,
  'reactive-websocket facade': `import { websocket } from './dist/esm/index.js'; globalThis.s = websocket('ws://x');`,
  'reactive-websocket core + facade': `import { ReactiveWebSocket, websocket } from './dist/esm/index.js'; globalThis.s = [new ReactiveWebSocket('ws://x'), websocket('ws://x')];`,
  'reactive-websocket Connection': `import { Connection } from './dist/esm/index.js'; const on = () => undefined; globalThis.s = new Connection({ WebSocketCtor: WebSocket, url: 'ws://x' }, { open: on, message: on, error: on, close: on });`,
  'reactive-websocket/rxjs': `import { webSocket } from 'reactive-websocket/rxjs'; globalThis.s = webSocket('ws://x');`,
  'reactive-websocket/rxjs resilient': `import { webSocket, resilient } from 'reactive-websocket/rxjs'; globalThis.s = webSocket(resilient({ url: 'ws://x', reconnect: true }));`,
  'rxjs webSocket': `import { webSocket } from 'rxjs/webSocket'; globalThis.s = webSocket('ws://x');`,
  'reconnecting-websocket': `import ReconnectingWebSocket from 'reconnecting-websocket'; globalThis.s = new ReconnectingWebSocket('ws://x');`,
  partysocket: `import WebSocket from 'partysocket/ws'; globalThis.s = new WebSocket('ws://x');`,
  'websocket-ts': `import { WebsocketBuilder } from 'websocket-ts'; globalThis.s = new WebsocketBuilder('ws://x').build();`,
};

/** @returns {Promise<Record<string, { min: number, gzip: number, rxjs: number }>>} bytes, and the minified bytes that came from rxjs. */
export async function bundleSizes() {
  const sizes = {};
  for (const [name, contents] of Object.entries(ENTRIES)) {
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
    sizes[name] = { min: code.length, gzip: gzipSync(code, { level: 9 }).length, rxjs };
  }
  return sizes;
}
