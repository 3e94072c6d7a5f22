import { once } from 'node:events';
import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** An HTTP server on 127.0.0.1 (port 0) that answers every WebSocket upgrade with an HTTP error instead of 101. */
export interface RefusingServer {
  /** A ws:// URL on it. */
  readonly url: string;
  /** How many upgrade requests it refused. */
  upgrades: number;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a server that refuses every handshake with `status` (401, 403, 404, 503, …). */
export async function startRefusingServer(status: number): Promise<RefusingServer> {
  const http = createServer((_request, response) => response.writeHead(status).end());
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const refusing: RefusingServer = {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/feed`,
    upgrades: 0,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  http.on('upgrade', (_request, socket: Socket) => {
    refusing.upgrades++;
    socket.on('error', () => undefined); // a client that gives up first resets the connection
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });
  return refusing;
}
