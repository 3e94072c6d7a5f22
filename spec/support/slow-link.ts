import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import type { WebSocketConstructor } from '../../lib/index.js';
import { Throttle } from './throttle.js';

/**
 * A slow link between `ws` clients and a server on 127.0.0.1: each direction carries at most
 * `bytesPerSecond`, with backpressure, so a large message takes as long as it would on a slow
 * network and the sender's buffers fill meanwhile.
 *
 * The client side is a Unix-domain socket in a temporary folder, not loopback TCP: over loopback
 * the kernel takes several MiB of a client's send at once (loopback's 64 KiB segments grow the
 * socket's send buffer towards `tcp_wmem`'s maximum), so the client would see no upload in
 * progress at all. A Unix socket holds about 200 KiB, as a slow network's send buffer holds about
 * its bandwidth times its round trip. Clients connect through it with {@link SlowLink.WebSocketCtor};
 * the URL given to it only names the path (its host and port are never dialled).
 */
export class SlowLink {
  /** The URL to give the socket: the path on the server; the connection itself goes through the link. */
  readonly url = 'ws://127.0.0.1:9/through-the-slow-link';
  /** A `ws` WebSocket constructor whose sockets connect through the link. */
  readonly WebSocketCtor: WebSocketConstructor;
  readonly #server: Server;
  readonly #folder: string;
  readonly #sockets = new Set<Socket>();
  readonly #throttles = new Set<Throttle>();

  private constructor(server: Server, folder: string, path: string) {
    this.#server = server;
    this.#folder = folder;
    const options: ClientOptions = { createConnection: () => connect(path) };
    this.WebSocketCtor = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, options);
      }
    };
  }

  /** Starts a link to the server on `targetPort` of 127.0.0.1. */
  static async start(targetPort: number, bytesPerSecond: number): Promise<SlowLink> {
    const folder = mkdtempSync(join(tmpdir(), 'reactive-websocket-slow-link-'));
    const path = join(folder, 'link.sock');
    const server = createServer();
    const link = new SlowLink(server, folder, path);
    server.on('connection', (client) => link.#connection(client, targetPort, bytesPerSecond));
    server.listen(path);
    await once(server, 'listening');
    return link;
  }

  /** Ends every connection, stops listening and removes the socket file; no timer is left. */
  async close(): Promise<void> {
    for (const throttle of this.#throttles) throttle.stop();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#folder, { recursive: true, force: true });
  }

  #connection(client: Socket, targetPort: number, bytesPerSecond: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      const throttle = new Throttle(from, (data) => to.write(data), bytesPerSecond);
      this.#throttles.add(throttle);
      from.on('data', (chunk: Buffer) => throttle.push(chunk));
      from.on('close', () => {
        throttle.stop();
        this.#throttles.delete(throttle);
      });
    }
  }
}
