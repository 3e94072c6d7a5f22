/**
 * The same behaviour, checked once for both (issue 18): every feature `ReactiveWebSocket` and the
 * drop-in's `webSocket(resilient(…))` share runs against each of them, through the adapters of
 * spec/support/feature-adapters.ts, with the same settings and the same expectations. Real `ws`
 * servers on 127.0.0.1 where the network is the point; fake sockets and timers where time-based
 * policy is (backoff, stableAfter, delivery.timeout, request timers, the reconnect wait).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, forkJoin } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import {
  BufferOverflowError,
  CLOSE_CODE_HEARTBEAT_TIMEOUT,
  ConnectionError,
  ReconnectError,
  RequestTimeoutError,
  type OverflowPolicy,
  type SocketCloseEvent,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { startAckServer } from '../support/ack-server.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { startEchoServer } from '../support/echo-server.js';
import { fakeSockets, type FakeSocket, type RecordingCtor } from '../support/fake-socket.js';
import { FEATURE_ADAPTERS, type FeatureConfig, type FeatureSocket } from '../support/feature-adapters.js';
import { startRefusingServer } from '../support/refusing-server.js';
import { SlowLink } from '../support/slow-link.js';
import { summary } from '../support/summary.js';
import { until } from '../support/wait.js';
import { startTopicServer } from '../rxjs/topic-server.js';

interface Message {
  readonly id: number;
}
interface Ack {
  readonly ack: number;
}
interface Call {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly method: string;
  readonly params: number[];
}
interface Reply {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly result: number;
}

/** What shouldReconnect was called with. */
interface Asked {
  readonly close: SocketCloseEvent;
  readonly error: ConnectionError | undefined;
}

const WS = WebSocket as unknown as WebSocketConstructor;
// How an attempt that never opened ends: no close frame was exchanged.
const FAILED_ATTEMPT: SocketCloseEvent = { type: 'close', code: 1006, reason: '', wasClean: false };

// Run after each test, last registered first: sockets end before the servers they talk to close.
const teardowns: Array<() => Promise<void> | void> = [];
function later(teardown: () => Promise<void> | void): void {
  teardowns.push(teardown);
}
afterEach(async () => {
  for (const teardown of teardowns.splice(0).reverse()) await teardown();
});

/** Ends a socket as a user does, and waits until it has ended for good. */
async function end(socket: FeatureSocket<unknown, unknown>): Promise<void> {
  socket.stop();
  await until(() => socket.ended, 5000, 'the socket to end');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe.each(FEATURE_ADAPTERS)('$api', (adapter) => {
  /** A socket of this API, ended after the test. */
  function make<In, Out>(config: FeatureConfig<In, Out>): FeatureSocket<In, Out> {
    const socket = adapter.make(config);
    later(() => end(socket));
    return socket;
  }

  /** Records every call of shouldReconnect, and answers with `answer`. */
  function asking(asked: Asked[], answer: (close: SocketCloseEvent, error?: ConnectionError) => boolean) {
    return (close: SocketCloseEvent, error?: ConnectionError): boolean => {
      asked.push({ close, error });
      return answer(close, error);
    };
  }

  describe('reconnect policy', () => {
    it('passes shouldReconnect the close and a ConnectionError with status 401 for a refused handshake, and declining makes exactly one attempt', async () => {
      const server = await startRefusingServer(401);
      later(() => server.close());
      const asked: Asked[] = [];
      const socket = make({
        url: server.url,
        WebSocketCtor: WS,
        reconnect: { initialDelay: 0, shouldReconnect: asking(asked, (_close, error) => error?.status !== 401) },
      });

      await until(() => socket.ended, 5000, 'the socket to end');

      expect(asked).toHaveLength(1);
      expect(asked[0].close).toEqual(FAILED_ATTEMPT);
      expect(asked[0].error).toBeInstanceOf(ConnectionError);
      expect(asked[0].error!.status).toBe(401);
      expect(server.upgrades).toBe(1);
      expect(socket.reconnects).toEqual([]);
      expect(socket.opens).toBe(0);
      expect(socket.closes).toEqual([expect.objectContaining({ code: 1006, wasClean: false })]);
    });

    it('retries a handshake refused with 503, passing each attempt its own ConnectionError', async () => {
      const server = await startRefusingServer(503);
      later(() => server.close());
      const asked: Asked[] = [];
      const socket = make({
        url: server.url,
        WebSocketCtor: WS,
        reconnect: { initialDelay: 5, maxDelay: 10, shouldReconnect: asking(asked, (_close, error) => error?.status !== 401) },
      });

      await until(() => socket.reconnects.length >= 3, 5000, 'three reconnects');

      expect(asked.slice(0, 3).map(({ close, error }) => [close, error?.status])).toEqual([
        [FAILED_ATTEMPT, 503],
        [FAILED_ATTEMPT, 503],
        [FAILED_ATTEMPT, 503],
      ]);
      expect(new Set(asked.map(({ error }) => error)).size).toBe(asked.length);
      expect(socket.reconnects.slice(0, 3).map((event) => event.attempt)).toEqual([1, 2, 3]);
      expect(server.upgrades).toBeGreaterThanOrEqual(3);
      expect(socket.ended).toBe(false);
    });

    it('gives up with a ReconnectError once reconnect.attempts attempts in a row have failed', async () => {
      const server = await startRefusingServer(503);
      later(() => server.close());
      const socket = make({ url: server.url, WebSocketCtor: WS, reconnect: { initialDelay: 5, maxDelay: 10, attempts: 2 } });

      await until(() => socket.ended, 5000, 'the socket to give up');

      expect(server.upgrades).toBe(3);
      expect(socket.reconnects.map((event) => event.attempt)).toEqual([1, 2]);
      expect(socket.closes).toHaveLength(3);
      // Every close is told before the end is: the last one too.
      expect(socket.closesWhenEnded).toBe(3);
      const gaveUp = socket.errors.filter((error) => error instanceof ReconnectError);
      expect(gaveUp).toHaveLength(1);
      expect(socket.errors.at(-1)).toBe(gaveUp[0]);
      expect(gaveUp[0]).toMatchObject({ attempts: 2 });
      expect(gaveUp[0].message).toMatch(
        /gave up reconnecting to ws:\/\/127\.0\.0\.1:\d+\/feed after 2 attempts: the last close had code 1006/,
      );
    });
  });

  describe('time-based policy, under fake sockets and timers', () => {
    let sockets: RecordingCtor<FakeSocket>;
    let made: Array<FeatureSocket<unknown, unknown>>;
    beforeEach(() => {
      jest.useFakeTimers();
      sockets = fakeSockets();
      made = [];
    });
    afterEach(() => {
      for (const socket of made) socket.stop();
      for (const socket of sockets.made) if (socket.readyState < 3) socket.closed();
      for (const socket of made) expect(socket.ended).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
      jest.useRealTimers();
    });
    function fake<In, Out>(config: Omit<FeatureConfig<In, Out>, 'url' | 'WebSocketCtor'>): FeatureSocket<In, Out> {
      const socket = adapter.make<In, Out>({ url: 'ws://127.0.0.1:9/', WebSocketCtor: sockets.WebSocketCtor, ...config });
      made.push(socket);
      return socket;
    }

    it('waits exactly each delay drawn: full jitter under a cap that grows by factor up to maxDelay', () => {
      const draws = [0.999, 0.5, 0, 0.999, 0.25];
      const caps = [100, 200, 400, 400, 400];
      let drawn = 0;
      const socket = fake({ reconnect: { initialDelay: 100, maxDelay: 400, factor: 2, random: () => draws[drawn++] } });

      for (const [i, cap] of caps.entries()) {
        const attempt = i + 1;
        sockets.made.at(-1)!.closed(1006, '', false);
        const delay = Math.floor(draws[i] * cap);
        expect(socket.reconnects.at(-1)).toEqual({ attempt, delay });
        if (delay > 0) {
          jest.advanceTimersByTime(delay - 1);
          expect(sockets.made).toHaveLength(attempt);
        }
        jest.advanceTimersByTime(1);
        expect(sockets.made).toHaveLength(attempt + 1);
      }
      expect(socket.reconnects.map((event) => event.delay)).toEqual([99, 100, 0, 399, 100]);
    });

    it('starts counting attempts again after a connection that stayed open stableAfter ms, and not after a shorter one', () => {
      const socket = fake({ reconnect: { initialDelay: 100, maxDelay: 100, stableAfter: 1000, random: () => 0.5 } });
      // Opens (unless `lifetime` is undefined: refused), stays open `lifetime` ms, drops; then the reconnect comes.
      const connection = (lifetime: number | undefined) => {
        const current = sockets.made.at(-1)!;
        if (lifetime !== undefined) {
          current.open();
          jest.advanceTimersByTime(lifetime);
        }
        current.closed(1006, '', false);
        jest.advanceTimersByTime(50);
      };

      connection(10);
      connection(999);
      connection(undefined);
      connection(1000);

      expect(socket.reconnects.map((event) => event.attempt)).toEqual([1, 2, 3, 1]);
      expect(socket.opens).toBe(3);
    });

    it('sends a message again on the same connection when delivery.timeout passes without its acknowledgement, and not after it', () => {
      const socket = fake<Ack, Message>({
        reconnect: false,
        delivery: { id: (message) => message.id, ackOf: (reply) => reply.ack, timeout: 500 },
      });
      const wire = sockets.made[0];
      wire.open();

      socket.send({ id: 1 });
      jest.advanceTimersByTime(499);
      expect(wire.sent).toEqual(['{"id":1}']);
      jest.advanceTimersByTime(1);
      expect(wire.sent).toEqual(['{"id":1}', '{"id":1}']);
      wire.receive('{"ack":1}');
      jest.advanceTimersByTime(5000);

      expect(wire.sent).toHaveLength(2);
      expect(socket.messages).toEqual([{ ack: 1 }]);
      expect(sockets.made).toHaveLength(1);
    });

    it('stops waiting to reconnect on close(): it ends at once, with no timer left and no further socket', () => {
      const socket = fake({ reconnect: { initialDelay: 1000, maxDelay: 1000, random: () => 0.5 } });
      sockets.made[0].open();
      sockets.made[0].closed(1006, '', false);
      expect(socket.reconnects).toEqual([{ attempt: 1, delay: 500 }]);

      socket.stop();

      expect(socket.ended).toBe(true);
      // No connection was open, so no close is told of: the one that started the wait was told already.
      expect(socket.closes).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(10_000);
      expect(sockets.made).toHaveLength(1);
    });

    it('rejects request options it cannot use at the call, with a TypeError, and sends nothing', () => {
      const socket = fake<Message, Message>({ reconnect: false });
      sockets.made[0].open();

      for (const options of [{ match: undefined as never }, { match: () => true, timeout: 0 }, { match: () => true, timeout: -1 }]) {
        expect(() => socket.request({ id: 1 }, options)).toThrow(TypeError);
      }
      expect(sockets.made[0].sent).toEqual([]);
    });

    it('fails a request with a RequestTimeoutError after 10 s when no timeout is given', () => {
      const socket = fake<Message, Message>({ reconnect: false });
      sockets.made[0].open();
      let failure: unknown;

      socket.request({ id: 1 }, { match: (reply) => reply.id === 1 }).subscribe({ error: (error: unknown) => (failure = error) });
      jest.advanceTimersByTime(9_999);
      expect(failure).toBeUndefined();
      jest.advanceTimersByTime(1);

      expect(failure).toBeInstanceOf(RequestTimeoutError);
      expect(failure).toMatchObject({ timeout: 10_000, request: { id: 1 } });
    });

    it('cancels a request on unsubscribe: its timer is gone, and a late reply reaches only the socket’s own subscribers', () => {
      const socket = fake<Message, Message>({ reconnect: false });
      sockets.made[0].open();
      const timers = jest.getTimerCount();
      const replies: Message[] = [];
      let failure: unknown;

      const pending = socket
        .request({ id: 1 }, { match: (reply) => reply.id === 1, timeout: 1000 })
        .subscribe({ next: (reply) => replies.push(reply), error: (error: unknown) => (failure = error) });
      expect(sockets.made[0].sent).toEqual(['{"id":1}']);
      expect(jest.getTimerCount()).toBe(timers + 1);
      pending.unsubscribe();
      expect(jest.getTimerCount()).toBe(timers);
      sockets.made[0].receive('{"id":1}');
      jest.advanceTimersByTime(1000);

      expect(replies).toEqual([]);
      expect(failure).toBeUndefined();
      expect(socket.messages).toEqual([{ id: 1 }]);
      expect(socket.ended).toBe(false);
    });
  });

  describe('heartbeat', () => {
    const INTERVAL = 200;
    const TIMEOUT = 300;

    it('keeps open a connection whose server answers the pings, closes it with 4010 once the server falls silent, and replaces it', async () => {
      const echo = await startEchoServer();
      later(() => echo.close());
      const proxy = await ChaosProxy.start(Number(new URL(echo.url).port));
      later(() => proxy.close());
      const asked: Asked[] = [];
      const socket = make<string, string>({
        url: proxy.url,
        WebSocketCtor: WS,
        reconnect: { initialDelay: 50, maxDelay: 50, shouldReconnect: asking(asked, () => true) },
        heartbeat: { interval: INTERVAL, timeout: TIMEOUT, message: 'ping', isPong: (message) => message === 'ping' },
      });
      const pings = () => echo.received.filter((message) => message === '"ping"').length;

      // Three answered pings take longer than interval + timeout: an answering server is not presumed dead.
      await until(() => pings() >= 3, 5000, 'three pings answered');
      expect(socket.closes).toEqual([]);
      const silentFrom = Date.now();
      proxy.blackhole();
      await until(() => socket.closes.length === 1, 5000, 'the silent connection to be closed');
      const detectedAfter = socket.closes[0].at - silentFrom;
      proxy.heal();
      await until(() => socket.opens === 2, 5000, 'the replacement connection');
      socket.send('after');
      await until(() => socket.messages.length === 1, 5000, 'an echo on the new connection');

      summary(`parity heartbeat ${adapter.api}`, { 'detect-ms': detectedAfter, pings: pings() });
      expect(socket.closes[0]).toMatchObject({ code: CLOSE_CODE_HEARTBEAT_TIMEOUT, reason: 'heartbeat timeout', wasClean: false });
      // Bytes already on their way when the proxy fell silent may still arrive: a margin on interval + timeout.
      expect(detectedAfter).toBeLessThanOrEqual(INTERVAL + TIMEOUT + 300);
      expect(asked).toHaveLength(1);
      expect(asked[0].close).toMatchObject({ code: CLOSE_CODE_HEARTBEAT_TIMEOUT, wasClean: false });
      expect(asked[0].error).toBeInstanceOf(ConnectionError);
      expect(asked[0].error!.message).toMatch(/presumed dead/);
      expect(socket.reconnects.map((event) => event.attempt)).toEqual([1]);
      // The pongs were kept from the subscribers.
      expect(socket.messages).toEqual(['after']);
    });

    it('keeps a connection open while one message takes far longer than interval + timeout to go out over a slow link', async () => {
      const RATE = 1024 * 1024; // bytes per second, each way
      const UPLOAD = 1280 * 1024; // about 1.3 s on the link
      const SHORT = { interval: 250, timeout: 250 }; // far shorter than the transfer
      // Answers the ping with itself, and anything else with its size.
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(server, 'listening');
      later(() => new Promise<void>((resolve) => server.close(() => resolve())));
      later(() => server.clients.forEach((client) => client.terminate()));
      server.on('connection', (client) =>
        client.on('message', (data: Buffer) =>
          client.send(data.toString() === '"ping"' ? '"ping"' : JSON.stringify({ received: data.length })),
        ),
      );
      const link = await SlowLink.start((server.address() as AddressInfo).port, RATE);
      later(() => link.close());
      const socket = make<string | { received: number }, string>({
        url: link.url,
        WebSocketCtor: link.WebSocketCtor,
        reconnect: false,
        heartbeat: { ...SHORT, message: 'ping', isPong: (message) => message === 'ping' },
      });
      await until(() => socket.opens === 1, 5000, 'open');
      const started = Date.now();

      socket.send('x'.repeat(UPLOAD));
      await until(() => socket.messages.length > 0 || socket.closes.length > 0, 10_000, 'the reply or a close');

      const ms = Date.now() - started;
      summary(`parity heartbeat-upload ${adapter.api}`, { bytes: UPLOAD, 'transfer-ms': ms, closes: socket.closes.length });
      expect(socket.closes).toEqual([]);
      expect(socket.messages).toEqual([{ received: UPLOAD + 2 }]);
      expect(ms).toBeGreaterThan(2 * (SHORT.interval + SHORT.timeout)); // the link was slow enough to matter
      expect(socket.ended).toBe(false);
    });
  });

  describe('outbox', () => {
    it.each<[OverflowPolicy, number[], number[], number[]]>([
      // policy, delivered, dropped, thrown
      ['error', [0, 1, 2], [], [3, 4]],
      ['drop-oldest', [2, 3, 4], [0, 1], []],
      ['drop-newest', [0, 1, 2], [3, 4], []],
    ])(
      "with buffer.limit 3 and overflow '%s', holds what the server cannot take yet and sends it in order after the reconnect",
      async (overflow, delivered, dropped, thrown) => {
        const server = await startAckServer({ acknowledge: false });
        later(() => server.close());
        const proxy = await ChaosProxy.start(server.port);
        later(() => proxy.close());
        await proxy.refuse();
        const socket = make<Ack, Message>({
          url: proxy.url,
          WebSocketCtor: WS,
          reconnect: { initialDelay: 20, maxDelay: 50 },
          buffer: { limit: 3, overflow },
        });
        await until(() => socket.reconnects.length >= 1, 5000, 'a refused attempt');

        const threw: number[] = [];
        for (const id of range(0, 5)) {
          try {
            socket.send({ id });
          } catch (error) {
            expect(error).toBeInstanceOf(BufferOverflowError);
            threw.push(id);
          }
        }
        await proxy.accept();
        await until(() => server.firstArrivals.length === delivered.length, 5000, 'the held messages');

        expect(server.firstArrivals).toEqual(delivered);
        expect(socket.dropped.map((message) => message.id)).toEqual(dropped);
        expect(threw).toEqual(thrown);
        expect(server.duplicates).toBe(0);
        expect(socket.opens).toBe(1);
      },
    );
  });

  describe('delivery', () => {
    it('re-sends on the next connection what was not acknowledged, so after a cut every message arrives once, in order', async () => {
      const server = await startAckServer();
      later(() => server.close());
      const proxy = await ChaosProxy.start(server.port);
      later(() => proxy.close());
      const socket = make<Ack, Message>({
        url: proxy.url,
        WebSocketCtor: WS,
        reconnect: { initialDelay: 100, maxDelay: 100, random: () => 0.5 },
        delivery: { id: (message) => message.id, ackOf: (reply) => reply.ack },
      });
      await until(() => socket.opens === 1, 5000, 'open');

      for (const id of range(0, 5)) socket.send({ id });
      await until(() => socket.messages.length === 5, 5000, 'five acknowledgements');
      // Swallowed by the proxy: handed to the open socket, never delivered, never acknowledged.
      proxy.blackhole();
      for (const id of range(5, 10)) socket.send({ id });
      proxy.cut();
      await until(() => socket.closes.length === 1, 5000, 'the cut');
      proxy.heal();
      for (const id of range(10, 15)) socket.send({ id });
      await until(() => socket.messages.length === 15, 5000, 'every acknowledgement');

      expect(server.firstArrivals).toEqual(range(0, 15));
      expect(server.duplicates).toBe(0);
      expect(server.connections).toBe(2);
      expect(socket.opens).toBe(2);
      expect(socket.messages.map((reply) => reply.ack)).toEqual(range(0, 15));
    });
  });

  describe('request', () => {
    it('emits the reply match() accepts, whatever order the replies come back in', async () => {
      const server = await startTopicServer();
      later(() => server.close());
      const socket = make<Reply, Call>({ url: server.url, WebSocketCtor: WS, reconnect: false });
      const call = (id: number, params: number[]) =>
        socket.request({ jsonrpc: '2.0', id, method: 'subtract', params }, { match: (reply) => reply.id === id, timeout: 5000 });

      // The first call is answered 50 ms late, after the second.
      const [slow, fast] = await firstValueFrom(forkJoin([call(1, [42, 23, 50]), call(2, [5, 3])]));

      expect(slow).toEqual({ jsonrpc: '2.0', id: 1, result: 19 });
      expect(fast).toEqual({ jsonrpc: '2.0', id: 2, result: 2 });
      expect(socket.messages.map((reply) => reply.id)).toEqual([2, 1]);
      expect(server.log).toEqual(['1 call subtract 1', '1 call subtract 2']);
    });

    it('fails with a RequestTimeoutError naming the request when no reply comes within timeout, and the socket stays open', async () => {
      const server = await startTopicServer();
      later(() => server.close());
      const socket = make<Reply, Call>({ url: server.url, WebSocketCtor: WS, reconnect: false });
      const started = Date.now();

      const failure = await firstValueFrom(
        socket.request({ jsonrpc: '2.0', id: 7, method: 'ignore', params: [] }, { match: (reply) => reply.id === 7, timeout: 150 }),
      ).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(RequestTimeoutError);
      expect(failure).toMatchObject({ timeout: 150, request: { id: 7, method: 'ignore' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
      expect(server.log).toEqual(['1 call ignore 7']);
      expect(socket.ended).toBe(false);
      expect(socket.closes).toEqual([]);
    });
  });

  describe('close', () => {
    it('closes an open connection with code 1000, which the server sees, and ends without reconnecting', async () => {
      const echo = await startEchoServer();
      later(() => echo.close());
      const socket = make<string, string>({ url: echo.url, WebSocketCtor: WS, reconnect: { initialDelay: 0, maxDelay: 0 } });
      await until(() => socket.opens === 1, 5000, 'open');
      const seenByServer = once(echo.connections[0], 'close');

      socket.stop();
      await until(() => socket.ended, 5000, 'the end');

      expect(socket.closes).toEqual([{ code: 1000, reason: '', wasClean: true, at: expect.any(Number) as number }]);
      expect((await seenByServer)[0]).toBe(1000);
      expect(socket.reconnects).toEqual([]);
      expect(echo.connections).toHaveLength(1);
    });
  });

  describe('connectTimeout', () => {
    it('fails an attempt whose handshake is never answered after about connectTimeout, drops its socket, and the next attempt follows', async () => {
      const echo = await startEchoServer();
      later(() => echo.close());
      const proxy = await ChaosProxy.start(Number(new URL(echo.url).port));
      later(() => proxy.close());
      proxy.acceptButNeverUpgrade();
      const made: WebSocket[] = [];
      class Tracked extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols);
          made.push(this);
        }
      }
      const asked: Asked[] = [];
      const started = Date.now();
      const socket = make<string, string>({
        url: proxy.url,
        WebSocketCtor: Tracked,
        connectTimeout: 300,
        reconnect: { initialDelay: 50, maxDelay: 50, shouldReconnect: asking(asked, () => true) },
      });

      await until(() => socket.closes.length === 1, 3000, 'the first attempt to fail');
      const failedAfter = socket.closes[0].at - started;
      await until(() => made[0].readyState === WebSocket.CLOSED, 1000, 'the abandoned socket to close');
      await until(() => proxy.accepted === 2, 1000, 'the next attempt');
      const nextAfter = Date.now() - socket.closes[0].at;
      proxy.heal();
      // The second attempt was accepted while the handshake still hung, so it fails too; the third opens.
      await until(() => socket.opens === 1, 3000, 'an attempt to open');

      summary(`parity connect-timeout ${adapter.api}`, { 'failed-after-ms': failedAfter, 'next-after-ms': nextAfter });
      expect(socket.closes[0]).toMatchObject({ code: 1006, wasClean: false });
      expect(failedAfter).toBeGreaterThanOrEqual(290);
      expect(failedAfter).toBeLessThanOrEqual(300 + 400);
      expect(nextAfter).toBeLessThanOrEqual(50 + 300);
      expect(socket.closes[1].at - socket.closes[0].at).toBeGreaterThanOrEqual(290);
      expect(asked.map(({ close }) => close)).toEqual([FAILED_ATTEMPT, FAILED_ATTEMPT]);
      expect(asked[0].error).toBeInstanceOf(ConnectionError);
      expect(asked[0].error!.message).toMatch(/did not open within 300 ms \(connectTimeout\)/);
      expect(socket.reconnects.map((event) => event.attempt)).toEqual([1, 2]);
      expect(proxy.accepted).toBe(3);
      expect(made).toHaveLength(3);
    });
  });
});
