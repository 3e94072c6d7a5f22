import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A `ws` server on 127.0.0.1 (port 0) speaking a small topic protocol, for the drop-in's
 * multiplex specs and the Angular example: `{ "sub": name }` subscribes the connection to a topic
 * and is answered at once with `{ "topic": name, "n": k }`, k being the connection's number (1, 2,
 * …); `{ "unsub": name }` unsubscribes. JSON-RPC style calls `{ "id", "method", "params" }` are
 * answered `{ "id", "result" }` for `subtract`, after `params[2]` ms if given, and never for `ignore`.
 */
export interface TopicServer {
  readonly url: string;
  readonly server: WebSocketServer;
  /** What arrived, in order, as `"<connection number> <message>"`, e.g. `"1 sub a"`. */
  readonly log: string[];
  /** Each connection's close code as the server saw it, by connection number. */
  readonly closeCodes: Map<number, number>;
  /** Sends `{ topic, n }` to every connection subscribed to `topic`. */
  publish(topic: string, n: number): void;
  /** Drops every connection without a close frame. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTopicServer(): Promise<TopicServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const log: string[] = [];
  const closeCodes = new Map<number, number>();
  const topics = new Map<WebSocket, Set<string>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let connections = 0;
  server.on('connection', (socket) => {
    const number = ++connections;
    const subscribed = new Set<string>();
    topics.set(socket, subscribed);
    socket.on('close', (code) => {
      closeCodes.set(number, code);
      topics.delete(socket);
    });
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { sub?: string; unsub?: string; id?: number; method?: string; params?: number[] };
      if (message.sub !== undefined) {
        log.push(`${number} sub ${message.sub}`);
        subscribed.add(message.sub);
        socket.send(JSON.stringify({ topic: message.sub, n: number }));
      } else if (message.unsub !== undefined) {
        log.push(`${number} unsub ${message.unsub}`);
        subscribed.delete(message.unsub);
      } else if (message.method !== undefined) {
        log.push(`${number} call ${message.method} ${message.id}`);
        if (message.method !== 'subtract') return;
        const [a = 0, b = 0, delay] = message.params ?? [];
        const reply = () =>
          socket.readyState === socket.OPEN && socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: a - b }));
        if (delay === undefined) reply();
        else {
          const timer = setTimeout(() => {
            timers.delete(timer);
            reply();
          }, delay);
          timers.add(timer);
        }
      }
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    server,
    log,
    closeCodes,
    publish: (topic, n) => {
      for (const [socket, subscribed] of topics) if (subscribed.has(topic)) socket.send(JSON.stringify({ topic, n }));
    },
    dropAll: () => {
      for (const client of server.clients) client.terminate();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
