import { firstValueFrom, take, toArray } from 'rxjs';
import {
  ConnectionError,
  ReactiveWebSocket,
  jsonDeserializer,
  jsonSerializer,
  websocket,
  type SocketEvent,
  type SocketState,
} from '../../lib/index.js';
import { WebSocketCtor, bytesOf, client } from '../support/client-websocket.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { all, first, until } from '../support/wait.js';

let echo: EchoServer;
beforeEach(async () => {
  echo = await startEchoServer({ protocols: ['v2'] });
});
afterEach(async () => {
  await echo.close();
});

describe('against a real ws server', () => {
  it('round-trips text as text and binary as binary, in the default binaryType', async () => {
    const socket = new ReactiveWebSocket<string | Buffer | Blob, string | Uint8Array>({ url: echo.url, WebSocketCtor });
    const replies = firstValueFrom(socket.messages$.pipe(take(3), toArray()));
    socket.send('héllo 😀');
    socket.send(new Uint8Array([0, 1, 255]));
    socket.send('');
    const [text, binary, empty] = await replies;
    expect(text).toBe('héllo 😀');
    // ws's default binaryType is 'nodebuffer'; the runtime's own WebSocket's is 'blob', as in browsers.
    const bytes = client.defaultBinaryType === 'blob' ? Buffer.from(await (binary as Blob).arrayBuffer()) : bytesOf(binary);
    expect(Object.prototype.toString.call(binary)).toBe(client.defaultBinaryType === 'blob' ? '[object Blob]' : '[object Uint8Array]');
    expect([...bytes!]).toEqual([0, 1, 255]);
    expect(empty).toBe('');
    socket.close();
    await all(socket.state$);
  });

  it('delivers binary as ArrayBuffer with binaryType arraybuffer', async () => {
    const socket = new ReactiveWebSocket<ArrayBuffer, Uint8Array>({ url: echo.url, WebSocketCtor, binaryType: 'arraybuffer' });
    const reply = first(socket.messages$);
    socket.send(new Uint8Array([7, 8]));
    const data = await reply;
    expect(Object.prototype.toString.call(data)).toBe('[object ArrayBuffer]');
    expect([...new Uint8Array(data)]).toEqual([7, 8]);
    socket.close();
    await all(socket.state$);
  });

  it('delivers messages queued before open first, in order, then later ones', async () => {
    const socket = new ReactiveWebSocket<{ i: number }, { i: number }>({
      url: echo.url,
      WebSocketCtor,
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
    });
    for (let i = 0; i < 100; i++) socket.send({ i });
    socket.open$.subscribe(() => socket.send({ i: 100 }));
    const replies = await firstValueFrom(socket.messages$.pipe(take(101), toArray()));
    expect(replies.map((reply) => reply.i)).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(echo.received).toEqual(Array.from({ length: 101 }, (_, i) => `{"i":${i}}`));
    socket.close();
    await all(socket.state$);
  });

  it('keeps the close code and reason the server sends', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor, reconnect: false });
    await first(socket.open$);
    const close = first(socket.close$);
    echo.connections[0].close(4001, 'kicked');
    expect(await close).toEqual({ type: 'close', code: 4001, reason: 'kicked', wasClean: true });
    expect(socket.state).toBe('closed');
  });

  it('negotiates a subprotocol', async () => {
    const socket = new ReactiveWebSocket({ url: echo.url, WebSocketCtor, protocols: ['v3', 'v2'] });
    await first(socket.open$);
    expect(socket.protocol).toBe('v2');
    socket.close();
    await all(socket.state$);
    expect(socket.protocol).toBe('');
  });

  it('reports a refused connection as a ConnectionError and a 1006 close, without crashing', async () => {
    const port = Number(new URL(echo.url).port);
    await echo.close();
    const socket = new ReactiveWebSocket({ url: `ws://127.0.0.1:${port}`, WebSocketCtor, reconnect: false });
    const states: SocketState[] = [];
    socket.state$.subscribe((state) => states.push(state));
    const events = await all(socket.events$);
    expect(events.map((event) => event.type)).toEqual(['error', 'close']);
    expect((events[0] as Extract<SocketEvent, { type: 'error' }>).error).toBeInstanceOf(ConnectionError);
    // What the runtime says, where it says anything.
    expect((events[0] as Extract<SocketEvent, { type: 'error' }>).error.message).toMatch(
      client.refusedConnection ?? /the runtime gave no detail/,
    );
    expect(events[1]).toMatchObject({ code: 1006, wasClean: false });
    expect(states).toEqual(['connecting', 'closed']);
    echo = await startEchoServer();
  });

  it('never puts a URL password in an error, a state or an event', async () => {
    const secret = 's3cret-pass';
    const port = Number(new URL(echo.url).port);
    const seenAuth: Array<string | undefined> = [];
    echo.server.on('connection', (_socket, request) => seenAuth.push(request.headers.authorization));
    const socket = new ReactiveWebSocket<string, string>({ url: `ws://user:${secret}@127.0.0.1:${port}/`, WebSocketCtor });
    const emitted: unknown[] = [];
    socket.events$.subscribe((event) => emitted.push(event));
    socket.state$.subscribe((state) => emitted.push(state));
    socket.send('hi');
    await first(socket.messages$);
    socket.close();
    await all(socket.state$);
    const afterClose = (() => {
      try {
        socket.send('late');
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    // ws sends URL credentials as Basic auth, undici does not: the server is the one place they may appear.
    expect(seenAuth[0]).toBe(client.sendsUrlCredentials ? `Basic ${Buffer.from(`user:${secret}`).toString('base64')}` : undefined);
    const everything = JSON.stringify([emitted.map(String), emitted, socket.url, afterClose?.message]);
    expect(everything).not.toContain(secret);
    expect(afterClose?.message).toContain('ws://***@127.0.0.1');

    await echo.close();
    const refused = new ReactiveWebSocket({ url: `ws://user:${secret}@127.0.0.1:${port}/`, WebSocketCtor, reconnect: false });
    const [error] = await all(refused.error$);
    expect(error.error.message).not.toContain(secret);
    echo = await startEchoServer();
  });

  it('serves the facade the same way', async () => {
    const ws = websocket<string, string>(echo.url, { WebSocketCtor });
    const log: string[] = [];
    const closed = new Promise<void>((resolve) => ws.bind('close', () => resolve()));
    ws.bind('open', () => ws.send('via facade'));
    ws.bind('message', (event) => {
      log.push(event.data);
      ws.close();
    });
    await closed;
    expect(log).toEqual(['via facade']);
    await until(() => echo.server.clients.size === 0);
  });
});
