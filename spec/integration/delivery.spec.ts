import {
  BufferOverflowError,
  ReactiveWebSocket,
  jsonDeserializer,
  jsonSerializer,
  type DeliveryConfig,
  type OverflowPolicy,
} from '../../lib/index.js';
import { WebSocketCtor, onRuntimeWebSocket } from '../support/client-websocket.js';
import { startAckServer, type AckServer } from '../support/ack-server.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { seededRandom } from '../support/random.js';
import { summary } from '../support/summary.js';
import { all, until } from '../support/wait.js';

interface Message {
  readonly id: number;
}
interface Ack {
  readonly ack: number;
}

const TOTAL = 2000;
// The runtime matrix runs one seed; all three run on ws.
const SEEDS = onRuntimeWebSocket ? [1] : [1, 2, 3];
let server: AckServer;
let proxy: ChaosProxy;

afterEach(async () => {
  await proxy.close();
  await server.close();
});

/** A JSON socket through the proxy, reconnecting fast with seeded jitter. */
function jsonSocket(seed: number, config: { delivery?: DeliveryConfig<Ack, Message> } = {}) {
  return new ReactiveWebSocket<Ack, Message>({
    url: proxy.url,
    WebSocketCtor,
    serializer: jsonSerializer,
    deserializer: jsonDeserializer,
    reconnect: { initialDelay: 20, maxDelay: 100, random: seededRandom(seed + 100) },
    buffer: { limit: TOTAL },
    ...config,
  });
}

/** Sends ids 0…TOTAL-1, 10 every 15 ms (about 3 s), recording which went out while the socket was open. */
async function pacedSend(socket: ReactiveWebSocket<Ack, Message>, sentWhileOpen: Set<number>): Promise<number> {
  for (let id = 0; id < TOTAL; id++) {
    if (socket.state === 'open') sentWhileOpen.add(id);
    socket.send({ id });
    if (id % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return Date.now();
}

describe('at-least-once delivery through random cuts (R1)', () => {
  it.each(SEEDS)(
    'delivers all 2,000 messages, first arrivals in order, with seed %i',
    async (seed) => {
      server = await startAckServer();
      proxy = await ChaosProxy.start(server.port, { cutAfter: { min: 50, max: 300, random: seededRandom(seed) } });
      const socket = jsonSocket(seed, { delivery: { id: (message) => message.id, ackOf: (reply) => reply.ack, timeout: 2000 } });
      let reconnects = 0;
      socket.reconnect$.subscribe(() => reconnects++);
      const started = Date.now();
      const lastSend = await pacedSend(socket, new Set());
      await until(() => socket.pending === 0, 10_000, 'every message to be acknowledged');
      const settled = Date.now() - lastSend;
      proxy.setCutAfter(undefined);
      socket.close();
      await all(socket.state$);

      summary(`R1 seed=${seed}`, {
        sent: TOTAL,
        delivered: server.firstArrivals.length,
        duplicates: server.duplicates,
        cuts: proxy.cuts,
        reconnects,
        'send-ms': lastSend - started,
        'settled-after-last-send-ms': settled,
      });
      expect(lastSend - started).toBeGreaterThanOrEqual(3000);
      expect(proxy.cuts).toBeGreaterThanOrEqual(10);
      expect(server.firstArrivals).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
      expect(socket.pending).toBe(0);
      expect(settled).toBeLessThanOrEqual(10_000);
      expect(server.maxConcurrent).toBe(1);
    },
    30_000,
  );
});

describe('the outbox alone, without acknowledgements, through random cuts (R2)', () => {
  it.each(SEEDS)(
    'delivers messages sent while not open exactly once and in order, with seed %i',
    async (seed) => {
      server = await startAckServer({ acknowledge: false });
      proxy = await ChaosProxy.start(server.port, { cutAfter: { min: 50, max: 300, random: seededRandom(seed) } });
      const socket = jsonSocket(seed);
      const sentWhileOpen = new Set<number>();
      await pacedSend(socket, sentWhileOpen);
      await until(() => socket.state === 'open' && socket.queued === 0, 10_000, 'the outbox to empty');
      proxy.setCutAfter(undefined);
      // The server has read everything before it answers the close frame, which comes after it.
      socket.close();
      await all(socket.state$);

      const arrived = new Set(server.firstArrivals);
      const queuedIds = Array.from({ length: TOTAL }, (_, i) => i).filter((id) => !sentWhileOpen.has(id));
      const lost = [...sentWhileOpen].filter((id) => !arrived.has(id));
      summary(`R2 seed=${seed}`, {
        sent: TOTAL,
        'sent-while-not-open': queuedIds.length,
        delivered: arrived.size,
        duplicates: server.duplicates,
        'lost-while-open (documented)': lost.length,
        cuts: proxy.cuts,
      });
      expect(server.duplicates).toBe(0);
      for (const id of queuedIds) expect(arrived.has(id)).toBe(true);
      expect(server.firstArrivals).toEqual([...server.firstArrivals].sort((a, b) => a - b));
      expect(proxy.cuts).toBeGreaterThanOrEqual(10);
    },
    30_000,
  );
});

describe('overflow policies during an outage (R4)', () => {
  it.each<[OverflowPolicy, number[], number[]]>([
    ['error', [], range(0, 100)],
    ['drop-oldest', range(0, 50), range(50, 150)],
    ['drop-newest', range(100, 150), range(0, 100)],
  ])("with overflow '%s', every one of 150 messages is sent, dropped or thrown", async (overflow, droppedIds, deliveredIds) => {
    server = await startAckServer({ acknowledge: false });
    proxy = await ChaosProxy.start(server.port);
    await proxy.refuse();
    const socket = new ReactiveWebSocket<Ack, Message>({
      url: proxy.url,
      WebSocketCtor,
      serializer: jsonSerializer,
      reconnect: { initialDelay: 20, maxDelay: 50 },
      buffer: { limit: 100, overflow },
    });
    const dropped: number[] = [];
    socket.dropped$.subscribe((message) => dropped.push(message.id));
    let thrown = 0;
    for (let id = 0; id < 150; id++) {
      try {
        socket.send({ id });
      } catch (error) {
        expect(error).toBeInstanceOf(BufferOverflowError);
        thrown++;
      }
    }
    await proxy.accept();
    await until(() => server.firstArrivals.length === deliveredIds.length, 5000, 'the queued messages');
    expect(server.firstArrivals).toEqual(deliveredIds);
    expect(dropped).toEqual(droppedIds);
    expect(thrown).toBe(overflow === 'error' ? 50 : 0);
    expect(server.firstArrivals.length + dropped.length + thrown).toBe(150);
    socket.close();
    await all(socket.state$);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
