/** The leak soak: hundreds of reconnects leave no socket alive and the heap flat. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer } from 'ws';
import { ReactiveWebSocket } from '../../lib/index.js';
import { ClientWebSocket } from '../support/client-websocket.js';
import { summary } from '../support/summary.js';
import { all, until } from '../support/wait.js';

async function listen(): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  return server;
}

function stop(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('a leak soak of 300 forced reconnects (R10)', () => {
  it('leaves at most one old socket alive after GC, with flat heap and one server connection at a time', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const server = await listen();
    const { port } = server.address() as AddressInfo;
    let maxConcurrent = 0;
    server.on('connection', (socket) => {
      maxConcurrent = Math.max(maxConcurrent, server.clients.size);
      socket.terminate();
    });
    const made: Array<WeakRef<object>> = [];
    class Tracked extends ClientWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        made.push(new WeakRef(this));
      }
    }
    const socket = new ReactiveWebSocket({
      url: `ws://127.0.0.1:${port}`,
      WebSocketCtor: Tracked,
      reconnect: { initialDelay: 0, maxDelay: 0 },
    });
    let opens = 0;
    socket.open$.subscribe(() => opens++);
    let heapAt50 = 0;
    await until(
      () => {
        if (opens >= 50 && heapAt50 === 0) {
          gc();
          heapAt50 = process.memoryUsage().heapUsed;
        }
        return opens >= 300;
      },
      20_000,
      '300 reconnects',
    );
    socket.close();
    await all(socket.state$);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    const alive = made.filter((ref) => ref.deref() !== undefined).length;
    const growth = process.memoryUsage().heapUsed - heapAt50;
    summary('R10', {
      reconnects: opens,
      sockets: made.length,
      'alive-after-gc': alive,
      'heap-growth-kib': Math.round(growth / 1024),
      'max-concurrent': maxConcurrent,
    });
    expect(alive).toBeLessThanOrEqual(1);
    expect(growth).toBeLessThan(1024 * 1024);
    expect(maxConcurrent).toBe(1);
    await stop(server);
  }, 40_000);
});
