import { config as rxjsConfig } from 'rxjs';
import { DeserializationError, ReactiveWebSocket, jsonDeserializer, websocket, type SocketMessageEvent } from '../../lib/index.js';
import { WebSocketCtor, bytesOf } from '../support/client-websocket.js';
import { startAckServer, type AckServer } from '../support/ack-server.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { all, first, until } from '../support/wait.js';

/** Wraps a callback so that its first call throws. */
function throwsFirst<A extends unknown[], R>(name: string, callback: (...args: A) => R): (...args: A) => R {
  let calls = 0;
  return (...args: A) => {
    if (calls++ === 0) throw new Error(`${name} failed on its first call`);
    return callback(...args);
  };
}

describe('user callbacks that throw on their first call (R12)', () => {
  let reported: unknown[];
  let unhandled: unknown[];
  const savedOnUnhandled = rxjsConfig.onUnhandledError;
  const uncaught = (error: unknown) => {
    throw new Error(`an uncaughtException reached the process: ${String(error)}`);
  };
  let echo: EchoServer;
  let acks: AckServer;

  beforeEach(async () => {
    reported = [];
    unhandled = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    process.on('uncaughtException', uncaught);
    echo = await startEchoServer();
    acks = await startAckServer();
  });
  afterEach(async () => {
    delete (globalThis as { reportError?: unknown }).reportError;
    rxjsConfig.onUnhandledError = savedOnUnhandled;
    process.off('uncaughtException', uncaught);
    await echo.close();
    await acks.close();
  });

  it('keep messages and pongs arriving; each error is reported once', async () => {
    const socket = new ReactiveWebSocket<{ ack: number }, { id: number } | 'ping'>({
      url: throwsFirst('url provider', () => `ws://127.0.0.1:${acks.port}`),
      WebSocketCtor,
      serializer: throwsFirst('serializer', (value) => (value === 'ping' ? '{"id":-1}' : JSON.stringify(value))),
      deserializer: throwsFirst('deserializer', (event: SocketMessageEvent) => jsonDeserializer<{ ack: number }>(event)),
      reconnect: { initialDelay: 10, maxDelay: 20, shouldReconnect: throwsFirst('shouldReconnect', () => true) },
      delivery: {
        id: (message) => (message === 'ping' ? -1 : message.id),
        ackOf: throwsFirst('ackOf', (reply) => reply.ack),
        timeout: 200,
      },
      heartbeat: { interval: 50, timeout: 1000, message: 'ping', isPong: throwsFirst('isPong', (reply) => reply.ack === -1) },
    });
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    let pongs = 0;
    socket.message$.subscribe((event) => {
      if (event.data === '{"ack":-1}') pongs++;
    });
    const replies: Array<{ ack: number }> = [];
    socket.messages$.subscribe(throwsFirst('subscriber', (reply: { ack: number }) => replies.push(reply)));

    expect(() => socket.send({ id: 0 })).toThrow(
      /the serializer threw, so nothing was sent or queued: Error: serializer failed on its first call/,
    );
    for (let id = 1; id <= 5; id++) socket.send({ id });
    await until(() => socket.pending === 0, 5000, 'the first five acknowledgements');
    await until(() => pongs >= 2, 5000, 'pongs');
    const reopened = first(socket.open$);
    acks.terminateAll();
    await reopened;
    for (let id = 6; id <= 10; id++) socket.send({ id });
    await until(() => socket.pending === 0, 5000, 'the next five acknowledgements');
    const pongsBefore = pongs;
    await until(() => pongs > pongsBefore, 5000, 'a pong after the reconnect');
    socket.close();
    await all(socket.state$);

    expect(acks.firstArrivals.filter((id) => id > 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(replies.map((reply) => reply.ack).filter((ack) => ack > 0)).toEqual(expect.arrayContaining([6, 7, 8, 9, 10]));
    const messages = reported.map((error) => (error as Error).message).sort();
    expect(messages).toEqual([
      'ackOf failed on its first call',
      'isPong failed on its first call',
      'shouldReconnect failed on its first call',
    ]);
    expect(errors.filter((error) => error instanceof DeserializationError)).toHaveLength(1);
    expect(errors.filter((error) => error.message.includes('url provider failed on its first call'))).toHaveLength(1);
    expect(unhandled.map((error) => (error as Error).message)).toEqual(['subscriber failed on its first call']);
  });

  it('keep facade handlers running for later events', async () => {
    const ws = websocket<string, string>(echo.url, { WebSocketCtor });
    const got: string[] = [];
    const throwingGot: string[] = [];
    ws.bind(
      'open',
      throwsFirst('open handler', () => undefined),
    );
    ws.bind('open', () => ws.send('a'));
    ws.bind(
      'message',
      throwsFirst('message handler', (event: { data: string }) => throwingGot.push(event.data)),
    );
    ws.bind('message', (event) => {
      got.push(event.data);
      if (event.data === 'a') ws.send('b');
      else ws.close();
    });
    await all(ws.socket.state$);
    expect(got).toEqual(['a', 'b']);
    expect(throwingGot).toEqual(['b']);
    expect(reported.map((error) => (error as Error).message)).toEqual([
      'open handler failed on its first call',
      'message handler failed on its first call',
    ]);
  });
});

describe('pass-through fidelity (R14)', () => {
  // ws delivers binary as Buffers by default; the runtime's own WebSocket as Blobs, so ask it for ArrayBuffers.
  const BYTES = WebSocketCtor === undefined ? 'arraybuffer' : undefined;
  let echo: EchoServer;
  beforeEach(async () => {
    echo = await startEchoServer();
  });
  afterEach(async () => {
    await echo.close();
  });

  it('returns text (astral and multi-byte) and binary of 0 B, 125 B, 64 KiB and 16 MiB unchanged', async () => {
    const texts = ['', 'κόσμε', '\u{10FFFF}', '😀 𝌆 ✓', 'a'.repeat(65_536), '\u0080\u07FF\u0800\uFFFF'];
    const sizes = [0, 125, 65_536, 16 * 1024 * 1024];
    const binaries = sizes.map((size) => Buffer.alloc(size, 0).map((_, i) => (i * 31) % 256));
    const socket = new ReactiveWebSocket<string | Buffer | ArrayBuffer, string | Uint8Array>({
      url: echo.url,
      WebSocketCtor,
      binaryType: BYTES,
    });
    const replies: Array<string | Buffer | ArrayBuffer> = [];
    socket.messages$.subscribe((reply) => replies.push(reply));
    for (const text of texts) socket.send(text);
    for (const binary of binaries) socket.send(binary);
    await until(() => replies.length === texts.length + binaries.length, 15_000, 'every echo');
    expect(replies.slice(0, texts.length)).toEqual(texts);
    replies.slice(texts.length).forEach((reply, i) => expect(bytesOf(reply)?.equals(binaries[i])).toBe(true));
    socket.close();
    await all(socket.state$);
  }, 30_000);

  it('returns text and small binary unchanged when every byte crosses the network on its own', async () => {
    const proxy = await ChaosProxy.start(Number(new URL(echo.url).port));
    proxy.chunk(1);
    try {
      const texts = ['κόσμε', '\u{10FFFF}', '😀 𝌆 ✓', 'x'.repeat(300)];
      const binary = Buffer.from([0, 1, 127, 128, 255]);
      const socket = new ReactiveWebSocket<string | Buffer | ArrayBuffer, string | Uint8Array>({
        url: proxy.url,
        WebSocketCtor,
        binaryType: BYTES,
      });
      const replies: Array<string | Buffer | ArrayBuffer> = [];
      socket.messages$.subscribe((reply) => replies.push(reply));
      for (const text of texts) socket.send(text);
      socket.send(binary);
      await until(() => replies.length === texts.length + 1, 10_000, 'every echo through 1-byte chunks');
      expect(replies.slice(0, texts.length)).toEqual(texts);
      expect(bytesOf(replies[texts.length])?.equals(binary)).toBe(true);
      socket.close();
      await all(socket.state$);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
