import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * A `ws` server on 127.0.0.1 that acknowledges JSON messages `{ "id": n }` with `{ "ack": n }` and
 * deduplicates by id, as a server speaking an at-least-once protocol would.
 */
export interface AckServer {
  readonly port: number;
  /** Ids in order of first arrival. */
  readonly firstArrivals: number[];
  /** How many messages arrived a second time or more. */
  duplicates: number;
  /** Connections accepted, and the most open at once. */
  connections: number;
  maxConcurrent: number;
  /** Drops every connection without a close frame. */
  terminateAll(): void;
  close(): Promise<void>;
}

export async function startAckServer(options: { acknowledge?: boolean } = {}): Promise<AckServer> {
  const acknowledge = options.acknowledge ?? true;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const seen = new Set<number>();
  const state: AckServer = {
    port: (server.address() as AddressInfo).port,
    firstArrivals: [],
    duplicates: 0,
    connections: 0,
    maxConcurrent: 0,
    terminateAll: () => {
      for (const client of server.clients) client.terminate();
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket) => {
    state.connections++;
    state.maxConcurrent = Math.max(state.maxConcurrent, server.clients.size);
    socket.on('message', (data) => {
      const { id } = JSON.parse((data as Buffer).toString()) as { id: number };
      if (seen.has(id)) state.duplicates++;
      else {
        seen.add(id);
        state.firstArrivals.push(id);
      }
      if (acknowledge) socket.send(JSON.stringify({ ack: id }));
    });
  });
  return state;
}
