import WS from 'jest-websocket-mock';
import { WebSocket as MockWebSocket } from 'mock-socket';
import {
  NotImplementedError,
  ReactiveWebSocket,
  jsonDeserializer,
  supported,
  websocket,
  type SocketErrorEvent,
  type WebSocketConstructor,
} from '../lib/index.js';
import { deferred, until } from './support/wait.js';

const URL_ = 'ws://localhost:1235';
let server: WS;

beforeEach(() => {
  server = new WS(URL_);
});
afterEach(() => {
  WS.clean();
  delete (globalThis as { reportError?: unknown }).reportError;
  jest.restoreAllMocks();
});

describe('websocket(host)', () => {
  it('runs open, message and close handlers; a message handler gets the data', async () => {
    const ws = websocket<string, string>(URL_);
    const seen: string[] = [];
    const closed = deferred();
    ws.bind('open', (event) => {
      seen.push(event.type);
      ws.send('ping');
    });
    ws.bind('message', (event) => {
      seen.push(`message:${event.data}`);
      ws.close();
    });
    ws.bind('close', (event) => {
      seen.push(`close:${event.code}`);
      closed.resolve();
    });
    await server.connected;
    await expect(server).toReceiveMessage('ping');
    server.send('pong');
    await closed.promise;
    expect(seen).toEqual(['open', 'message:pong', 'close:1000']);
  });

  it('decodes messages with the deserializer from the options', async () => {
    const ws = websocket<{ n: number }>(URL_, { deserializer: jsonDeserializer });
    const got = deferred<number>();
    ws.bind('message', (event) => got.resolve(event.data.n));
    await server.connected;
    server.send('{"n":7}');
    expect(await got.promise).toBe(7);
    ws.close();
  });

  it('runs several handlers of one event in bind order, once each even if bound twice', async () => {
    const ws = websocket(URL_);
    const order: string[] = [];
    const third = deferred();
    const a = () => order.push('a');
    ws.bind('open', a);
    ws.bind('open', () => order.push('b'));
    ws.bind('open', a);
    ws.bind('open', () => {
      order.push('c');
      third.resolve();
    });
    await third.promise;
    expect(order).toEqual(['a', 'b', 'c']);
    ws.close();
  });

  it('keeps running other handlers and later events when a handler throws, and reports the error', async () => {
    const reported: unknown[] = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    const ws = websocket<string>(URL_);
    const messages: string[] = [];
    const bug = new Error('handler bug');
    ws.bind('message', () => {
      throw bug;
    });
    ws.bind('message', (event) => messages.push(event.data));
    await server.connected;
    server.send('one');
    server.send('two');
    await until(() => messages.length === 2);
    expect(messages).toEqual(['one', 'two']);
    expect(reported).toEqual([bug, bug]);
    expect(ws.socket.state).toBe('open');
    ws.close();
  });

  it('reports a throwing handler with console.error where there is no reportError', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const ws = websocket(URL_);
    const after = deferred();
    ws.bind('open', () => {
      throw new Error('open handler bug');
    });
    ws.bind('open', () => after.resolve());
    await after.promise;
    expect(logged).toHaveBeenCalledWith(new Error('open handler bug'));
    ws.close();
  });

  it('stops calling a handler after unbind(evt, fn), and every handler after unbind(evt)', async () => {
    const ws = websocket<string>(URL_);
    const a = jest.fn();
    const b = jest.fn();
    const c = jest.fn();
    ws.bind('message', a);
    ws.bind('message', b);
    ws.bind('message', c);
    await server.connected;
    server.send('1');
    ws.unbind('message', a);
    server.send('2');
    ws.unbind('message');
    server.send('3');
    const data = (handler: jest.Mock): unknown[] => (handler.mock.calls as Array<[{ data: unknown }]>).map(([event]) => event.data);
    expect(data(a)).toEqual(['1']);
    expect(data(b)).toEqual(['1', '2']);
    expect(data(c)).toEqual(['1', '2']);
    ws.unbind('close');
    ws.close();
  });

  it('rejects an unknown event name, listing the valid ones, and a handler that is not a function', () => {
    const ws = websocket(URL_);
    expect(() => ws.bind('mesage' as 'message', () => undefined)).toThrow(TypeError);
    expect(() => ws.bind('mesage' as 'message', () => undefined)).toThrow(/the events are open, message, error, close/);
    expect(() => ws.unbind('opn' as 'open')).toThrow(/"opn" is not a socket event/);
    expect(() => ws.bind('open', 'nope' as never)).toThrow(/bind\("open", handler\) needs a function, not string/);
    ws.close();
  });

  it('calls the error handlers, then the close handlers, when the connection fails', async () => {
    const ws = websocket(URL_);
    const order: string[] = [];
    const closed = deferred();
    ws.bind('error', (event: SocketErrorEvent) => order.push(`error:${event.error.name}`));
    ws.bind('close', () => {
      order.push('close');
      closed.resolve();
    });
    await server.connected;
    server.error();
    await closed.promise;
    expect(order).toEqual(['error:ConnectionError', 'close']);
  });

  it('sends and closes through the socket underneath', async () => {
    const ws = websocket<string, string>(URL_);
    expect(ws.socket).toBeInstanceOf(ReactiveWebSocket);
    ws.send('queued');
    await server.connected;
    await expect(server).toReceiveMessage('queued');
    expect(() => ws.close(1001)).toThrow(RangeError);
    ws.close(4000, 'done');
    await server.closed;
    expect(() => ws.send('late')).toThrow(/cannot send: the socket to .* was closed by close\(\)/);
  });

  it('does not reconnect after the server closes the connection, unless asked to', async () => {
    const ws = websocket(URL_);
    const closed = deferred();
    ws.bind('close', () => closed.resolve());
    await server.connected;
    server.close();
    await closed.promise;
    expect(ws.socket.state).toBe('closed');
  });

  it('with lazy, connects on the first bind and closes once the last handler is unbound', async () => {
    const ws = websocket<string>(URL_, { lazy: true });
    expect(ws.socket.state).toBe('closed');
    const handler = jest.fn();
    ws.bind('message', handler);
    await server.connected;
    server.send('1');
    ws.unbind('message', handler);
    // The idle close starts on a later turn, so that a close(code) right after can take its place.
    await until(() => ws.socket.state === 'closing');
    await until(() => ws.socket.state === 'closed');
    expect((handler.mock.calls as Array<[{ data: unknown }]>).map(([event]) => event.data)).toEqual(['1']);
    ws.close();
  });

  it('hands back from close() what a lazy socket with no handler bound was holding', () => {
    const ws = websocket<string, string>(URL_, { lazy: true });
    ws.send('a');
    ws.send('b');
    expect(ws.close()).toEqual(['a', 'b']);
    expect(ws.socket.state).toBe('closed');
    expect(server.server.clients()).toHaveLength(0);
  });

  it('rejects options that are not an object, or that repeat the URL', () => {
    expect(() => websocket(URL_, 'x' as never)).toThrow(/takes an options object, not string/);
    expect(() => websocket(URL_, null as never)).toThrow(/takes an options object, not null/);
    expect(() => websocket(URL_, { url: URL_ } as never)).toThrow(/remove url from the options/);
  });

  it('throws NotImplementedError without a WebSocket, unless WebSocketCtor is given', async () => {
    const saved = globalThis.WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(() => websocket(URL_)).toThrow(NotImplementedError);
      const ws = websocket(URL_, { WebSocketCtor: MockWebSocket as unknown as WebSocketConstructor });
      await server.connected;
      ws.close();
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  it('supported() says whether the runtime has a WebSocket, asking at each call rather than at import', () => {
    const saved = globalThis.WebSocket;
    try {
      delete (globalThis as { WebSocket?: unknown }).WebSocket;
      expect(supported()).toBe(false);
      globalThis.WebSocket = MockWebSocket as unknown as typeof WebSocket;
      expect(supported()).toBe(true);
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  it('supported(WebSocketCtor) is true without a global WebSocket when a constructor is given, and websocket() then works', async () => {
    const saved = globalThis.WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      const WebSocketCtor = MockWebSocket as unknown as WebSocketConstructor;
      expect(supported()).toBe(false);
      expect(supported(WebSocketCtor)).toBe(true);
      const ws = websocket(URL_, { WebSocketCtor });
      await server.connected;
      ws.close();
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  it('supported() is false exactly where websocket() throws for want of a constructor', () => {
    const saved = globalThis.WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(supported()).toBe(false);
      expect(() => websocket(URL_)).toThrow(NotImplementedError);
      const notAConstructor = 'ws' as unknown as WebSocketConstructor;
      expect(supported(notAConstructor)).toBe(false);
      expect(() => websocket(URL_, { WebSocketCtor: notAConstructor })).toThrow(TypeError);
    } finally {
      globalThis.WebSocket = saved;
    }
  });
});
