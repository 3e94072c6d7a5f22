import { ReactiveWebSocket } from '../../lib/index.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { summary } from '../support/summary.js';
import { all, first, until } from '../support/wait.js';

const MESSAGE = 64 * 1024;
const TOTAL = 10 * 1024 * 1024;
const HIGH_WATER_MARK = 1024 * 1024;
let echo: EchoServer;
let proxy: ChaosProxy;

beforeEach(async () => {
  echo = await startEchoServer();
  // The echo would double the traffic; this test is about the client's sending side only.
  echo.server.removeAllListeners('connection');
  echo.server.on('connection', (socket) => {
    echo.connections.push(socket);
    socket.on('message', (data: Buffer) => echo.received.push(data));
  });
  proxy = await ChaosProxy.start(Number(new URL(echo.url).port));
});
afterEach(async () => {
  await proxy.close();
  await echo.close();
});

describe('backpressure (R11)', () => {
  it('keeps bufferedAmount near the high-water mark while the network stalls, then delivers everything in order', async () => {
    const socket = new ReactiveWebSocket<Buffer, Uint8Array>({
      url: proxy.url,
      WebSocketCtor,
      buffer: { highWaterMark: HIGH_WATER_MARK, limit: 1000 },
    });
    await first(socket.open$);
    let drained = 0;
    socket.drained$.subscribe(() => drained++);
    proxy.stall();
    let maxBuffered = 0;
    let maxQueued = 0;
    const count = TOTAL / MESSAGE;
    for (let i = 0; i < count; i++) {
      const message = new Uint8Array(MESSAGE);
      new DataView(message.buffer).setUint32(0, i);
      socket.send(message);
      maxBuffered = Math.max(maxBuffered, socket.bufferedAmount);
      maxQueued = Math.max(maxQueued, socket.queued);
    }
    expect(socket.queued).toBeGreaterThan(0);
    proxy.resume();
    await until(() => echo.received.length === count, 20_000, 'every message at the server');
    await until(() => drained > 0, 5000, 'drained$');
    summary('R11', {
      'sent-bytes': TOTAL,
      'max-bufferedAmount': maxBuffered,
      'high-water-mark': HIGH_WATER_MARK,
      'max-queued': maxQueued,
      delivered: echo.received.length,
      drained,
    });
    expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + MESSAGE + 1024);
    expect(maxQueued).toBeLessThanOrEqual(1000);
    expect(echo.received.map((data) => (data as Buffer).readUInt32BE(0))).toEqual(Array.from({ length: count }, (_, i) => i));
    socket.close();
    await all(socket.state$);
  }, 40_000);
});
