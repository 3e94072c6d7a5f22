/**
 * A message over the size the runtime accepts: the runtime drops the connection, and the
 * ConnectionError says so and advises about the message, not about reaching the server.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket as WsWebSocket, WebSocketServer } from 'ws';
import { ConnectionError, ReactiveWebSocket, type SocketCloseEvent } from '../../lib/index.js';
import { WebSocketCtor, client } from '../support/client-websocket.js';
import { all, until } from '../support/wait.js';

/** ws's limit is an option: a small one here, so that the message need not be large. */
const WS_MAX_PAYLOAD = 1024;
class SmallPayloadWebSocket extends WsWebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { maxPayload: WS_MAX_PAYLOAD });
  }
}

let server: WebSocketServer;
const serverSaw: number[] = [];
afterEach(async () => {
  for (const peer of server.clients) peer.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  serverSaw.length = 0;
});

/** A server that sends each client one message of `bytes` zero bytes, compressed where the client offers permessage-deflate. */
async function sendingServer(bytes: number): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  await once(server, 'listening');
  server.on('connection', (peer) => {
    peer.on('close', (code) => serverSaw.push(code));
    peer.send(Buffer.alloc(bytes));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('reports a message over the runtime’s limit as a ConnectionError with advice about the message, then a 1006 close', async () => {
  const limit = client.maxMessageBytes ?? WS_MAX_PAYLOAD;
  const url = await sendingServer(limit + 1);
  const socket = new ReactiveWebSocket<unknown, string>({
    url,
    // ws with a small maxPayload; the runtime's own WebSocket as it comes.
    WebSocketCtor: WebSocketCtor === undefined ? undefined : SmallPayloadWebSocket,
    reconnect: false,
  });
  const errors: Error[] = [];
  const closes: SocketCloseEvent[] = [];
  let messages = 0;
  socket.error$.subscribe((event) => errors.push(event.error));
  socket.close$.subscribe((event) => closes.push(event));
  socket.messages$.subscribe(() => messages++);
  await all(socket.state$, 15_000);

  expect(messages).toBe(0);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(ConnectionError);
  if (client.oversized) {
    expect(errors[0].message).toContain(`failed: ${client.oversized}. The server sent a message larger than the runtime accepts`);
    expect(errors[0].message).not.toMatch(/running and reachable/);
  } else {
    // undici 7 (Node 24) says nothing about why: the close code the server got is the one trace.
    expect(errors[0].message).toMatch(/the runtime gave no detail/);
  }
  expect(closes.map((close) => [close.code, close.wasClean])).toEqual([[1006, false]]);
  // The runtime tells the server why: 1009, message too big.
  await until(() => serverSaw.length > 0, 5000, 'the server to see the close');
  expect(serverSaw).toEqual([1009]);
}, 30_000);
