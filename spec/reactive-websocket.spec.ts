import WS from 'jest-websocket-mock';
import { WebSocket as MockWebSocket } from 'mock-socket';
import { config as rxjsConfig, from, map, Subject, take, toArray, firstValueFrom } from 'rxjs';
import {
  BufferOverflowError,
  ConnectionError,
  DeserializationError,
  NotImplementedError,
  ReactiveWebSocket,
  SocketClosedError,
  jsonDeserializer,
  jsonSerializer,
  type SocketEvent,
  type SocketState,
  type WebSocketConstructor,
} from '../lib/index.js';
import { all, first, until } from './support/wait.js';

const URL_ = 'ws://localhost:1234';
let server: WS;

beforeEach(() => {
  server = new WS(URL_);
});
afterEach(() => {
  WS.clean();
});

/** mock-socket passes the close event to the server side's close handler, though its types say it passes nothing. */
function onClientClose(
  client: { on(event: 'close', callback: () => void): void },
  callback: (event: { code: number; reason: string }) => void,
): void {
  client.on('close', callback as unknown as () => void);
}

/** A socket on the mock server, already open. */
async function openSocket<In = unknown, Out = unknown>(
  config: Partial<ConstructorParameters<typeof ReactiveWebSocket<In, Out>>[0] & object> = {},
): Promise<ReactiveWebSocket<In, Out>> {
  const socket = new ReactiveWebSocket<In, Out>({ url: URL_, ...config });
  await server.connected;
  await until(() => socket.state === 'open', 2000, 'open');
  return socket;
}

describe('construction', () => {
  it('normalises the URL and maps http and https to ws and wss', () => {
    const socket = new ReactiveWebSocket('http://localhost:1234');
    expect(socket.url).toBe('ws://localhost:1234/');
    socket.close();
    expect(new ReactiveWebSocket({ url: 'https://example.test/a?b=1', lazy: true }).url).toBe('wss://example.test/a?b=1');
    expect(new ReactiveWebSocket({ url: new URL('ws://example.test/x'), lazy: true }).url).toBe('ws://example.test/x');
  });

  it.each([
    ['ftp://localhost/', /scheme "ftp:".*ws: wss: http: https:/],
    ['javascript:alert(1)', /scheme "javascript:"/],
    ['not a url', /"not a url" is not a valid WebSocket URL/],
    ['/relative', /a relative URL needs a page/],
    ['ws://localhost/#frag', /has a fragment/],
  ])('throws SyntaxError for %s, naming the URL and what is accepted', (url, message) => {
    expect(() => new ReactiveWebSocket(url)).toThrow(SyntaxError);
    expect(() => new ReactiveWebSocket(url)).toThrow(message);
  });

  it('never shows the password of a URL in an error', () => {
    let error: unknown;
    try {
      new ReactiveWebSocket('ftp://user:s3cr@t@localhost/');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toContain('ftp://***@localhost/');
    expect((error as Error).message).not.toContain('s3cr');
    const socket = new ReactiveWebSocket({ url: 'ws://user:s3cret@example.test/', lazy: true });
    expect(socket.url).toBe('ws://***@example.test/');
  });

  it.each([
    [['chat', 'chat'], /listed twice/],
    [['has space'], /not a valid subprotocol/],
    [[''], /not a valid subprotocol/],
  ])('throws SyntaxError for the subprotocols %j', (protocols, message) => {
    expect(() => new ReactiveWebSocket({ url: URL_, protocols, lazy: true })).toThrow(SyntaxError);
    expect(() => new ReactiveWebSocket({ url: URL_, protocols, lazy: true })).toThrow(message);
  });

  it('throws NotImplementedError, saying to pass ws, where there is no WebSocket', () => {
    const saved = globalThis.WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(() => new ReactiveWebSocket(URL_)).toThrow(NotImplementedError);
      expect(() => new ReactiveWebSocket(URL_)).toThrow(/install the ws package and pass its constructor/);
      try {
        new ReactiveWebSocket(URL_);
      } catch (error) {
        expect((error as Error).name).toBe('NotImplementedError');
      }
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  it('uses WebSocketCtor when given, passing the URL, subprotocols and binaryType', async () => {
    const created: Array<{ url: string; protocols: unknown }> = [];
    class Recording extends MockWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        created.push({ url, protocols });
      }
    }
    const socket = new ReactiveWebSocket({
      url: URL_,
      protocols: ['v2', 'v1'],
      binaryType: 'arraybuffer',
      WebSocketCtor: Recording as unknown as WebSocketConstructor,
    });
    expect(created).toEqual([{ url: 'ws://localhost:1234/', protocols: ['v2', 'v1'] }]);
    await server.connected;
    socket.close();
    await all(socket.state$);
  });

  it.each([
    [{ url: URL_, reconect: true }, TypeError, /unknown option "reconect"/],
    [{ url: 42 }, TypeError, /url must be a string, a URL or a function returning one/],
    [{ url: URL_, serializer: 'json' }, TypeError, /serializer must be a function/],
    [{ url: URL_, binaryType: 'text' }, TypeError, /binaryType "text"/],
    [{ url: URL_, lazy: 'yes' }, TypeError, /lazy must be true or false/],
    [{ url: URL_, buffer: { limit: 0 } }, RangeError, /buffer.limit must be a whole number of at least 1, not 0/],
    [{ url: URL_, buffer: { limit: 1.5 } }, RangeError, /buffer.limit/],
    [{ url: URL_, WebSocketCtor: {} }, TypeError, /WebSocketCtor must be a WebSocket constructor/],
    [null, TypeError, /expected a URL or a config object/],
    [{ url: URL_, delivery: { id: 'id', ackOf: (): number => 1 } }, TypeError, /delivery.id must be a function, not string/],
    [{ url: URL_, delivery: { id: (): number => 1 } }, TypeError, /delivery.ackOf must be a function, not undefined/],
    [
      { url: URL_, delivery: { id: (): number => 1, ackOf: (): number => 1, timeout: 0 } },
      RangeError,
      /delivery.timeout must be a number of ms above 0/,
    ],
    [{ url: URL_, delivery: true }, TypeError, /delivery must be an object such as \{ id, ackOf \}/],
    [{ url: URL_, connectTimeout: 0 }, RangeError, /connectTimeout must be a number of ms above 0/],
    [{ url: URL_, connectTimeout: '5s' }, TypeError, /connectTimeout must be/],
    [{ url: URL_, connectTimeout: '5000' }, TypeError, /connectTimeout must be a number of ms above 0, or Infinity, not "5000"/],
    [{ url: URL_, reconnect: { initialDelay: -1 } }, RangeError, /reconnect.initialDelay/],
    [{ url: URL_, heartbeat: { interval: 0, timeout: 1, message: 'p' } }, RangeError, /heartbeat.interval/],
    [{ url: URL_, buffer: { overflow: 'drop' } }, TypeError, /buffer.overflow "drop"/],
  ])('rejects the bad config %j at construction, naming the field', (config, type, message) => {
    const make = () => new ReactiveWebSocket(config as never);
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  it('imports without throwing or defining globals where there is no WebSocket', () => {
    const saved = globalThis.WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    try {
      jest.isolateModules(() => {
        const module = require('../lib/index.js') as typeof import('../lib/index.js');
        expect(module.supported()).toBe(false);
      });
      expect(Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name))).toEqual([]);
    } finally {
      globalThis.WebSocket = saved;
    }
  });
});

describe('streams', () => {
  it('goes through connecting, open, closing and closed, replaying the current state to late subscribers', async () => {
    const socket = new ReactiveWebSocket(URL_);
    const states: SocketState[] = [];
    socket.state$.subscribe((state) => states.push(state));
    await server.connected;
    await until(() => socket.state === 'open');
    expect(await first(socket.state$)).toBe('open');
    socket.close();
    await all(socket.state$);
    expect(states).toEqual(['connecting', 'open', 'closing', 'closed']);
    expect(await all(socket.state$)).toEqual(['closed']);
  });

  it('emits open, message and close on events$ in order, and on(type) keeps one type', async () => {
    const socket = new ReactiveWebSocket(URL_);
    const events = all(socket.events$);
    const closes = all(socket.on('close'));
    const message = first(socket.message$);
    await server.connected;
    server.send('hello');
    await message;
    socket.close(1000, 'done');
    const seen = await events;
    expect(seen.map((event) => event.type)).toEqual(['open', 'message', 'close']);
    expect(seen[1]).toMatchObject({ type: 'message', data: 'hello' });
    const [close] = await closes;
    expect(close).toMatchObject({ type: 'close', code: 1000 });
  });

  it('offers open$, message$, error$ and close$ as views of events$', async () => {
    const socket = new ReactiveWebSocket(URL_);
    expect(socket.open$).toBe(socket.on('open'));
    expect(socket.message$).toBe(socket.on('message'));
    expect(socket.error$).toBe(socket.on('error'));
    expect(socket.close$).toBe(socket.on('close'));
    const opened = first(socket.open$);
    await server.connected;
    expect(await opened).toEqual({ type: 'open' });
    socket.close();
  });

  it('rejects an unknown event name in on()', () => {
    const socket = new ReactiveWebSocket({ url: URL_, lazy: true });
    expect(() => socket.on('mesage' as never)).toThrow(/"mesage" is not a socket event; the events are open, message, error, close/);
  });

  it('decodes each message once, however many subscribe', async () => {
    const deserializer = jest.fn(jsonDeserializer<{ n: number }>);
    const socket = await openSocket<{ n: number }>({ deserializer });
    const a = firstValueFrom(socket.messages$.pipe(take(2), toArray()));
    const b = firstValueFrom(socket.messages$.pipe(take(2), toArray()));
    server.send('{"n":1}');
    server.send('{"n":2}');
    expect(await a).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await b).toEqual([{ n: 1 }, { n: 2 }]);
    expect(deserializer).toHaveBeenCalledTimes(2);
    socket.close();
  });

  it('reports a message the deserializer rejects as a DeserializationError and keeps delivering', async () => {
    const socket = await openSocket<{ n: number }>({ deserializer: jsonDeserializer });
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    const messages = firstValueFrom(socket.messages$.pipe(take(2), toArray()));
    server.send('{"n":1}');
    server.send('not json');
    server.send('{"n":2}');
    expect(await messages).toEqual([{ n: 1 }, { n: 2 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeserializationError);
    expect(errors[0].name).toBe('DeserializationError');
    expect(errors[0].message).toMatch(/the deserializer threw for an incoming message \(text of 8 characters: "not json"\)/);
    expect((errors[0] as DeserializationError).event.data).toBe('not json');
    expect(errors[0].cause).toBeInstanceOf(SyntaxError);
    socket.close();
  });

  it('keeps delivering to other subscribers and later messages when a subscriber throws', async () => {
    const unhandled: unknown[] = [];
    const saved = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    try {
      const socket = await openSocket<string>();
      const thrower = jest.fn(() => {
        throw new Error('subscriber bug');
      });
      socket.messages$.subscribe(thrower);
      const others = firstValueFrom(socket.messages$.pipe(take(2), toArray()));
      server.send('one');
      server.send('two');
      expect(await others).toEqual(['one', 'two']);
      expect(thrower).toHaveBeenCalledTimes(2);
      // RxJS reports a subscriber's exception asynchronously, through config.onUnhandledError.
      await until(() => unhandled.length === 2);
      expect(unhandled).toEqual([new Error('subscriber bug'), new Error('subscriber bug')]);
      expect(socket.state).toBe('open');
      socket.close();
    } finally {
      rxjsConfig.onUnhandledError = saved;
    }
  });

  it('completes every stream and ends state$ at closed after close()', async () => {
    const socket = await openSocket();
    const done = Promise.all([all(socket.messages$), all(socket.events$), all(socket.error$), all(socket), all(socket.state$)]);
    socket.close();
    const [, , , , states] = await done;
    expect(states).toEqual(['open', 'closing', 'closed']);
  });

  it('closes for good when the server closes and reconnect is off: streams complete and send says the server closed it', async () => {
    const socket = await openSocket({ reconnect: false });
    const close = first(socket.close$);
    const messages = all(socket.messages$);
    server.close({ code: 4001, reason: 'bye', wasClean: true });
    expect(await close).toEqual({ type: 'close', code: 4001, reason: 'bye', wasClean: true });
    await messages;
    expect(socket.state).toBe('closed');
    expect(() => socket.send('late')).toThrow(SocketClosedError);
    expect(() => socket.send('late')).toThrow(/closed by the server with code 4001 \("bye"\)/);
  });

  it('reports a failed connection as a ConnectionError, then the close', async () => {
    const socket = new ReactiveWebSocket({ url: URL_, reconnect: false });
    const events = all(socket.events$);
    await server.connected;
    server.error();
    const seen = await events;
    expect(seen.map((event) => event.type)).toEqual(['open', 'error', 'close']);
    const error = (seen[1] as Extract<SocketEvent, { type: 'error' }>).error;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/the connection to ws:\/\/localhost:1234\/ failed/);
    expect(socket.state).toBe('closed');
  });
});

describe('send', () => {
  it('queues sends made before open and flushes them in order before anything sent on open', async () => {
    const socket = new ReactiveWebSocket<string, string>(URL_);
    socket.open$.subscribe(() => socket.send('on open'));
    socket.send('first');
    socket.send('second');
    expect(socket.queued).toBe(2);
    await server.connected;
    await expect(server).toReceiveMessage('first');
    await expect(server).toReceiveMessage('second');
    await expect(server).toReceiveMessage('on open');
    expect(socket.queued).toBe(0);
    socket.close();
  });

  it('throws BufferOverflowError beyond buffer.limit and keeps what it had', async () => {
    const socket = new ReactiveWebSocket<string, string>({ url: URL_, buffer: { limit: 2 } });
    socket.send('a');
    socket.send('b');
    expect(() => socket.send('c')).toThrow(BufferOverflowError);
    expect(() => socket.send('c')).toThrow(
      /the outbox for ws:\/\/localhost:1234\/ already holds 2 messages, as many as buffer.limit allows/,
    );
    expect(socket.queued).toBe(2);
    await server.connected;
    await expect(server).toReceiveMessage('a');
    await expect(server).toReceiveMessage('b');
    socket.send('c');
    await expect(server).toReceiveMessage('c');
    socket.close();
  });

  it('holds 1,000 messages by default', () => {
    const socket = new ReactiveWebSocket<number, string>(URL_);
    for (let i = 0; i < 1000; i++) socket.send(String(i));
    expect(() => socket.send('1000')).toThrow(BufferOverflowError);
    socket.close();
  });

  it('throws SocketClosedError after close(), saying the client closed it', async () => {
    const socket = await openSocket<string, string>();
    socket.close(4002, 'shutting down');
    expect(() => socket.send('x')).toThrow(SocketClosedError);
    expect(() => socket.send('x')).toThrow(
      'reactive-websocket: cannot send: the socket to ws://localhost:1234/ was closed by close() with code 4002 ("shutting down"); create a new socket to send more.',
    );
  });

  it.each([
    ['an object', { a: 1 }, /type object \(Object\)/],
    ['null', null, /type null/],
    ['undefined', undefined, /type undefined/],
    ['a number', 123, /type number/],
    ['a symbol', Symbol('s'), /type symbol/],
  ])('throws TypeError for %s with the default serializer and queues nothing', (_name, value, message) => {
    const socket = new ReactiveWebSocket<unknown, unknown>(URL_);
    expect(() => socket.send(value)).toThrow(TypeError);
    expect(() => socket.send(value)).toThrow(message);
    expect(() => socket.send(value)).toThrow(/Pass a serializer \(for example jsonSerializer\)/);
    expect(socket.queued).toBe(0);
    socket.close();
  });

  it('turns a throwing serializer into a TypeError with the cause, and keeps working', async () => {
    const socket = await openSocket<unknown, unknown>({ serializer: jsonSerializer });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let error: unknown;
    try {
      socket.send(cycle);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /the serializer threw, so nothing was sent or queued: TypeError: cannot encode the message as JSON/,
    );
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(() => socket.send(undefined)).toThrow(/cannot encode a value of type undefined as JSON/);
    expect(() => socket.send(10n)).toThrow(/BigInt/);
    socket.send({ ok: true });
    await expect(server).toReceiveMessage('{"ok":true}');
    socket.close();
  });

  it('passes strings and binary data through unchanged', async () => {
    const sent: unknown[] = [];
    server.on('connection', (client) => client.on('message', (data) => sent.push(data)));
    const socket = await openSocket<unknown, string | ArrayBuffer | Uint8Array>();
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const view = new Uint8Array([4, 5]);
    socket.send('text');
    socket.send(buffer);
    socket.send(view);
    await until(() => sent.length === 3);
    expect(sent[0]).toBe('text');
    expect(sent[1]).toBe(buffer);
    expect(sent[2]).toBe(view);
    socket.close();
  });

  it('reports messages still queued at close() as a SocketClosedError listing them', async () => {
    const socket = new ReactiveWebSocket<string, string>(URL_);
    const errors: Error[] = [];
    socket.error$.subscribe((event) => errors.push(event.error));
    socket.send('never sent');
    socket.close();
    await all(socket.state$);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SocketClosedError);
    expect((errors[0] as SocketClosedError).unsent).toEqual(['never sent']);
    expect(errors[0].message).toMatch(/1 queued message was not sent/);
  });
});

describe('send with delivery', () => {
  const delivery = { id: (message: { id?: number }) => message.id, ackOf: (reply: { ack?: number }) => reply.ack };

  it('rejects a message without an id, or with one already pending, and queues nothing', () => {
    const socket = new ReactiveWebSocket<{ ack?: number }, { id?: number }>({ url: URL_, serializer: jsonSerializer, delivery });
    socket.send({ id: 1 });
    expect(() => socket.send({})).toThrow(/delivery.id returned undefined; every message needs an id/);
    expect(() => socket.send({ id: 1 })).toThrow(/a message with id 1 is already waiting for its acknowledgement/);
    expect(socket.pending).toBe(1);
    socket.close();
  });

  it('turns a throwing delivery.id into a TypeError from send', () => {
    const socket = new ReactiveWebSocket<unknown, { id: number }>({
      url: URL_,
      serializer: jsonSerializer,
      delivery: {
        id: () => {
          throw new Error('no id here');
        },
        ackOf: () => undefined,
      },
    });
    expect(() => socket.send({ id: 1 })).toThrow(/delivery.id threw, so nothing was sent or queued: Error: no id here/);
    expect(socket.pending).toBe(0);
    socket.close();
  });

  it('keeps a message pending until its acknowledgement arrives', async () => {
    const socket = new ReactiveWebSocket<{ ack?: number }, { id?: number }>({
      url: URL_,
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
      delivery,
    });
    socket.send({ id: 7 });
    await server.connected;
    await expect(server).toReceiveMessage('{"id":7}');
    expect(socket.pending).toBe(1);
    const acknowledged = first(socket.messages$);
    server.send('{"ack":7}');
    await acknowledged;
    expect(socket.pending).toBe(0);
    socket.close();
  });
});

describe('close', () => {
  it.each([
    [999, RangeError],
    [1001, RangeError],
    [1005, RangeError],
    [1006, RangeError],
    [2999, RangeError],
    [5000, RangeError],
    [65536, RangeError],
    [1000.5, RangeError],
    [Number.NaN, RangeError],
    ['1000', TypeError],
  ])('rejects code %p before touching the socket', async (code, type) => {
    const socket = await openSocket();
    expect(() => socket.close(code as number)).toThrow(type);
    expect(() => socket.close(code as number)).toThrow(/use 1000|close code/);
    expect(socket.state).toBe('open');
    const message = first(socket.messages$);
    server.send('still open');
    expect(await message).toBe('still open');
    socket.close();
  });

  it('counts the reason in UTF-8 bytes: 123 fit, 124 do not', async () => {
    const socket = await openSocket();
    expect(() => socket.close(1000, 'é'.repeat(62))).toThrow(RangeError);
    expect(() => socket.close(1000, 'é'.repeat(62))).toThrow(/takes 124 bytes of UTF-8; at most 123/);
    expect(socket.state).toBe('open');
    const closed = server.closed;
    socket.close(3000, `${'é'.repeat(61)}a`);
    await closed;
    expect(socket.state).toBe('closed');
  });

  it('sends the code and reason, and does nothing when called again', async () => {
    let serverSaw: { code: number; reason: string } | undefined;
    server.on('connection', (client) =>
      onClientClose(client, (event) => {
        serverSaw ??= event;
      }),
    );
    const socket = await openSocket();
    const closes = all(socket.close$);
    socket.close(4100, 'bye');
    socket.close(4200, 'again');
    expect(await closes).toHaveLength(1);
    await until(() => serverSaw !== undefined);
    expect(serverSaw).toMatchObject({ code: 4100, reason: 'bye' });
  });

  it('closes quietly while still connecting: no error, streams complete', async () => {
    const socket = new ReactiveWebSocket(URL_);
    const events = all(socket.events$);
    socket.close();
    const seen = await events;
    expect(seen.map((event) => event.type)).toEqual(['close']);
    expect(socket.state).toBe('closed');
  });
});

describe('as an RxJS Observable and Observer', () => {
  it('is an Observable of decoded messages: from() and pipe() work', async () => {
    const socket = await openSocket<{ n: number }>({ deserializer: jsonDeserializer });
    const viaFrom = firstValueFrom(from(socket).pipe(take(1)));
    const viaPipe = firstValueFrom(socket.pipe(map((message) => message.n * 2)));
    server.send('{"n":21}');
    expect(await viaFrom).toEqual({ n: 21 });
    expect(await viaPipe).toBe(42);
    socket.close();
  });

  it('is an Observer: source$.subscribe(socket) sends each value and closes with 1000 on complete', async () => {
    const closes: number[] = [];
    server.on('connection', (client) => onClientClose(client, (event) => closes.push(event.code)));
    const socket = await openSocket<string, string>();
    const source = new Subject<string>();
    source.subscribe(socket);
    source.next('a');
    source.next('b');
    await expect(server).toReceiveMessage('a');
    await expect(server).toReceiveMessage('b');
    source.complete();
    await all(socket.state$);
    await until(() => closes.length === 1);
    expect(closes).toEqual([1000]);
  });

  it('closes with 4000 when the source it observes errors', async () => {
    const socket = await openSocket<string, string>();
    const close = first(socket.close$);
    new Subject<string>().subscribe(socket);
    socket.error(new Error('upstream failed'));
    expect(await close).toMatchObject({ code: 4000 });
    expect(socket.state).toBe('closed');
  });
});

describe('a socket closed for good', () => {
  it('fails request() with the SocketClosedError send() throws, as its TSDoc says, instead of completing without a value', async () => {
    const socket = await openSocket<string, string>();
    socket.close();
    await all(socket.state$);
    const outcome = await new Promise<unknown>((resolve) =>
      socket.request('ping', { match: () => true }).subscribe({ next: resolve, error: resolve, complete: () => resolve('completed') }),
    );
    expect(outcome).toBeInstanceOf(SocketClosedError);
    expect((outcome as Error).message).toMatch(/cannot send: the socket to ws:\/\/localhost:1234\/ was closed by close\(\) with code 1000/);
  });

  it('still completes a request without a value when the socket closes after the request went out and before the reply', async () => {
    const socket = await openSocket<string, string>();
    let outcome: unknown;
    socket
      .request('ping', { match: () => false })
      .subscribe({ error: (error: unknown) => (outcome = error), complete: () => (outcome = 'completed') });
    await expect(server).toReceiveMessage('ping');
    socket.close();
    await all(socket.state$);
    expect(outcome).toBe('completed');
  });
});

describe('close() hands back what it leaves unsent', () => {
  it('returns the messages a lazy socket nobody observed was holding, which no error$ subscriber could hear of', () => {
    const socket = new ReactiveWebSocket<string, string>({ url: URL_, lazy: true });
    socket.send('a');
    socket.send('b');
    expect(socket.close()).toEqual(['a', 'b']);
    expect(socket.state).toBe('closed');
    expect(socket.queued).toBe(0);
    expect(socket.close()).toEqual([]);
  });

  it('returns what waited while connecting, and reports the same messages on error$ when the close completes', async () => {
    const socket = new ReactiveWebSocket<string, string>({
      url: 'ws://localhost:1235',
      reconnect: false,
      WebSocketCtor: MockWebSocket as unknown as WebSocketConstructor,
    });
    const errors = all(socket.error$);
    socket.send('a');
    expect(socket.close()).toEqual(['a']);
    const reported = await errors;
    expect(reported.map((event) => event.error)).toEqual([expect.any(SocketClosedError)]);
    expect((reported[0].error as SocketClosedError).unsent).toEqual(['a']);
  });

  it('returns nothing when nothing waits: what an open socket was given is already sent', async () => {
    const socket = await openSocket<string, string>();
    socket.send('x');
    expect(socket.close()).toEqual([]);
    await expect(server).toReceiveMessage('x');
  });
});

describe('lazy', () => {
  it('connects on the first subscriber, not for state$, and closes after the last unsubscribes', async () => {
    const socket = new ReactiveWebSocket<string, string>({ url: URL_, lazy: true });
    const states: SocketState[] = [];
    socket.state$.subscribe((state) => states.push(state));
    socket.send('queued while idle');
    expect(socket.state).toBe('closed');
    expect(server.server.clients()).toHaveLength(0);

    const a = socket.subscribe();
    const b = socket.messages$.subscribe();
    await server.connected;
    await expect(server).toReceiveMessage('queued while idle');
    a.unsubscribe();
    expect(socket.state).toBe('open');
    b.unsubscribe();
    await server.closed;
    await until(() => socket.state === 'closed');
    expect(states).toEqual(['closed', 'connecting', 'open', 'closing', 'closed']);
  });

  it('connects again for a new subscriber after going idle', async () => {
    const socket = new ReactiveWebSocket<string, string>({ url: URL_, lazy: true });
    const first$ = socket.subscribe();
    await server.connected;
    await until(() => socket.state === 'open');
    first$.unsubscribe();
    await until(() => socket.state === 'closed');
    WS.clean();
    server = new WS(URL_);
    const received = firstValueFrom(socket.messages$);
    await server.connected;
    server.send('welcome back');
    expect(await received).toBe('welcome back');
    socket.close();
    await until(() => socket.state === 'closed');
  });
});
