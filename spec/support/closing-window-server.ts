import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** The message the server sends just before its close frame, JSON-encoded: `"closing"`. */
export const CLOSING_NOTICE = 'closing';

/**
 * A `ws` server on 127.0.0.1 (ephemeral port) that can open the closing window on demand: the
 * client gets a `"closing"` text message and the server's close frame in one TCP write, so its
 * runtime handles both in one turn. From then until its close event (at least one more turn of
 * the event loop, when the server has read the client's close frame and hung up), the client's
 * socket is CLOSING (readyState 2) and silently discards whatever it is given. A client that sends
 * from `setImmediate` on seeing the notice sends inside that window.
 */
export interface ClosingWindowServer {
  readonly url: string;
  /** What each connection received, in order, one array per connection (text, as sent). */
  readonly received: string[][];
  /** The server side of each connection, in order. */
  readonly connections: WebSocket[];
  /** Sends the notice and a close frame with `code` on the newest connection, in one write. */
  closeWithNotice(code?: number): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

export async function startClosingWindowServer(): Promise<ClosingWindowServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const received: string[][] = [];
  const connections: WebSocket[] = [];
  server.on('connection', (client) => {
    const mine: string[] = [];
    received.push(mine);
    connections.push(client);
    client.on('message', (data: Buffer) => mine.push(data.toString()));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    connections,
    closeWithNotice(code = 4001) {
      const client = connections[connections.length - 1];
      // ws writes each frame with its own write; corking the TCP socket sends both in one.
      const raw = (client as unknown as { _socket: Socket })._socket;
      raw.cork();
      client.send(JSON.stringify(CLOSING_NOTICE));
      client.close(code, 'bye');
      raw.uncork();
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
