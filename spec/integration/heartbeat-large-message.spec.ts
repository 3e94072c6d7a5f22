/**
 * One large message on a slow link, with a heartbeat much shorter than its transfer. Sending, the
 * bytes leaving the socket prove the connection alive, though the ping waits behind the message
 * and no reply can come until it is through. Receiving, no runtime tells of a message partly
 * arrived, so `interval + timeout` must exceed the transfer time (the documented limit).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { map, merge } from 'rxjs';
import { WebSocketServer } from 'ws';
import { CLOSE_CODE_HEARTBEAT_TIMEOUT, ReactiveWebSocket, type HeartbeatConfig, type SocketCloseEvent } from '../../lib/index.js';
import { SlowLink } from '../support/slow-link.js';
import { summary } from '../support/summary.js';
import { resilient, webSocket, type CloseEventLike } from '../../lib/rxjs.js';
import { all, deferred, first } from '../support/wait.js';

const RATE = 1024 * 1024; // bytes per second, each way
const UPLOAD = 1536 * 1024; // about 1.5 s on the link
const DOWNLOAD = 1024 * 1024; // about 1 s on the link
const SHORT = { interval: 200, timeout: 200 }; // far shorter than either transfer

let server: WebSocketServer;
let link: SlowLink;

beforeEach(async () => {
  // Answers the ping with the same text, a binary message with its size, and 'send N' with N bytes.
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer, isBinary) => {
      const text = isBinary ? undefined : data.toString();
      if (text === 'ping') socket.send('ping');
      else if (text?.startsWith('send ')) socket.send(Buffer.alloc(Number(text.slice(5)), 1));
      else socket.send(`received ${data.length}`);
    });
  });
  link = await SlowLink.start((server.address() as AddressInfo).port, RATE);
});
afterEach(async () => {
  await link.close();
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function heartbeatSocket(heartbeat: Pick<HeartbeatConfig, 'interval' | 'timeout'>): {
  socket: ReactiveWebSocket<string | Buffer, string | Uint8Array>;
  closes: SocketCloseEvent[];
} {
  const socket = new ReactiveWebSocket<string | Buffer, string | Uint8Array>({
    url: link.url,
    WebSocketCtor: link.WebSocketCtor,
    reconnect: false,
    heartbeat: { ...heartbeat, message: 'ping', isPong: (message) => message === 'ping' },
  });
  const closes: SocketCloseEvent[] = [];
  socket.close$.subscribe((close) => closes.push(close));
  return { socket, closes };
}

describe('a heartbeat of interval 200 and timeout 200 ms', () => {
  it('keeps a connection open while it sends one message that takes about 1.5 s, and the message arrives', async () => {
    const { socket, closes } = heartbeatSocket(SHORT);
    await first(socket.open$);
    const started = Date.now();
    const outcome = first(merge(socket.messages$, socket.close$.pipe(map((close) => `closed with ${close.code}`))), 10_000);

    socket.send(new Uint8Array(UPLOAD));

    expect(await outcome).toBe(`received ${UPLOAD}`);
    const ms = Date.now() - started;
    summary('heartbeat-upload', { bytes: UPLOAD, 'transfer-ms': ms, closes: closes.length });
    expect(ms).toBeGreaterThan(SHORT.interval + SHORT.timeout); // the link was slow enough to matter
    expect(closes).toEqual([]);
    expect(socket.state).toBe('open');
    socket.close();
    await all(socket.state$);
  });

  it('closes with 4010 a connection receiving one message that takes longer than interval + timeout (the documented limit)', async () => {
    const { socket, closes } = heartbeatSocket(SHORT);
    await first(socket.open$);
    const arrived: unknown[] = [];
    socket.messages$.subscribe((message) => arrived.push(message));
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));

    socket.send(`send ${DOWNLOAD}`);

    await all(socket.state$, 10_000);
    expect(closes.map((close) => close.code)).toEqual([CLOSE_CODE_HEARTBEAT_TIMEOUT]);
    expect(arrived).toEqual([]);
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/raise them above its transfer time/)]);
  });
});

describe("the drop-in's resilient() with a heartbeat of interval 200 and timeout 200 ms", () => {
  it('keeps a connection open while it sends one message that takes about 1.5 s, as ReactiveWebSocket does', async () => {
    const closes: CloseEventLike[] = [];
    const opened = deferred(5000, 'open');
    const subject = webSocket<string | Buffer, string | Uint8Array>(
      resilient({
        url: link.url,
        WebSocketCtor: link.WebSocketCtor,
        heartbeat: { ...SHORT, message: 'ping', isPong: (message) => message === 'ping' },
        serializer: (value) => value,
        deserializer: (event) => event.data as string | Buffer,
        openObserver: { next: () => opened.resolve() },
        closeObserver: { next: (close) => closes.push(close) },
      }),
    );
    const held = subject.subscribe(); // the socket stays open after the reply
    const reply = first(subject, 10_000);
    await opened.promise;

    subject.next(new Uint8Array(UPLOAD));

    expect(String(await reply)).toBe(`received ${UPLOAD}`);
    expect(closes).toEqual([]);
    held.unsubscribe();
    subject.unsubscribe();
  });
});

describe('a heartbeat whose interval + timeout exceeds the transfer time of the largest incoming message', () => {
  it('receives a message that takes about 1 s to arrive, and keeps the connection open', async () => {
    const { socket, closes } = heartbeatSocket({ interval: 1000, timeout: 1000 });
    await first(socket.open$);
    const started = Date.now();

    socket.send(`send ${DOWNLOAD}`);

    const message = await first(socket.messages$, 10_000);
    const ms = Date.now() - started;
    summary('heartbeat-download', { bytes: DOWNLOAD, 'transfer-ms': ms, closes: closes.length });
    expect(Buffer.isBuffer(message) && message.length).toBe(DOWNLOAD);
    expect(ms).toBeGreaterThan(SHORT.interval + SHORT.timeout);
    expect(closes).toEqual([]);
    socket.close();
    await all(socket.state$);
  });
});
