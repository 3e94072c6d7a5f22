/**
 * Faults mutation testing found the rest of the suite missing (issue 11), on a real `ws` server.
 * Each test goes through the public API only.
 */
import { Subscription } from 'rxjs';
import { WebSocket } from 'ws';
import {
  ReactiveWebSocket,
  jsonDeserializer,
  jsonSerializer,
  type ReconnectEvent,
  type SocketState,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { all, deferred, first, until } from '../support/wait.js';

let echo: EchoServer;
/** Every socket a test made, closed after it even when it failed half-way (a reconnecting socket would keep jest alive). */
const sockets: Array<Pick<ReactiveWebSocket, 'close' | 'state$'>> = [];
function tracked<S extends Pick<ReactiveWebSocket, 'close' | 'state$'>>(socket: S): S {
  sockets.push(socket);
  return socket;
}
beforeEach(async () => {
  echo = await startEchoServer();
});
afterEach(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(sockets.splice(0).map((socket) => all(socket.state$)));
  await echo.close();
});

describe('delivery.timeout on an open connection', () => {
  interface Message {
    readonly id: number;
  }
  interface Reply {
    readonly ack?: number;
    readonly id?: number;
  }
  const TIMEOUT = 150;

  // The time policy runs on a fake clock (Date and the timers), the connection on real I/O: a
  // re-send happens exactly when the clock is moved past the timeout, however loaded the machine.
  // The waits for the server are bounded by performance.now(), which stays real.
  let subscriptions: Subscription;
  beforeEach(() => {
    subscriptions = new Subscription();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'performance', 'hrtime'] });
  });
  afterEach(() => {
    // Even when the test failed half-way: its reaction to an acknowledgement would send on the
    // socket closed after it, and throw.
    subscriptions.unsubscribe();
    jest.useRealTimers();
  });

  it('sends an unacknowledged message again exactly timeout after it went out, on the same connection, and not after its acknowledgement', async () => {
    // The server ignores the first copy of each id and acknowledges the second (the echo server also echoes both).
    const arrivals: number[] = [];
    echo.server.on('connection', (client) =>
      client.on('message', (data: Buffer) => {
        const { id } = JSON.parse(data.toString()) as Message;
        arrivals.push(id);
        if (arrivals.filter((arrival) => arrival === id).length === 2) client.send(JSON.stringify({ ack: id }));
      }),
    );
    // The ids the client hands to its runtime socket, in order: read where the library decides to send.
    const handed: number[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: string): void {
        handed.push((JSON.parse(data) as Message).id);
        super.send(data);
      }
    }
    const socket = tracked(
      new ReactiveWebSocket<Reply, Message>({
        url: echo.url,
        WebSocketCtor: RecordingWebSocket as unknown as WebSocketConstructor,
        serializer: jsonSerializer,
        deserializer: jsonDeserializer,
        delivery: { id: (message) => message.id, ackOf: (reply) => reply.ack, timeout: TIMEOUT },
        reconnect: { initialDelay: 50, maxDelay: 50 },
      }),
    );
    const reconnects: ReconnectEvent[] = [];
    subscriptions.add(socket.reconnect$.subscribe((event) => reconnects.push(event)));
    // Message 2 goes out when 1 is acknowledged.
    subscriptions.add(
      socket.messages$.subscribe((reply) => {
        if (reply.ack === 1) socket.send({ id: 2 });
      }),
    );

    socket.send({ id: 1 });
    await until(() => handed.length === 1, 3000, 'message 1 to go out on open');
    jest.advanceTimersByTime(TIMEOUT - 1);
    expect(handed).toEqual([1]);
    jest.advanceTimersByTime(1);
    expect(handed).toEqual([1, 1]);

    // The server acknowledges the second copy of 1; 2 goes out then. A timeout later, only 2 goes out again.
    await until(() => handed.length === 3, 3000, 'the acknowledgement of message 1');
    expect(handed).toEqual([1, 1, 2]);
    jest.advanceTimersByTime(TIMEOUT - 1);
    expect(handed).toEqual([1, 1, 2]);
    jest.advanceTimersByTime(1);
    expect(handed).toEqual([1, 1, 2, 2]);

    // Once 2 is acknowledged too, nothing goes out again, however long the clock runs.
    await until(() => socket.pending === 0, 3000, 'the acknowledgement of message 2');
    jest.advanceTimersByTime(10 * TIMEOUT);
    expect(handed).toEqual([1, 1, 2, 2]);
    expect(arrivals).toEqual([1, 1, 2, 2]);
    expect(echo.connections).toHaveLength(1);
    expect(reconnects).toEqual([]);
    socket.close();
    await until(() => socket.state === 'closed', 3000, 'the close');
  });
});

describe('close() from a reconnect$ subscriber', () => {
  it('ends in closed, and no new connection reaches the server', async () => {
    const socket = tracked(
      new ReactiveWebSocket<string, string>({
        url: echo.url,
        WebSocketCtor: WebSocket,
        // random 0: the delay is 0, so a reconnect that should not happen would come at once.
        reconnect: { initialDelay: 50, maxDelay: 50, random: () => 0 },
      }),
    );
    const reconnects: ReconnectEvent[] = [];
    socket.reconnect$.subscribe((event) => {
      reconnects.push(event);
      socket.close();
    });
    await first(socket.open$);
    const states = all(socket.state$);
    echo.connections[0].terminate();
    expect(await states).toEqual(['open', 'reconnecting', 'closed']);
    expect(reconnects).toEqual([{ attempt: 1, delay: 0 }]);

    // Watching for a connection that must not come: a bounded window, well past the 0 ms delay.
    const connection = deferred(200, 'a connection that must not come');
    echo.server.once('connection', () => connection.resolve());
    await expect(connection.promise).rejects.toThrow(/timed out/);
    expect(echo.connections).toHaveLength(1);
    expect(socket.state).toBe('closed');
  });
});

describe('send() while messages are still queued', () => {
  it('does not overtake them: a send from a state$ subscriber on open arrives after what was queued', async () => {
    const socket = tracked(new ReactiveWebSocket<string, string>({ url: echo.url, WebSocketCtor: WebSocket }));
    const states: SocketState[] = [];
    socket.state$.subscribe((state) => {
      states.push(state);
      if (state === 'open') socket.send('c');
    });
    socket.send('a');
    socket.send('b');
    await until(() => echo.received.length === 3, 2000, 'three messages');
    socket.send('d');
    await until(() => echo.received.length === 4, 2000, 'the fourth message');
    expect(echo.received).toEqual(['a', 'b', 'c', 'd']);
    expect(states).toEqual(['connecting', 'open']);
    socket.close();
    await all(socket.state$);
  });
});

describe('ws listeners across reconnects', () => {
  const made: WebSocket[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  }

  it('leaves no listener on any socket a connection lost to the server, nor on the last after close()', async () => {
    made.length = 0;
    const socket = tracked(
      new ReactiveWebSocket<string, string>({
        url: echo.url,
        WebSocketCtor: TrackedWebSocket as unknown as WebSocketConstructor,
        reconnect: { initialDelay: 10, maxDelay: 10, random: () => 0 },
      }),
    );
    const counts = (ws: WebSocket) => ({
      open: ws.listenerCount('open'),
      message: ws.listenerCount('message'),
      error: ws.listenerCount('error'),
      close: ws.listenerCount('close'),
    });
    const none = { open: 0, message: 0, error: 0, close: 0 };

    await first(socket.open$);
    // The live socket is listened to on each event, so a count of 0 below means removed, not never added.
    expect(counts(made[0])).toEqual({ open: 1, message: 1, error: 1, close: 1 });
    let reopened = first(socket.open$);
    echo.connections[0].terminate();
    await reopened;
    reopened = first(socket.open$);
    echo.connections[1].close(1001, 'going away');
    await reopened;
    expect(made).toHaveLength(3);
    expect(counts(made[0])).toEqual(none);
    expect(counts(made[1])).toEqual(none);
    expect(counts(made[2])).toEqual({ open: 1, message: 1, error: 1, close: 1 });

    socket.close();
    await all(socket.state$);
    for (const ws of made) {
      expect(ws.readyState).toBe(WebSocket.CLOSED);
      expect(counts(ws)).toEqual(none);
    }
  });
});
