/**
 * The closing window: the server's close frame has arrived (the runtime socket is CLOSING and
 * discards what it is given) but the close event has not fired, so the state is still `open`.
 * What is sent then must wait for the next connection, or be reported; never vanish. The same
 * for `ReactiveWebSocket`, the callback facade and the drop-in's `resilient()` outbox.
 */
import type { Subscription } from 'rxjs';
import { WebSocket } from 'ws';
import {
  ReactiveWebSocket,
  SocketClosedError,
  jsonDeserializer,
  jsonSerializer,
  websocket,
  type SocketErrorEvent,
} from '../../lib/index.js';
import { resilient, webSocket } from '../../lib/rxjs.js';
import { CLOSING_NOTICE, startClosingWindowServer, type ClosingWindowServer } from '../support/closing-window-server.js';
import { all, deferred, first, until } from '../support/wait.js';

const FAST = { initialDelay: 10, maxDelay: 10 };
let server: ClosingWindowServer;
const cleanup: Array<() => unknown> = [];

beforeEach(async () => {
  server = await startClosingWindowServer();
});
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
  await server.close();
});

function reactive(reconnect: typeof FAST | false): ReactiveWebSocket<string, string> {
  const socket = new ReactiveWebSocket<string, string>({
    url: server.url,
    WebSocketCtor: WebSocket,
    serializer: jsonSerializer,
    deserializer: jsonDeserializer,
    reconnect,
  });
  cleanup.push(async () => {
    socket.close();
    await all(socket.state$);
  });
  return socket;
}

/** Sends `message` from the check phase of the turn that read the notice and the close frame: inside the window. */
function sendInWindow(send: (message: string) => void, message = 'in the window'): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      send(message);
      resolve();
    }),
  );
}

describe('ReactiveWebSocket in the closing window', () => {
  it('keeps a message sent while the close frame is in and the close event is not, and sends it on the next connection', async () => {
    const socket = reactive(FAST);
    await first(socket.open$);
    const states: string[] = [];
    const notice = first(socket.messages$);
    server.closeWithNotice();
    expect(await notice).toBe(CLOSING_NOTICE);
    await sendInWindow((message) => {
      states.push(socket.state);
      socket.send(message);
    });
    await until(() => server.received.length === 2 && server.received[1].length === 1, 3000, 'the message on the second connection');
    expect(states).toEqual(['open']); // the window: the runtime is closing, the close event has not come
    expect(server.received).toEqual([[], [JSON.stringify('in the window')]]);
  });

  it('with reconnect off, reports the message on error$ in the SocketClosedError that lists what was not sent', async () => {
    const socket = reactive(false);
    await first(socket.open$);
    const errors: SocketErrorEvent[] = [];
    socket.error$.subscribe((event) => errors.push(event));
    const notice = first(socket.messages$);
    server.closeWithNotice();
    await notice;
    await sendInWindow((message) => socket.send(message));
    await all(socket.state$);
    expect(errors).toHaveLength(1);
    const [{ error }] = errors;
    expect(error).toBeInstanceOf(SocketClosedError);
    expect((error as SocketClosedError).unsent).toEqual(['in the window']);
    expect(server.received).toEqual([[]]);
  });
});

describe('the callback facade in the closing window', () => {
  it('sends a message sent from a message handler’s next turn on the next connection, with reconnect on', async () => {
    const ws = websocket<string, string>(server.url, {
      WebSocketCtor: WebSocket,
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
      reconnect: FAST,
    });
    cleanup.push(async () => {
      ws.close();
      await all(ws.socket.state$);
    });
    const opened = deferred(5000, 'open');
    ws.bind('open', () => opened.resolve());
    ws.bind('message', (event) => {
      if (event.data === CLOSING_NOTICE) void sendInWindow((message) => ws.send(message));
    });
    await opened.promise;
    server.closeWithNotice();
    await until(() => server.received[1]?.length === 1, 3000, 'the message on the second connection');
    expect(server.received).toEqual([[], [JSON.stringify('in the window')]]);
  });
});

describe('webSocket(resilient({ buffer })) in the closing window', () => {
  it('keeps a value sent then in its outbox and sends it on the next connection', async () => {
    const opens: unknown[] = [];
    const reopened = deferred(5000, 'the second open');
    const subject = webSocket<string>(
      resilient({
        url: server.url,
        WebSocketCtor: WebSocket,
        reconnect: FAST,
        buffer: { limit: 100 },
        openObserver: { next: (event) => opens.push(event) === 2 && reopened.resolve() },
      }),
    );
    const subscription: Subscription = subject.subscribe((value) => {
      if (value === CLOSING_NOTICE) void sendInWindow((message) => subject.next(message));
    });
    cleanup.push(() => subscription.unsubscribe());
    await until(() => opens.length === 1, 3000, 'the first open');
    server.closeWithNotice();
    await reopened.promise;
    await until(() => server.received[1]?.length === 1, 3000, 'the value on the second connection');
    expect(server.received).toEqual([[], [JSON.stringify('in the window')]]);
  });

  it('subscribes a multiplex topic made then exactly once on the next connection', async () => {
    const opens: unknown[] = [];
    const subject = webSocket<{ topic?: string } | string>(
      resilient({ url: server.url, WebSocketCtor: WebSocket, reconnect: FAST, openObserver: { next: (event) => opens.push(event) } }),
    );
    const subscriptions: Subscription[] = [];
    cleanup.push(() => subscriptions.forEach((subscription) => subscription.unsubscribe()));
    subscriptions.push(
      subject.subscribe((value) => {
        if (value !== CLOSING_NOTICE) return;
        setImmediate(() =>
          subscriptions.push(
            subject
              .multiplex(
                () => ({ sub: 'prices' }),
                () => ({ unsub: 'prices' }),
                (update) => typeof update === 'object' && update.topic === 'prices',
              )
              .subscribe(),
          ),
        );
      }),
    );
    await until(() => opens.length === 1, 3000, 'the first open');
    server.closeWithNotice();
    await until(() => opens.length === 2 && server.received[1]?.length > 0, 3000, 'the subscription on the second connection');
    // One more message through the same connection, so that a second copy would have arrived before it.
    subject.next('marker');
    await until(() => server.received[1].includes(JSON.stringify('marker')), 3000, 'the marker');
    expect(server.received[1]).toEqual([JSON.stringify({ sub: 'prices' }), JSON.stringify('marker')]);
  });
});
