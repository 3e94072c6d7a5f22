/**
 * Features made by their own functions and passed in `use`: the socket of reactive-websocket/core
 * runs only those, and the main entry's ReactiveWebSocket takes them beside its config keys.
 */
import WS from 'jest-websocket-mock';
import { ReactiveWebSocket as CoreWebSocket } from '../lib/core.js';
import { mergeFeatures } from '../lib/feature.js';
import { ReactiveWebSocket, buffer, delivery, heartbeat, reconnect, type ReconnectEvent } from '../lib/index.js';
import { all, first, until } from './support/wait.js';

const URL_ = 'ws://localhost:1240';
let server: WS;

beforeEach(() => {
  server = new WS(URL_);
});
afterEach(() => {
  WS.clean();
});

describe('mergeFeatures', () => {
  it('refuses a feature named twice, and something that is not a feature, saying what to write', () => {
    expect(() => mergeFeatures([reconnect(), reconnect()])).toThrow(/two features in use both set reconnect; name each feature once/);
    expect(() => mergeFeatures([reconnect as never])).toThrow(/not a feature; call the feature's function: reconnect\(\), not reconnect/);
    expect(() => mergeFeatures('reconnect' as never)).toThrow(/use must be an array of features/);
    expect(mergeFeatures([reconnect(false)])).toEqual({ reconnect: undefined });
  });

  it('checks each feature’s settings in its own function, at once', () => {
    expect(() => reconnect({ initialDelay: -1 })).toThrow(/reconnect\.initialDelay must be/);
    expect(() => buffer({ limit: 0 })).toThrow(/buffer\.limit must be/);
    expect(() => heartbeat({ interval: 0, timeout: 1, message: 'ping' })).toThrow(/heartbeat\.interval/);
    expect(() => heartbeat(undefined as never)).toThrow(TypeError);
    expect(() => delivery({ id: 1 } as never)).toThrow(/delivery\.id must be a function/);
  });
});

describe('the socket of reactive-websocket/core', () => {
  it('runs no feature unless named: a connection the server closes is not replaced', async () => {
    const socket = new CoreWebSocket(URL_);
    const states = all(socket.state$);
    await server.connected;
    await until(() => socket.state === 'open');
    server.close();
    expect(await states).toEqual(['connecting', 'open', 'closed']);
  });

  it('reconnects with use: [reconnect()]', async () => {
    const socket = new CoreWebSocket({ url: URL_, use: [reconnect({ initialDelay: 10, maxDelay: 10 })] });
    const reconnects: ReconnectEvent[] = [];
    socket.reconnect$.subscribe((event) => reconnects.push(event));
    await server.connected;
    server.close();
    WS.clean();
    server = new WS(URL_);
    await server.connected;
    await until(() => socket.state === 'open');
    expect(reconnects.map((event) => event.attempt)).toEqual([1]);
    socket.close();
  });

  it('queues without bound while connecting, in order, when no buffer() is named', async () => {
    const socket = new CoreWebSocket<string, string>(URL_);
    for (let i = 0; i < 1500; i++) socket.send(String(i)); // past buffer()'s default limit of 1,000
    expect(socket.queued).toBe(1500);
    await server.connected;
    await expect(server).toReceiveMessage('0');
    await until(() => server.messages.length === 1500);
    expect(server.messages.at(-1)).toBe('1499');
    expect(socket.writable).toBe(true);
    socket.close();
  });

  it('refuses a feature given as a config key, saying where it goes', () => {
    expect(() => new CoreWebSocket({ url: URL_, heartbeat: {} } as never)).toThrow(
      /unknown option "heartbeat".*features go in use, as use: \[heartbeat\(…\)\]; or import ReactiveWebSocket from 'reactive-websocket'/,
    );
  });

  it('refuses delivery() without buffer(), which keeps the messages until acknowledged', () => {
    expect(() => new CoreWebSocket({ url: URL_, use: [delivery({ id: String, ackOf: String })] })).toThrow(/use buffer\(\) too/);
  });

  it('is the class the main entry’s ReactiveWebSocket extends', () => {
    const socket = new ReactiveWebSocket(URL_);
    expect(socket).toBeInstanceOf(CoreWebSocket);
    socket.close();
  });
});

describe('use on the ReactiveWebSocket of reactive-websocket', () => {
  it('lets a feature in use take the place of a default (reconnect on, a bounded outbox)', async () => {
    const socket = new ReactiveWebSocket<string, string>({
      url: URL_,
      use: [reconnect({ attempts: 1, initialDelay: 0 }), buffer({ limit: 1 })],
    });
    socket.send('a');
    expect(() => socket.send('b')).toThrow(/already holds 1 message/);
    socket.close();
    await all(socket.state$);
  });

  it('refuses a feature set both by its key and in use', () => {
    expect(() => new ReactiveWebSocket({ url: URL_, reconnect: true, use: [reconnect()] })).toThrow(
      /two features in use both set reconnect/,
    );
    expect(() => new ReactiveWebSocket({ url: URL_, buffer: {}, use: [buffer()] })).toThrow(/both set outgoing/);
  });

  it('takes heartbeat() in use as the heartbeat key does: pongs stay out of messages$', async () => {
    const socket = new ReactiveWebSocket<string, string>({
      url: URL_,
      use: [heartbeat({ interval: 10_000, timeout: 10_000, message: 'ping', isPong: (message) => message === 'pong' })],
    });
    await server.connected;
    const message = first(socket.messages$);
    server.send('pong');
    server.send('news');
    expect(await message).toBe('news');
    socket.close();
  });
});
