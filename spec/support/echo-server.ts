import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A `ws` server on 127.0.0.1 with an ephemeral port that echoes every message, text as text and binary as binary. */
export interface EchoServer {
  readonly url: string;
  readonly server: WebSocketServer;
  /** Every message received, in order, as strings (text) or Buffers (binary). */
  readonly received: Array<string | Buffer>;
  /** The server side of each connection, in order. */
  readonly connections: WebSocket[];
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

export async function startEchoServer(options: { protocols?: string[] } = {}): Promise<EchoServer> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => options.protocols?.find((protocol) => offered.has(protocol)) ?? false,
  });
  await once(server, 'listening');
  const received: Array<string | Buffer> = [];
  const connections: WebSocket[] = [];
  server.on('connection', (socket) => {
    connections.push(socket);
    socket.on('message', (data: Buffer, isBinary) => {
      const message = isBinary ? data : data.toString();
      received.push(message);
      socket.send(message, { binary: isBinary });
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    server,
    received,
    connections,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
