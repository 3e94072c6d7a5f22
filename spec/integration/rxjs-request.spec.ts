/**
 * Request/response against a real `ws` server on 127.0.0.1 speaking JSON-RPC style calls: on the
 * drop-in (`subject.request`) and on a ReactiveWebSocket (`request(socket, …)`), with timeouts.
 */
import { firstValueFrom, forkJoin } from 'rxjs';
import { ReactiveWebSocket, jsonDeserializer, jsonSerializer } from '../../lib/index.js';
import { RequestTimeoutError, request, webSocket } from '../../lib/rxjs.js';
import { startTopicServer, type TopicServer } from '../rxjs/topic-server.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { until } from '../support/wait.js';

type Call = { jsonrpc: '2.0'; id: number; method: string; params: number[] };
type Reply = { jsonrpc: '2.0'; id: number; result: number };
let server: TopicServer;

beforeEach(async () => {
  server = await startTopicServer();
});
afterEach(async () => {
  await server.close();
});

describe('WebSocketSubject.request', () => {
  it('matches replies to calls by id, whatever order they come back in, and closes the socket when done', async () => {
    const rpc = webSocket<Reply, Call>({ url: server.url, WebSocketCtor });
    const call = (id: number, params: number[]) =>
      rpc.request({ jsonrpc: '2.0', id, method: 'subtract', params }, { match: (reply) => reply.id === id, timeout: 5000 });
    // The first call is answered after the second.
    const [slow, fast] = await firstValueFrom(forkJoin([call(1, [42, 23, 50]), call(2, [5, 3])]));
    expect(slow).toEqual({ jsonrpc: '2.0', id: 1, result: 19 });
    expect(fast).toEqual({ jsonrpc: '2.0', id: 2, result: 2 });
    await until(() => server.closeCodes.get(1) === 1000, 5000, 'the socket to close after the last reply');
    expect(server.log).toEqual(['1 call subtract 1', '1 call subtract 2']);
  });

  it('fails with RequestTimeoutError when no reply comes in time, and releases the socket', async () => {
    const rpc = webSocket<Reply, Call>({ url: server.url, WebSocketCtor });
    const started = Date.now();
    const failure = await firstValueFrom(
      rpc.request({ jsonrpc: '2.0', id: 7, method: 'ignore', params: [] }, { match: (reply) => reply.id === 7, timeout: 150 }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestTimeoutError);
    expect(failure).toMatchObject({ timeout: 150, request: { id: 7, method: 'ignore' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await until(() => server.closeCodes.get(1) === 1000, 5000, 'the socket to close');
  });

  it('ignores a reply that comes after the caller unsubscribed', async () => {
    const rpc = webSocket<Reply, Call>({ url: server.url, WebSocketCtor });
    const seen: Reply[] = [];
    const keepOpen = rpc.subscribe();
    const pending = rpc
      .request({ jsonrpc: '2.0', id: 3, method: 'subtract', params: [1, 1, 100] }, { match: (reply) => reply.id === 3 })
      .subscribe((reply) => seen.push(reply));
    await until(() => server.log.length === 1, 5000, 'the call to arrive');
    pending.unsubscribe();
    const later = await firstValueFrom(
      rpc.request({ jsonrpc: '2.0', id: 4, method: 'subtract', params: [2, 1, 150] }, { match: (reply) => reply.id === 4 }),
    );
    expect(later.result).toBe(1);
    expect(seen).toEqual([]);
    keepOpen.unsubscribe();
  });
});

describe('request(socket, …) on a ReactiveWebSocket', () => {
  it('sends on subscription and emits the matching reply; times out with RequestTimeoutError', async () => {
    const socket = new ReactiveWebSocket<Reply, Call>({
      url: server.url,
      WebSocketCtor,
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
    });
    try {
      const reply = await firstValueFrom(
        request(socket, { jsonrpc: '2.0', id: 10, method: 'subtract', params: [10, 4] }, { match: (r) => r.id === 10 }),
      );
      expect(reply.result).toBe(6);
      const failure = await firstValueFrom(
        request(socket, { jsonrpc: '2.0', id: 11, method: 'ignore', params: [] }, { match: (r) => r.id === 11, timeout: 100 }),
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RequestTimeoutError);
      expect(server.log).toEqual(['1 call subtract 10', '1 call ignore 11']);
    } finally {
      socket.close();
    }
    await until(() => server.closeCodes.get(1) === 1000, 5000, 'the socket to close');
  });
});
