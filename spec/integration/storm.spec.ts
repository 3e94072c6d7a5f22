import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer } from 'ws';
import { ReactiveWebSocket } from '../../lib/index.js';
import { ClientWebSocket, WebSocketCtor } from '../support/client-websocket.js';
import { seededRandom } from '../support/random.js';
import { summary } from '../support/summary.js';
import { all, until } from '../support/wait.js';

async function listen(port = 0): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await once(server, 'listening');
  return server;
}

function stop(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('a server restart with 50 clients (R8)', () => {
  it('brings every client back, spread by jitter: no 50 ms window with more than 15 reconnects', async () => {
    let server = await listen();
    const { port } = server.address() as AddressInfo;
    const random = seededRandom(8);
    const clients = Array.from(
      { length: 50 },
      () =>
        new ReactiveWebSocket({
          url: `ws://127.0.0.1:${port}`,
          WebSocketCtor,
          reconnect: { initialDelay: 500, maxDelay: 5000, random },
        }),
    );
    await until(() => server.clients.size === 50, 5000, 'all 50 connected');

    const killedAt = Date.now();
    await stop(server);
    // The restart itself: the server is down for 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    server = await listen(port);
    const arrivals: number[] = [];
    server.on('connection', () => arrivals.push(Date.now() - killedAt));
    await until(() => clients.every((client) => client.state === 'open'), 2 * 500 + 1000 + 1000, 'all 50 back');
    const backAfter = Date.now() - killedAt;

    let peak = 0;
    for (const start of arrivals) peak = Math.max(peak, arrivals.filter((t) => t >= start && t < start + 50).length);
    summary('R8', { clients: 50, reconnects: arrivals.length, 'peak-per-50ms': peak, 'all-back-ms': backAfter, seed: 8 });
    expect(arrivals.length).toBeGreaterThanOrEqual(50);
    expect(peak).toBeLessThanOrEqual(15);
    expect(backAfter).toBeLessThanOrEqual(2 * 500 + 1000);
    for (const client of clients) client.close();
    await Promise.all(clients.map((client) => all(client.state$)));
    await stop(server);
  }, 20_000);
});

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
