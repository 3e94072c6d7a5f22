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
    // Each client's waits in this outage, as its reconnect policy chose them.
    const waits = clients.map((client) => {
      const delays: number[] = [];
      client.reconnect$.subscribe(({ delay }) => delays.push(delay));
      return delays;
    });
    try {
      await until(() => server.clients.size === 50, 5000, 'all 50 connected');

      const killedAt = Date.now();
      await stop(server);
      // The restart itself: the server is down for 100 ms.
      await new Promise((resolve) => setTimeout(resolve, 100));
      server = await listen(port);
      const arrivals: number[] = [];
      server.on('connection', () => arrivals.push(Date.now() - killedAt));
      // A bound on the wait only: how fast the machine runs them is not what is checked.
      await until(() => clients.every((client) => client.state === 'open'), 10_000, 'all 50 back');
      const backAfter = Date.now() - killedAt;

      // The spread is the schedule the clients chose (seeded, so the same every run), not the
      // arrival times, which a busy machine bunches up.
      const firstWaits = waits.map((delays) => delays[0]);
      const peak = peakIn50ms(firstWaits);
      const longest = Math.max(...waits.map((delays) => delays.reduce((sum, delay) => sum + delay, 0)));
      summary('R8', {
        clients: 50,
        reconnects: arrivals.length,
        'peak-per-50ms scheduled': peak,
        'peak-per-50ms arrived': peakIn50ms(arrivals),
        'longest-wait-ms scheduled': longest,
        'all-back-ms': backAfter,
        seed: 8,
      });
      expect(arrivals.length).toBeGreaterThanOrEqual(50);
      expect(waits.every((delays) => delays.length >= 1)).toBe(true);
      expect(peak).toBeLessThanOrEqual(15);
      // Every client's waits add up to at most 2 × initialDelay + 1 s: back within that, plus the handshake.
      expect(longest).toBeLessThanOrEqual(2 * 500 + 1000);
    } finally {
      // Also when an expectation failed: 50 reconnecting clients would keep jest from exiting.
      for (const client of clients) client.close();
      await Promise.all(clients.map((client) => all(client.state$)));
      await stop(server);
    }
  }, 30_000);
});

/** The most of `times` (ms) that fall in any 50 ms window starting at one of them. */
function peakIn50ms(times: readonly number[]): number {
  let peak = 0;
  for (const start of times) peak = Math.max(peak, times.filter((t) => t >= start && t < start + 50).length);
  return peak;
}
