/**
 * Binary data is taken at `send()` (issue 9, item 4), as `WebSocket.send` takes it: a message
 * that waits in the outbox is sent with the bytes it had when `send()` was called, whatever the
 * caller does to its buffer afterwards. A message handed straight to an open socket is not copied
 * (the runtime copies it already).
 */
import { WebSocket } from 'ws';
import { ReactiveWebSocket, type WebSocketData } from '../lib/index.js';
import { fakeSockets } from './support/fake-socket.js';
import { startEchoServer, type EchoServer } from './support/echo-server.js';
import { all, first, until } from './support/wait.js';

/** The bytes a view or buffer holds now, as a plain array. */
function bytesOf(data: ArrayBuffer | ArrayBufferView): number[] {
  return ArrayBuffer.isView(data) ? [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)] : [...new Uint8Array(data)];
}

describe('binary data queued while not open, against a real ws server', () => {
  let echo: EchoServer;
  // Every socket a test made, closed after it even when it failed half-way.
  const sockets: Array<Pick<ReactiveWebSocket, 'close' | 'state$'>> = [];
  beforeEach(async () => {
    echo = await startEchoServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      socket.close();
      await all(socket.state$);
    }
    await echo.close();
  });

  function track<S extends Pick<ReactiveWebSocket, 'close' | 'state$'>>(socket: S): S {
    sockets.push(socket);
    return socket;
  }

  /** Sends each value while connecting, scribbles over it, and returns what the server received. */
  async function sendThenScribble(values: Array<ArrayBuffer | ArrayBufferView>, scribble: () => void): Promise<number[][]> {
    const socket = track(new ReactiveWebSocket<Buffer, WebSocketData>({ url: echo.url, WebSocketCtor: WebSocket, reconnect: false }));
    expect(socket.state).toBe('connecting');
    for (const value of values) socket.send(value);
    expect(socket.queued).toBe(values.length);
    scribble();
    await until(() => echo.received.length === values.length, 5000, 'the server to receive every message');
    return echo.received.map((message) => [...(message as Buffer)]);
  }

  it('sends a Uint8Array with the bytes it had at send(), not those written after', async () => {
    const bytes = new Uint8Array(16).fill(1);
    const received = await sendThenScribble([bytes], () => bytes.fill(9));
    expect(received).toEqual([Array(16).fill(1)]);
  });

  it('sends an ArrayBuffer with the bytes it had at send()', async () => {
    const buffer = new ArrayBuffer(8);
    new Uint8Array(buffer).fill(3);
    const received = await sendThenScribble([buffer], () => new Uint8Array(buffer).fill(9));
    expect(received).toEqual([Array(8).fill(3)]);
  });

  it('sends exactly the bytes of a DataView at an offset, as they were at send()', async () => {
    const buffer = new ArrayBuffer(64);
    const view = new DataView(buffer, 10, 6);
    for (let i = 0; i < view.byteLength; i++) view.setUint8(i, i + 1);
    const received = await sendThenScribble([view], () => new Uint8Array(buffer).fill(9));
    expect(received).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('sends exactly the bytes of a subarray at an offset, and of a wider typed array, as they were at send()', async () => {
    const whole = new Uint8Array(32).map((_, i) => i);
    const part = whole.subarray(5, 9);
    const words = new Uint16Array(whole.buffer, 12, 3);
    const wordsAtSend = bytesOf(words);
    const received = await sendThenScribble([part, words], () => whole.fill(0xff));
    expect(received).toEqual([[5, 6, 7, 8], wordsAtSend]);
    expect(wordsAtSend).toHaveLength(6);
  });

  it('keeps the bytes of a message held for acknowledgement, and sends them again unchanged after a reconnect', async () => {
    const socket = track(
      new ReactiveWebSocket<Buffer, Uint8Array>({
        url: echo.url,
        WebSocketCtor: WebSocket,
        reconnect: { initialDelay: 10, maxDelay: 20 },
        delivery: { id: (message) => message[0], ackOf: () => undefined },
      }),
    );
    await first(socket.open$);
    const bytes = new Uint8Array([7, 1, 1, 1]);
    socket.send(bytes);
    await until(() => echo.received.length === 1, 5000, 'the first delivery');
    bytes.fill(9);
    const reopened = first(socket.open$);
    echo.connections[0].terminate();
    await reopened;
    await until(() => echo.received.length === 2, 5000, 'the re-send after the reconnect');
    expect(echo.received.map((message) => [...(message as Buffer)])).toEqual([
      [7, 1, 1, 1],
      [7, 1, 1, 1],
    ]);
  });
});

describe('what reaches the runtime socket', () => {
  it('hands a queued view over as a copy of exactly its bytes, with the same byteLength', () => {
    const { WebSocketCtor, made } = fakeSockets();
    const socket = new ReactiveWebSocket<unknown, WebSocketData>({ url: 'ws://localhost:1238', WebSocketCtor, reconnect: false });
    const view = new DataView(new ArrayBuffer(100), 40, 3);
    view.setUint8(0, 1);
    view.setUint8(2, 3);
    socket.send(view);
    made[0].open();
    const sent = made[0].sent[0] as ArrayBufferView;
    expect(sent).not.toBe(view);
    expect(sent.byteLength).toBe(3);
    expect(bytesOf(sent)).toEqual([1, 0, 3]);
    socket.close();
    made[0].closed(1000);
  });

  it('hands a Blob over as it is (Blobs cannot change), and data sent on an open socket without a copy', () => {
    const { WebSocketCtor, made } = fakeSockets();
    const socket = new ReactiveWebSocket<unknown, WebSocketData>({ url: 'ws://localhost:1238', WebSocketCtor, reconnect: false });
    const blob = new Blob([new Uint8Array([1, 2])]);
    socket.send(blob);
    made[0].open();
    const direct = new Uint8Array([4, 5]);
    socket.send(direct);
    expect(made[0].sent[0]).toBe(blob);
    expect(made[0].sent[1]).toBe(direct);
    socket.close();
    made[0].closed(1000);
  });
});
