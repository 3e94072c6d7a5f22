/**
 * The connection primitive on its own: one attempt, from the constructor call to the close event.
 * Hand-driven sockets (spec/support/fake-socket.ts) and jest's fake timers, so each guarantee is
 * seen at the millisecond it is due: what reaches the constructor, which events reach the observer
 * and in what shape, the connect timeout, the bounded closing handshake, and what is left behind.
 */
import { inspect } from 'node:util';
import { CLOSING_TIMEOUT_MS } from '../lib/connection.js';
import { Connection, type ConnectionObserver, type NativeEvent, type WebSocketConstructor } from '../lib/index.js';
import { PropertySocket, fakeSockets } from './support/fake-socket.js';

/** What the observer was told, in order: `open`, or the method's name with the event it got. */
type Told = ['open'] | ['message' | 'error' | 'close', NativeEvent];

function recorder(): { observer: ConnectionObserver; told: Told[]; connections: Connection[] } {
  const told: Told[] = [];
  const connections: Connection[] = [];
  return {
    told,
    connections,
    observer: {
      open: (connection) => {
        connections.push(connection);
        told.push(['open']);
      },
      message: (event) => told.push(['message', event]),
      error: (event) => told.push(['error', event]),
      close: (event) => told.push(['close', event]),
    },
  };
}

const URL_ = 'ws://example.test/feed';
const ABANDONED = { type: 'close', code: 1006, reason: '', wasClean: false };

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

/** A connection on a FakeSocket (the addEventListener path). */
function connect(options: { protocols?: string | string[]; binaryType?: string; connectTimeout?: number } = {}) {
  const { WebSocketCtor, made, args } = fakeSockets();
  const { observer, told } = recorder();
  const connection = new Connection({ WebSocketCtor, url: URL_, ...options }, observer);
  return { connection, socket: made[0], args, told };
}

describe('Connection: making the socket', () => {
  it('passes the URL and protocols to the constructor as given, and leaves protocols out when there are none', () => {
    expect(connect({ protocols: ['v2', 'v1'] }).args).toEqual([[URL_, ['v2', 'v1']]]);
    expect(connect({ protocols: 'chat' }).args).toEqual([[URL_, 'chat']]);
    // Left out, not passed as undefined: some constructors treat an undefined argument as a protocol.
    expect(connect().args).toStrictEqual([[URL_]]);
  });

  it('sets binaryType right after the socket is made, only when given', () => {
    expect(connect({ binaryType: 'arraybuffer' }).socket.binaryType).toBe('arraybuffer');
    expect(connect().socket.binaryType).toBe('blob');
  });

  it('lets a throwing constructor throw, with no timer left', () => {
    const failing = function () {
      throw new SyntaxError('bad URL');
    } as unknown as WebSocketConstructor;
    expect(() => new Connection({ WebSocketCtor: failing, url: URL_, connectTimeout: 1000 }, recorder().observer)).toThrow('bad URL');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('closes an object it cannot listen to, then throws a TypeError saying what to pass', () => {
    const closes: unknown[][] = [];
    const unlistenable = function () {
      return {
        readyState: 0,
        bufferedAmount: 0,
        protocol: '',
        binaryType: 'blob',
        send() {},
        close: (...args: unknown[]) => closes.push(args),
      };
    } as unknown as WebSocketConstructor;
    const { observer, told } = recorder();
    expect(() => new Connection({ WebSocketCtor: unlistenable, url: URL_, connectTimeout: 1000 }, observer)).toThrow(
      /neither addEventListener nor onmessage; pass a WebSocket constructor/,
    );
    expect(closes).toHaveLength(1);
    expect(told).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('Connection: events', () => {
  it('tells open with the connection and records when it opened', () => {
    jest.setSystemTime(1_700_000_000_000);
    const { connection, socket, told } = connect();
    expect(connection.openedAt).toBeUndefined();
    socket.open();
    expect(told).toEqual([['open']]);
    expect(connection.openedAt).toBe(1_700_000_000_000);
    expect(connection.socket).toBe(socket);
  });

  it('passes the runtime’s own message and close events on, and after the close removes its listeners and hears nothing more', () => {
    const { connection, socket, told } = connect();
    socket.open();
    const message = { type: 'message', data: 'a' };
    socket.dispatch('message', message);
    expect(socket.listenerCount()).toBe(4);
    socket.closed(4000, 'done');
    expect(told[1]).toEqual(['message', message]);
    expect(told[1][1]).toBe(message);
    expect(told[2]).toEqual(['close', { type: 'close', code: 4000, reason: 'done', wasClean: true }]);
    expect(connection.ended).toBe(true);
    expect(socket.listenerCount()).toBe(0);
  });

  it('on an error, tells error with the runtime’s event, then ends at once with 1006 and drops the socket', () => {
    const { connection, socket, told } = connect();
    const error = { type: 'error', message: 'refused' };
    socket.dispatch('error', error);
    expect(told).toEqual([
      ['error', error],
      ['close', ABANDONED],
    ]);
    expect(connection.ended).toBe(true);
    expect(socket.closes).toEqual([[undefined, '']]);
    expect(socket.listenerCount()).toBe(0);
    // The runtime's own close event, when it comes, is not heard.
    socket.closed(1006, '', false);
    expect(told).toHaveLength(2);
  });

  it('listens through on* properties where there is no addEventListener, also to events without a type, and clears them at the end', () => {
    const { WebSocketCtor, made } = fakeSockets((url) => new PropertySocket(url));
    const { observer, told } = recorder();
    new Connection({ WebSocketCtor, url: URL_ }, observer);
    const socket = made[0];
    expect(typeof socket.onmessage).toBe('function');
    socket.open({});
    socket.dispatch('message', { data: 'untyped' });
    socket.closedWith({ code: 1000, reason: 'bye', wasClean: true });
    expect(told).toEqual([['open'], ['message', { data: 'untyped' }], ['close', { code: 1000, reason: 'bye', wasClean: true }]]);
    expect([socket.onopen, socket.onmessage, socket.onerror, socket.onclose]).toEqual([null, null, null, null]);
  });
});

describe('Connection: the connect timeout', () => {
  it('abandons a socket still connecting after connectTimeout ms: error, then close 1006', () => {
    const { connection, socket, told } = connect({ connectTimeout: 500 });
    jest.advanceTimersByTime(499);
    expect(told).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(told).toEqual([
      ['error', { type: 'error', message: 'the connection did not open within 500 ms (connectTimeout)' }],
      ['close', ABANDONED],
    ]);
    expect(connection.ended).toBe(true);
    expect(socket.closes).toHaveLength(1);
    expect(socket.listenerCount()).toBe(0);
    // An open that comes too late is not heard.
    socket.open();
    expect(told).toHaveLength(2);
  });

  it('stops counting once the socket opens', () => {
    const { socket, told } = connect({ connectTimeout: 500 });
    socket.open();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(told).toEqual([['open']]);
  });

  it('sets no timer without a limit', () => {
    connect();
    connect({ connectTimeout: Infinity });
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('Connection: closing', () => {
  it('sends the close once with the code and reason given, ignores the error a closing handshake may report, and ends on the runtime’s close', () => {
    const { connection, socket, told } = connect();
    socket.open();
    connection.close(4001, 'bye');
    connection.close(1000);
    expect(socket.closes).toEqual([[4001, 'bye']]);
    socket.dispatch('error', { type: 'error' });
    const close = { type: 'close', code: 4001, reason: 'bye', wasClean: true };
    socket.dispatch('close', close);
    expect(told).toEqual([['open'], ['close', close]]);
    expect(jest.getTimerCount()).toBe(0);
    // Closing an ended connection does nothing.
    connection.close(4002);
    expect(socket.closes).toHaveLength(1);
  });

  it(`ends a close the peer does not answer after ${CLOSING_TIMEOUT_MS} ms, unclean, with the code asked for`, () => {
    const { connection, socket, told } = connect();
    socket.open();
    connection.close(4001, 'bye');
    jest.advanceTimersByTime(CLOSING_TIMEOUT_MS - 1);
    expect(told).toEqual([['open']]);
    jest.advanceTimersByTime(1);
    expect(told).toEqual([['open'], ['close', { type: 'close', code: 4001, reason: 'bye', wasClean: false }]]);
    expect(connection.ended).toBe(true);
    expect(socket.listenerCount()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends at once when the runtime refuses the close, with the code asked for', () => {
    const { connection, socket, told } = connect();
    socket.open();
    socket.close = () => {
      throw new RangeError('code 1005 may not be sent');
    };
    connection.close(1005, 'no');
    expect(told).toEqual([['open'], ['close', { type: 'close', code: 1005, reason: 'no', wasClean: false }]]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('closes again a socket that opens after close(), and does not tell open', () => {
    const { connection, socket, told } = connect();
    connection.close(4001, 'early');
    socket.open();
    expect(socket.closes).toEqual([
      [4001, 'early'],
      [4001, 'early'],
    ]);
    socket.closed(4001, 'early');
    expect(told.map(([what]) => what)).toEqual(['close']);
  });

  it('abandon() ends it at once with the code given, and only once', () => {
    const { connection, socket, told } = connect();
    socket.open();
    connection.abandon(4000, 'gone');
    connection.abandon();
    expect(told).toEqual([['open'], ['close', { type: 'close', code: 4000, reason: 'gone', wasClean: false }]]);
    expect(socket.closes).toEqual([[4000, 'gone']]);
  });
});

describe('Connection: in a log', () => {
  it('shows its URL without credentials, its readyState and whether it ended, and not the socket', () => {
    const { WebSocketCtor } = fakeSockets();
    const connection = new Connection({ WebSocketCtor, url: 'ws://user:s3cret@example.test/' }, recorder().observer);
    const shown = inspect(connection);
    expect(shown).toBe("Connection { url: 'ws://***@example.test/', readyState: 0, ended: false }");
  });
});
