/**
 * A server that answers the WebSocket upgrade with an HTTP error instead of 101: the
 * ConnectionError says the status and what to do about it, and `shouldReconnect` can see it,
 * to stop on an authentication failure and keep retrying a server error.
 */
import { ConnectionError, ReactiveWebSocket, type ReconnectEvent, type SocketCloseEvent, type SocketState } from '../../lib/index.js';
import { resilient, webSocket } from '../../lib/rxjs.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { startRefusingServer, type RefusingServer } from '../support/refusing-server.js';
import { all, deferred, until } from '../support/wait.js';

let server: RefusingServer;
const sockets: Array<ReactiveWebSocket<unknown, unknown>> = [];

function socketTo(config: Partial<ConstructorParameters<typeof ReactiveWebSocket>[0] & object> = {}): {
  socket: ReactiveWebSocket;
  errors: Error[];
  states: SocketState[];
} {
  const socket = new ReactiveWebSocket({ url: server.url, WebSocketCtor, reconnect: false, ...config });
  sockets.push(socket);
  const errors: Error[] = [];
  const states: SocketState[] = [];
  socket.error$.subscribe((event) => errors.push(event.error));
  socket.state$.subscribe((state) => states.push(state));
  return { socket, errors, states };
}

/** Stops retrying on a refused authentication, as the README shows. */
function unlessUnauthorized(_close: SocketCloseEvent, error?: Error): boolean {
  return !(error instanceof ConnectionError && (error.status === 401 || error.status === 403));
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.close();
    await all(socket.state$);
  }
  await server.close();
});

describe('a handshake refused with HTTP 401 or 403', () => {
  it.each([401, 403])('is reported with status %i and advice about credentials, not about reaching the server', async (status) => {
    server = await startRefusingServer(status);
    const { socket, errors } = socketTo();
    await all(socket.state$);

    expect(errors).toHaveLength(1);
    const [error] = errors as ConnectionError[];
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.status).toBe(status);
    expect(error.message).toMatch(new RegExp(`HTTP ${status}\\b`));
    expect(error.message).toMatch(/credentials or token/);
    expect(error.message).not.toMatch(/running and reachable/);
    expect(error.message).not.toMatch(/\.\./);
  });

  it('lets shouldReconnect see the error and stop: one attempt, then closed for good', async () => {
    server = await startRefusingServer(401);
    const seen: Array<{ code: number; status: number | undefined }> = [];
    const { socket, states } = socketTo({
      reconnect: {
        initialDelay: 0,
        shouldReconnect: (close, error) => {
          seen.push({ code: close.code, status: error instanceof ConnectionError ? error.status : undefined });
          return unlessUnauthorized(close, error);
        },
      },
    });
    const reconnects: ReconnectEvent[] = [];
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    await all(socket.state$);

    expect(seen).toEqual([{ code: 1006, status: 401 }]);
    expect(reconnects).toEqual([]);
    expect(states).toEqual(['connecting', 'closed']);
    expect(server.upgrades).toBe(1);
  });
});

describe("the drop-in's resilient() against a handshake refused with HTTP 401", () => {
  it('passes the ConnectionError to shouldReconnect, which stops after one attempt as on ReactiveWebSocket', async () => {
    server = await startRefusingServer(401);
    const seen: Array<{ code: number; status: number | undefined }> = [];
    const subject = webSocket(
      resilient({
        url: server.url,
        WebSocketCtor,
        reconnect: {
          initialDelay: 0,
          shouldReconnect: (close, error) => {
            seen.push({ code: close.code, status: error instanceof ConnectionError ? error.status : undefined });
            return unlessUnauthorized(close, error);
          },
        },
      }),
    );
    const ended = deferred<unknown>(5000, 'the subject to end');
    subject.subscribe({ error: (error: unknown) => ended.resolve(error), complete: () => ended.resolve('completed') });
    const error = await ended.promise;

    expect(seen).toEqual([{ code: 1006, status: 401 }]);
    expect(error).toMatchObject({ code: 1006, wasClean: false });
    expect(server.upgrades).toBe(1);
  });

  it('passes each attempt its own error: a 503 is retried with status 503 every time', async () => {
    server = await startRefusingServer(503);
    const statuses: Array<number | undefined> = [];
    const subject = webSocket(
      resilient({
        url: server.url,
        WebSocketCtor,
        reconnect: {
          initialDelay: 5,
          maxDelay: 10,
          shouldReconnect: (_close, error) => statuses.push(error instanceof ConnectionError ? error.status : undefined) > 0,
        },
      }),
    );
    const subscription = subject.subscribe({ error: () => undefined });
    await until(() => statuses.length >= 3, 5000, 'three attempts');
    subscription.unsubscribe();
    expect(statuses.slice(0, 3)).toEqual([503, 503, 503]);
  });
});

describe('a handshake refused with HTTP 404', () => {
  it('is reported with status 404 and advice to check the path', async () => {
    server = await startRefusingServer(404);
    const { socket, errors } = socketTo();
    await all(socket.state$);

    expect((errors[0] as ConnectionError).status).toBe(404);
    expect(errors[0].message).toMatch(/HTTP 404.*check the URL's path/);
  });
});

describe('a handshake refused with HTTP 503', () => {
  it('is reported as a server error and retried by the same shouldReconnect that stops on 401', async () => {
    server = await startRefusingServer(503);
    const statuses: Array<number | undefined> = [];
    const { socket, errors } = socketTo({
      reconnect: {
        initialDelay: 10,
        maxDelay: 20,
        shouldReconnect: (close, error) => {
          statuses.push(error instanceof ConnectionError ? error.status : undefined);
          return unlessUnauthorized(close, error);
        },
      },
    });
    await until(() => server.upgrades >= 3, 5000, 'three attempts');

    expect(socket.state).not.toBe('closed');
    expect(statuses.slice(0, 2)).toEqual([503, 503]);
    expect((errors[0] as ConnectionError).status).toBe(503);
    expect(errors[0].message).toMatch(/HTTP 503.*server error.*tries again/);
  });
});

describe('shouldReconnect with one parameter, as before', () => {
  it('still gets the close event and is obeyed', async () => {
    server = await startRefusingServer(503);
    const codes: number[] = [];
    const { socket, states } = socketTo({
      reconnect: {
        shouldReconnect: (close) => {
          codes.push(close.code);
          return false;
        },
      },
    });
    await all(socket.state$);
    expect(codes).toEqual([1006]);
    expect(states).toEqual(['connecting', 'closed']);
  });
});

describe('ConnectionError', () => {
  it('joins a runtime detail that ends in a period without doubling it; without a status, its advice also names the path and credentials', () => {
    const error = new ConnectionError('ws://h/', 'Received network error or non-101 status code.');
    expect(error.message).toMatch(/non-101 status code\. Check that the server is running and reachable/);
    expect(error.message).toMatch(/the URL's path and any credentials are right \(the runtime does not say the HTTP status\)/);
    expect(error.message).not.toMatch(/\.\./);
    expect(error.status).toBeUndefined();
  });
});
