// The demo server: a ws echo server and a static server for examples/browser/, on 127.0.0.1.
//   npm start            (PORT=9000 npm start for another port)
// The browser pages are bundled from TypeScript with esbuild when the server starts: minified, as an
// app would ship them, each with a source map that shows the TypeScript in the browser's developer tools.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const pages = join(here, 'browser');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Bundles the pages' scripts into memory, minified, each with its source map:
 * { '/callback.js': '…', '/callback.js.map': '…', '/reactive.js': '…', '/reactive.js.map': '…' }.
 */
async function bundle() {
  const result = await build({
    entryPoints: [join(pages, 'callback.ts'), join(pages, 'reactive.ts')],
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Never written (write: false); the repository root, so that the maps name examples/browser/reactive.ts.
    outdir: join(here, '..'),
    write: false,
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [`/${basename(file.path)}`, file.text]));
}

/**
 * Starts the demo server.
 * @param {{ port?: number, host?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, wsUrl: string, close: () => Promise<void> }>}
 */
export async function startDemoServer({ port = 8080, host = '127.0.0.1', log = () => {} } = {}) {
  const scripts = await bundle();
  const http = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = path === '/' ? '/index.html' : path;
    try {
      const body = scripts.get(file) ?? (file.includes('..') ? undefined : await readFile(join(pages, file)));
      if (body === undefined) throw new Error('not found');
      response.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });

  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  // Attached once listening: ws re-emits the HTTP server's errors, such as a port in use.
  const wss = new WebSocketServer({ server: http, path: '/echo' });
  let next = 1;
  wss.on('connection', (socket, request) => {
    const id = next++;
    log(`client ${id} connected from ${request.socket.remoteAddress}`);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? `<${data.length} bytes>` : data.toString();
      // The reactive page's "drop connection" button: cut this client without a close frame.
      if (!isBinary && text === '/drop') {
        log(`client ${id} asked to be dropped`);
        socket.terminate();
        return;
      }
      log(`client ${id} says ${text}`);
      socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code) => log(`client ${id} closed (${code})`));
  });

  const { port: actual } = http.address();
  return {
    url: `http://${host}:${actual}/`,
    wsUrl: `ws://${host}:${actual}/echo`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080); // PORT=0 picks a free port (the browser specs use that)
  const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  startDemoServer({ port, log }).then(
    ({ url, wsUrl }) => {
      console.log(`reactive-websocket demo: open ${url} (echo socket at ${wsUrl}); Ctrl-C stops it`);
    },
    (error) => {
      if (error.code === 'EADDRINUSE') {
        console.error(`Port ${port} is already in use. Stop what uses it, or pick another: PORT=8081 npm start`);
      } else {
        console.error(error);
      }
      process.exit(1);
    },
  );
}
