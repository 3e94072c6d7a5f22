/**
 * The drop-in against a real `ws` server on 127.0.0.1: subscribers and multiplexed topics survive
 * a dropped connection with resilient({ reconnect }), and without it behave as RxJS's webSocket.
 */
import { retry } from 'rxjs';
import { resilient, webSocket } from '../../lib/rxjs.js';
import { startTopicServer, type TopicServer } from '../rxjs/topic-server.js';
import { WebSocketCtor, client } from '../support/client-websocket.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { until } from '../support/wait.js';

type Update = { topic: string; n: number };
let server: TopicServer;

beforeEach(async () => {
  server = await startTopicServer();
});
afterEach(async () => {
  await server.close();
});

const topic = (subject: ReturnType<typeof webSocket<Update, unknown>>, name: string) =>
  subject.multiplex(
    () => ({ sub: name }),
    () => ({ unsub: name }),
    (update) => update.topic === name,
  );

it('restores every live topic on the server after a dropped connection, and the same subscriptions keep receiving', async () => {
  const reconnects: unknown[] = [];
  const subject = webSocket<Update, unknown>(
    resilient({
      url: server.url,
      WebSocketCtor,
      reconnect: { initialDelay: 20, maxDelay: 50 },
      reconnectObserver: { next: (event) => reconnects.push(event) },
    }),
  );
  const got = { a: [] as number[], b: [] as number[], ended: [] as string[] };
  const a = topic(subject, 'a').subscribe({
    next: (u) => got.a.push(u.n),
    error: () => got.ended.push('a error'),
    complete: () => got.ended.push('a done'),
  });
  const b = topic(subject, 'b').subscribe({
    next: (u) => got.b.push(u.n),
    error: () => got.ended.push('b error'),
    complete: () => got.ended.push('b done'),
  });
  await until(() => got.a.length === 1 && got.b.length === 1, 5000, 'both topics to answer');

  server.dropAll();
  await until(() => got.a.length === 2 && got.b.length === 2, 5000, 'both topics to answer on the new connection');
  expect(server.log).toEqual(['1 sub a', '1 sub b', '2 sub a', '2 sub b']);
  expect(got).toEqual({ a: [1, 2], b: [1, 2], ended: [] });
  expect(reconnects).toEqual([{ attempt: 1, delay: expect.any(Number) as number }]);

  server.publish('a', 20);
  await until(() => got.a.length === 3, 5000, 'a publication after the reconnect');

  a.unsubscribe();
  await until(() => server.log.includes('2 unsub a'), 5000, 'the server to see a unsubscribed');
  expect(server.server.clients.size).toBe(1);
  b.unsubscribe();
  await until(() => server.closeCodes.get(2) === 1000, 5000, 'the last unsubscription to close the socket with 1000');
  expect(server.log.slice(4)).toEqual(['2 unsub a', '2 unsub b']);
  expect(got.ended).toEqual([]);
});

it('without resilient(), errors subscribers with the close event when the connection drops, and retry() makes a new one', async () => {
  const subject = webSocket<Update, unknown>({ url: server.url, WebSocketCtor });
  const errors: unknown[] = [];
  const plain: number[] = [];
  const retried: number[] = [];
  const first = topic(subject, 'a').subscribe({ next: (u) => plain.push(u.n), error: (error: unknown) => errors.push(error) });
  const second = topic(subject, 'b')
    .pipe(retry(1))
    .subscribe({ next: (u) => retried.push(u.n), error: (error: unknown) => errors.push(error) });
  await until(() => plain.length === 1 && retried.length === 1, 5000, 'both topics to answer');
  server.dropAll();
  await until(() => retried.length === 2, 5000, 'the retried topic to answer on a new connection');
  // The runtime's own event, read field by field: undici's events are not plain objects jest can compare.
  const ended = errors.map((error) => {
    const { type, code, wasClean } = error as { type: string; code?: number; wasClean?: boolean };
    return type === 'close' ? { type, code, wasClean } : { type };
  });
  // The close event ends them, or the error event before it where the runtime fires one for a drop, as browsers do.
  expect(ended).toEqual([client.errorOnDrop ? { type: 'error' } : { type: 'close', code: 1006, wasClean: false }]);
  expect(first.closed).toBe(true);
  // As in RxJS, the unsubscription messages of the ended subscriptions wait for the next socket.
  expect(server.log).toEqual(['1 sub a', '1 sub b', '2 unsub a', '2 unsub b', '2 sub b']);
  second.unsubscribe();
  await until(() => server.closeCodes.get(2) === 1000, 5000, 'the socket to close with 1000');
});

it('errors subscribers with the runtime’s error event when the server refuses the connection', async () => {
  const { url } = server;
  await server.close();
  const closes: Array<{ code?: number }> = [];
  const subject = webSocket({ url, WebSocketCtor, closeObserver: { next: (event) => closes.push(event) } });
  let error: { type?: string; message?: string } | undefined;
  subject.subscribe({ error: (e: { type?: string }) => (error = e) });
  await until(() => error !== undefined && closes.length === 1, 5000, 'the error and the close');
  expect(error?.type).toBe('error');
  // What the runtime says, where it says anything.
  if (client.refusedConnection) expect(error?.message).toMatch(client.refusedConnection);
  else expect(error?.message || undefined).toBeUndefined();
  expect({ code: closes[0].code, wasClean: (closes[0] as { wasClean?: boolean }).wasClean }).toEqual({ code: 1006, wasClean: false });
  server = await startTopicServer();
});

it('with resilient({ reconnect, connectTimeout }), drops a handshake the server never answers and subscribes the topic on the next attempt', async () => {
  const proxy = await ChaosProxy.start(Number(new URL(server.url).port));
  try {
    proxy.acceptButNeverUpgrade();
    const errors: unknown[] = [];
    const reconnects: Array<{ attempt: number }> = [];
    const subject = webSocket<Update, unknown>(
      resilient({
        url: proxy.url,
        WebSocketCtor,
        connectTimeout: 300,
        reconnect: { initialDelay: 50, maxDelay: 50 },
        reconnectObserver: { next: (event) => reconnects.push(event) },
      }),
    );
    const got: number[] = [];
    const subscription = topic(subject, 'a').subscribe({ next: (u) => got.push(u.n), error: (error: unknown) => errors.push(error) });
    await until(() => reconnects.length === 1, 3000, 'the hanging attempt to be dropped and another scheduled');
    // The dropped attempt's TCP connection is gone, not left half-open.
    await until(() => proxy.open <= 1, 3000, 'the dropped connection to close');
    proxy.heal();
    await until(() => got.length === 1, 5000, 'the topic to answer once a handshake completes');
    expect(server.log).toEqual(['1 sub a']);
    expect(errors).toEqual([]);
    subscription.unsubscribe();
    await until(() => server.closeCodes.get(1) === 1000, 5000, 'the socket to close with 1000');
  } finally {
    await proxy.close();
  }
});
