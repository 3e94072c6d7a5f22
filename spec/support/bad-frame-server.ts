import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

// RFC 6455 §1.3: the GUID the server appends to Sec-WebSocket-Key before hashing.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A server on 127.0.0.1 (ephemeral port) whose bad connections complete the handshake properly
 * (101 with the right Sec-WebSocket-Accept), then send bytes that are no WebSocket frame (0xff:
 * FIN with every reserved bit set) and keep the TCP connection open, never answering. Its other
 * connections get a real `ws` echo server.
 */
export interface BadFrameServer {
  readonly url: string;
  /** How many upgrade requests arrived, bad and good. */
  readonly upgrades: number;
  /** Messages the good connections received, as text. */
  readonly received: string[];
  /** The server side of each good connection. */
  readonly connections: WebSocket[];
  /** Raw sockets of the bad connections; each is destroyed when its client hangs up. */
  readonly badSockets: Socket[];
  /** Destroys every connection and closes the server. */
  close(): Promise<void>;
}

/** Starts a {@link BadFrameServer} whose first `bad` connections are bad and the rest good. */
export async function startBadFrameServer(bad = 1): Promise<BadFrameServer> {
  const server: Server = createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<Socket>();
  const state = { upgrades: 0, received: [] as string[], connections: [] as WebSocket[], badSockets: [] as Socket[] };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    state.upgrades++;
    if (state.upgrades > bad) {
      wss.handleUpgrade(request, socket, head, (client) => {
        state.connections.push(client);
        client.on('message', (data: Buffer) => {
          state.received.push(data.toString());
          client.send(data.toString());
        });
      });
      return;
    }
    state.badSockets.push(socket);
    socket.on('error', () => undefined);
    // Read (and drop) what the client sends, so that its hang-up is seen.
    socket.on('end', () => socket.destroy());
    socket.resume();
    const accept = createHash('sha1')
      .update(`${String(request.headers['sec-websocket-key'])}${HANDSHAKE_GUID}`)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    get upgrades() {
      return state.upgrades;
    },
    received: state.received,
    connections: state.connections,
    badSockets: state.badSockets,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
