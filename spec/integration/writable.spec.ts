/**
 * Producers that wait for the socket to be writable, against a real `ws` server behind a proxy
 * that stalls: they start before the socket opens, which used to hang a producer waiting on
 * `drained$`, and must finish with every message delivered in order and memory bounded.
 */
import { firstValueFrom } from 'rxjs';
import { ReactiveWebSocket } from '../../lib/index.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { all, deferred, until } from '../support/wait.js';

const MESSAGE = 64 * 1024;
// More than the kernel's loopback buffers absorb (several MiB), so the socket's own buffer fills.
const COUNT = 160; // 10 MiB
const HIGH_WATER_MARK = 256 * 1024;
let sink: EchoServer;
let proxy: ChaosProxy;

beforeEach(async () => {
  sink = await startEchoServer();
  // A sink, not an echo: this is about the sending side.
  sink.server.removeAllListeners('connection');
  sink.server.on('connection', (socket) => socket.on('message', (data: Buffer) => sink.received.push(data)));
  proxy = await ChaosProxy.start(Number(new URL(sink.url).port));
});
afterEach(async () => {
  await proxy.close();
  await sink.close();
});

function message(i: number): Uint8Array {
  const data = new Uint8Array(MESSAGE);
  new DataView(data.buffer).setUint32(0, i);
  return data;
}

describe.each([
  [
    'waits with whenWritable() while not writable',
    async (socket: ReactiveWebSocket<Buffer, Uint8Array>) => {
      if (!socket.writable) await socket.whenWritable();
    },
  ],
  [
    'waits for drained$ while 4 messages are queued (the bench producer)',
    async (socket: ReactiveWebSocket<Buffer, Uint8Array>) => {
      if (socket.queued >= 4) await firstValueFrom(socket.drained$);
    },
  ],
])('a producer that starts before the socket opens and %s', (_, wait) => {
  it('sends everything, in order, with the socket never more than one message above the high-water mark', async () => {
    const socket = new ReactiveWebSocket<Buffer, Uint8Array>({
      url: proxy.url,
      WebSocketCtor,
      reconnect: false,
      buffer: { highWaterMark: HIGH_WATER_MARK, limit: 16 },
    });
    socket.open$.subscribe(() => proxy.stall());
    let maxBuffered = 0;
    const finished = deferred(15_000, 'the producer to finish');
    void (async () => {
      for (let i = 0; i < COUNT; i++) {
        await wait(socket);
        socket.send(message(i));
        maxBuffered = Math.max(maxBuffered, socket.bufferedAmount);
      }
    })().then(() => finished.resolve());

    await until(() => socket.state === 'open' && !socket.writable, 5000, 'the stalled socket to fill');
    proxy.resume();
    await finished.promise;
    await until(() => sink.received.length === COUNT, 10_000, 'every message at the server');

    expect(sink.received.map((data) => (data as Buffer).readUInt32BE(0))).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + MESSAGE + 1024);
    socket.close();
    await all(socket.state$);
  });
});
