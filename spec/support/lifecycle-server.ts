import { once } from 'node:events';
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What one connection brought to the server, in order of arrival. */
export interface ServerConnection {
  /** 1 for the first connection the server accepted, then 2, 3, … */
  readonly number: number;
  /** The ids of the `{ "id": n }` messages, in order of arrival, repeats included. */
  readonly ids: number[];
  /** Per topic: `+1` for each `{ "sub": name }`, `-1` for each `{ "unsub": name }`, in order of arrival. */
  readonly topics: Map<string, number[]>;
  /** The server side of the connection. */
  readonly socket: WebSocket;
}

/**
 * A `ws` server on 127.0.0.1 (port 0) for the lifecycle property tests. It records what each
 * connection sends: messages `{ "id": n }` and the topic messages `{ "sub": name }` and
 * `{ "unsub": name }` of the drop-in's `multiplex`. With `acknowledge` (for `delivery`) it answers
 * each with `{ "ack": id }`, a topic message's id being its JSON text. On demand it closes or drops its connections, and answers the WebSocket
 * upgrade with an HTTP error instead of 101 for as long as `refuse(status)` is in force.
 */
export interface LifecycleServer {
  readonly port: number;
  /** Every connection accepted, in order. */
  readonly connections: readonly ServerConnection[];
  /** Connections open now. */
  readonly clients: number;
  /** Upgrade requests refused so far. */
  readonly refused: number;
  /** Messages the server could not read as one of its messages (a fault of the client under test). */
  readonly unreadable: string[];
  /** Answers every upgrade request with `status` until `accept()`. */
  refuse(status: number): void;
  /** Accepts upgrade requests again. */
  accept(): void;
  /** Sends a close frame with `code` on every open connection. */
  closeAll(code: number, reason?: string): void;
  /** Drops every connection without a close frame. */
  terminateAll(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

export async function startLifecycleServer(options: { acknowledge: boolean }): Promise<LifecycleServer> {
  const http: Server = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const connections: ServerConnection[] = [];
  const unreadable: string[] = [];
  let refusing: number | undefined;
  let refused = 0;

  http.on('upgrade', (request, socket: Socket, head: Buffer) => {
    // A client that gives up first resets the connection.
    socket.on('error', () => undefined);
    if (refusing !== undefined) {
      refused++;
      socket.end(`HTTP/1.1 ${refusing} ${STATUS_CODES[refusing]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  });

  wss.on('connection', (socket: WebSocket) => {
    const connection: ServerConnection = { number: connections.length + 1, ids: [], topics: new Map(), socket };
    connections.push(connection);
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      let message: { id?: unknown; sub?: unknown; unsub?: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        unreadable.push(text);
        return;
      }
      if (typeof message.sub === 'string' || typeof message.unsub === 'string') {
        const name = (message.sub ?? message.unsub) as string;
        const changes = connection.topics.get(name) ?? [];
        changes.push(typeof message.sub === 'string' ? 1 : -1);
        connection.topics.set(name, changes);
      } else if (typeof message.id === 'number') {
        connection.ids.push(message.id);
      } else {
        unreadable.push(text);
        return;
      }
      // A topic message is acknowledged by its text, the id the client's delivery gives it.
      if (options.acknowledge && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ ack: message.id ?? text }));
    });
  });

  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    connections,
    get clients() {
      return wss.clients.size;
    },
    get refused() {
      return refused;
    },
    unreadable,
    refuse: (status) => {
      refusing = status;
    },
    accept: () => {
      refusing = undefined;
    },
    closeAll: (code, reason) => {
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.close(code, reason);
    },
    terminateAll: () => {
      for (const client of wss.clients) client.terminate();
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
