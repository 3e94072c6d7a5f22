import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ReactiveWebSocket } from '../../lib/index.js';
import { WebSocketCtor } from '../support/client-websocket.js';
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
    try {
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
    } finally {
      // Also when an expectation failed: 50 reconnecting clients would keep jest from exiting.
      for (const client of clients) client.close();
      await Promise.all(clients.map((client) => all(client.state$)));
      await stop(server);
    }
  }, 20_000);
});
