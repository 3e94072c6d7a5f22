/**
 * The library's messages, read as by a user who just hit them (issue 9, item 8): each says what
 * happened, with the value, and what to do; no doubled punctuation; no advice that does not
 * apply. One test per reworded message: its key parts, and the absence of the bad part.
 */
import {
  BufferOverflowError,
  DeserializationError,
  ReactiveWebSocket,
  ReconnectError,
  SocketClosedError,
  jsonSerializer,
  websocket,
  type ReactiveWebSocketConfig,
} from '../lib/index.js';
import { sentence } from '../lib/errors.js';
import { fakeSockets, type FakeSocket } from './support/fake-socket.js';
import { until } from './support/wait.js';

const URL_ = 'ws://localhost:1239/feed';

// Every socket a test made, with its doubles, closed after the test even when it failed half-way.
const made: Array<{ socket: Pick<ReactiveWebSocket, 'close' | 'state'>; natives: FakeSocket[] }> = [];
afterEach(() => {
  for (const { socket, natives } of made.splice(0)) {
    socket.close();
    for (const native of natives) if (native.readyState !== 3) native.closed(1000);
    expect(socket.state).toBe('closed');
  }
});

/** A socket on test doubles, with the errors it reports. */
function fakeSocket<In = string, Out = string>(config: Partial<ReactiveWebSocketConfig<In, Out>> = {}) {
  const { WebSocketCtor, made: natives } = fakeSockets();
  const socket = new ReactiveWebSocket<In, Out>({ url: URL_, WebSocketCtor, ...config });
  made.push({ socket, natives });
  const errors: Error[] = [];
  socket.error$.subscribe((event) => errors.push(event.error));
  return { socket, made: natives, errors, last: (): FakeSocket => natives.at(-1)! };
}

/** What `send` (or any call) throws. */
function thrownBy(send: () => unknown): Error {
  try {
    send();
  } catch (error) {
    return error as Error;
  }
  throw new Error('send did not throw');
}

describe('sentence()', () => {
  it('ends a text with exactly one full stop, keeping one it already has', () => {
    expect(sentence('the server went away')).toBe('the server went away.');
    expect(sentence('the server went away.')).toBe('the server went away.');
    expect(sentence('is it up?  ')).toBe('is it up?');
    expect(sentence('wait…')).toBe('wait…');
  });
});

describe('a server address given without ws://', () => {
  it('ReactiveWebSocket and websocket() both throw at once, saying the scheme is missing and suggesting the ws:// URL', () => {
    const { WebSocketCtor, made: natives } = fakeSockets();
    for (const open of [
      () => new ReactiveWebSocket({ url: 'localhost:8080', WebSocketCtor }),
      () => websocket('127.0.0.1:8080', { WebSocketCtor }),
    ]) {
      const error = thrownBy(open);
      expect(error).toBeInstanceOf(SyntaxError);
      expect(error.message).toMatch(/^reactive-websocket: "(localhost|127\.0\.0\.1):8080" has no scheme/);
      expect(error.message).toMatch(/Did you mean "ws:\/\/(localhost|127\.0\.0\.1):8080"\?$/);
      expect(error.message).not.toMatch(/relative/);
    }
    expect(natives).toHaveLength(0);
  });
});

describe('SocketClosedError thrown by send()', () => {
  it("after the user's close(), says so and says to create a new socket, without suggesting reconnect", () => {
    const { socket, last } = fakeSocket();
    last().open();
    socket.close(4002, 'shutting down');
    const error = thrownBy(() => socket.send('x'));
    expect(error).toBeInstanceOf(SocketClosedError);
    expect(error.message).toBe(
      'reactive-websocket: cannot send: the socket to ws://localhost:1239/feed was closed by close() with code 4002 ("shutting down"); ' +
        'create a new socket to send more.',
    );
    expect(error.message).not.toMatch(/reconnect/);
  });

  it('after a server close with reconnect off, says reconnect is off and how to turn it on', () => {
    const { socket, last } = fakeSocket({ reconnect: false });
    last().open();
    last().closed(4001, 'bye');
    const error = thrownBy(() => socket.send('x')) as SocketClosedError;
    expect(error.message).toMatch(
      /the socket to ws:\/\/localhost:1239\/feed was closed by the server with code 4001 \("bye"\), and reconnect is off/,
    );
    expect(error.message).toMatch(/create a new socket to send more, or pass reconnect: true so that it reconnects by itself\.$/);
    expect(error.closed).toEqual({ by: 'server', code: 4001, reason: 'bye', reconnect: 'off' });
  });

  it('after a server close that shouldReconnect declined, says so and does not suggest turning reconnect on', () => {
    const { socket, last } = fakeSocket({ reconnect: { shouldReconnect: () => false } });
    last().open();
    last().closed(4001);
    const error = thrownBy(() => socket.send('x')) as SocketClosedError;
    expect(error.message).toMatch(
      /closed by the server with code 4001, and shouldReconnect chose not to reconnect; create a new socket to send more\.$/,
    );
    expect(error.message).not.toMatch(/reconnect: true|enable reconnect/);
    expect(error.closed.reconnect).toBe('declined');
  });

  it('after reconnecting gave up, says so and suggests raising reconnect.attempts, not turning reconnect on', async () => {
    const { socket, made, last, errors } = fakeSocket({ reconnect: { attempts: 1, initialDelay: 0, maxDelay: 0 } });
    last().open();
    last().closed(1006, '', false);
    await until(() => made.length === 2, 5000, 'the reconnect attempt');
    last().closed(1006, '', false);
    expect(socket.state).toBe('closed');
    const error = thrownBy(() => socket.send('x')) as SocketClosedError;
    expect(error.message).toMatch(
      /closed by the network with code 1006, and reconnecting gave up \(reconnect.attempts reached; see the ReconnectError on error\$\); /,
    );
    expect(error.message).toMatch(/create a new socket to send more, or raise reconnect.attempts\.$/);
    expect(error.message).not.toMatch(/reconnect: true|enable reconnect/);
    expect(error.closed.reconnect).toBe('exhausted');
    expect(errors.map((reported) => reported.name)).toEqual(['ReconnectError']);
  });

  it('after the URL provider gave an invalid URL, says the socket stopped, not that close() closed it', async () => {
    const { socket, errors } = fakeSocket({ url: () => 'ftp://localhost/feed' });
    await until(() => socket.state === 'closed', 5000, 'the socket to stop');
    expect(errors[0]).toBeInstanceOf(SyntaxError);
    const error = thrownBy(() => socket.send('x'));
    expect(error.message).toMatch(
      /cannot send: the socket to .* stopped \("invalid URL", reported on error\$\); create a new socket to send more\.$/,
    );
    expect(error.message).not.toMatch(/close\(\)/);
  });
});

describe('SocketClosedError for queued messages never sent', () => {
  it("after the user's close(), counts them in words, points at error.unsent and does not suggest reconnect", () => {
    const { socket, last, errors } = fakeSocket();
    socket.send('a');
    socket.send('b');
    socket.close();
    last().closed(1000);
    const error = errors[0] as SocketClosedError;
    expect(error.unsent).toEqual(['a', 'b']);
    expect(error.message).toBe(
      'reactive-websocket: 2 queued messages were not sent: the socket to ws://localhost:1239/feed was closed by close() with code 1000 ' +
        'before they could be. They are in error.unsent; send them on a new socket if they are still needed.',
    );
    expect(error.message).not.toMatch(/reconnect|\(s\)/);
  });

  it('for one message, speaks of it in the singular', () => {
    const { socket, last, errors } = fakeSocket();
    socket.send('a');
    socket.close();
    last().closed(1000);
    expect(errors[0].message).toMatch(
      /^reactive-websocket: 1 queued message was not sent: .* before it could be\. It is in error.unsent; send it on a new socket/,
    );
  });

  it('after a lost connection with reconnect off, suggests turning reconnect on so that queued messages wait', () => {
    const { socket, last, errors } = fakeSocket({ reconnect: false });
    socket.send('a');
    last().closed(1006, '', false);
    const error = errors.find((reported) => reported instanceof SocketClosedError)!;
    expect(error.message).toMatch(/closed by the network with code 1006, and reconnect is off before it could be/);
    expect(error.message).toMatch(/or pass reconnect: true so that queued messages wait for the next connection\.$/);
  });
});

describe('BufferOverflowError', () => {
  it('names the count and buffer.limit, without claiming the socket is not open (it is, waiting for acknowledgements)', () => {
    const { socket, last } = fakeSocket<unknown, { id: number }>({
      serializer: jsonSerializer,
      buffer: { limit: 2 },
      delivery: { id: (message) => message.id, ackOf: () => undefined },
    });
    last().open();
    socket.send({ id: 1 });
    socket.send({ id: 2 });
    const error = thrownBy(() => socket.send({ id: 3 }));
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(error.message).toMatch(
      /the outbox for ws:\/\/localhost:1239\/feed already holds 2 messages, as many as buffer.limit allows\. Nothing was queued\./,
    );
    expect(error.message).toMatch(/raise buffer.limit, or set buffer.overflow to 'drop-oldest' or 'drop-newest'\.$/);
    expect(error.message).not.toMatch(/not open/);
  });

  it('with buffer.limit 1, speaks of 1 message in the singular', () => {
    const { socket } = fakeSocket({ buffer: { limit: 1 } });
    socket.send('a');
    const error = thrownBy(() => socket.send('b'));
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(error.message).toMatch(/already holds 1 message, as many as buffer.limit allows\./);
  });

  it('speaks of 1 byte in the singular, for the message and for what the outbox holds', () => {
    const { socket } = fakeSocket({ buffer: { maxBytes: 1 } });
    socket.send('a');
    const error = thrownBy(() => socket.send('b'));
    expect(error.message).toMatch(/cannot queue a message of 1 byte: the outbox for .* already holds 1 byte, and buffer.maxBytes is 1\./);
  });

  it('names the bytes and buffer.maxBytes when the byte bound is what is reached', () => {
    const { socket } = fakeSocket({ buffer: { maxBytes: 10 } });
    socket.send('12345678');
    const error = thrownBy(() => socket.send('abcd'));
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(error.message).toMatch(
      /cannot queue a message of 4 bytes: the outbox for ws:\/\/localhost:1239\/feed already holds 8 bytes, and buffer.maxBytes is 10\./,
    );
    expect(error.message).toMatch(/raise buffer.maxBytes/);
    expect(error.message).not.toMatch(/messages|buffer.limit/);
  });
});

describe('errors that carry what someone else said', () => {
  it('DeserializationError: a cause ending with a full stop gives no doubled one', () => {
    const { socket, last, errors } = fakeSocket<string>({
      deserializer: () => {
        throw new Error('Bad frame.');
      },
    });
    const subscription = socket.messages$.subscribe(); // decoded only when someone listens
    last().open();
    last().receive('x');
    subscription.unsubscribe();
    expect(errors[0]).toBeInstanceOf(DeserializationError);
    expect(errors[0].message).toMatch(/\(text of 1 character: "x"\): Error: Bad frame\. The message was skipped; /);
    expect(errors[0].message).not.toMatch(/\.\./);
  });

  it('ReconnectError: counts attempts in the singular and plural, with no doubled full stop', () => {
    expect(new ReconnectError('ws://h/', 1, 'the server is gone.').message).toBe(
      'reactive-websocket: gave up reconnecting to ws://h/ after 1 attempt: the server is gone.',
    );
    expect(new ReconnectError('ws://h/', 3, 'the last close had code 1006').message).toMatch(
      /after 3 attempts: the last close had code 1006\.$/,
    );
  });

  it('a throwing serializer: the message ends with one full stop, whether or not the error had one', () => {
    const ending = (thrown: unknown): string => {
      const { socket } = fakeSocket<unknown, string>({
        serializer: () => {
          throw thrown;
        },
      });
      return thrownBy(() => socket.send('x')).message;
    };
    expect(ending(new Error('no.'))).toBe('reactive-websocket: the serializer threw, so nothing was sent or queued: Error: no.');
    expect(ending('plain')).toBe('reactive-websocket: the serializer threw, so nothing was sent or queued: plain.');
  });

  it('jsonSerializer: says what toJSON threw, even when it is not an Error, with no doubled full stop', () => {
    const message = (thrown: unknown): string => {
      try {
        jsonSerializer({
          toJSON: () =>
            ((): never => {
              throw thrown;
            })(),
        });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('jsonSerializer did not throw');
    };
    expect(message('nope')).toMatch(/^cannot encode the message as JSON: nope\. Remove/);
    expect(message(new Error('Bad value.'))).toMatch(/^cannot encode the message as JSON: Bad value\. Remove/);
  });
});

describe('messages about a value', () => {
  it('a value the default serializer cannot send: suggests a serializer', () => {
    const { socket } = fakeSocket<unknown, unknown>();
    expect(thrownBy(() => socket.send({ a: 1 })).message).toMatch(/Pass a serializer \(for example jsonSerializer\)/);
  });

  it('a value a custom serializer returned: names the serializer, and does not suggest passing one', () => {
    const { socket } = fakeSocket<unknown, unknown>({ serializer: () => undefined as never });
    const error = thrownBy(() => socket.send('x'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      'reactive-websocket: the serializer returned a value of type undefined; a socket sends strings, ArrayBuffers, typed arrays, ' +
        'DataViews and Blobs. Make the serializer return one of them. Nothing was sent or queued.',
    );
  });

  it('delivery.id returning nothing: says nothing was sent or queued', () => {
    const { socket } = fakeSocket<unknown, { id?: number }>({
      serializer: jsonSerializer,
      delivery: { id: (message) => message.id, ackOf: () => undefined },
    });
    expect(thrownBy(() => socket.send({})).message).toMatch(
      /delivery.id returned undefined; every message needs an id.*\. Nothing was sent or queued\.$/,
    );
  });

  it('a repeated delivery id that JSON cannot show (a BigInt): names it instead of failing to', () => {
    const { socket } = fakeSocket<unknown, { id: bigint }>({
      serializer: () => 'm',
      delivery: { id: (message) => message.id, ackOf: () => undefined },
    });
    socket.send({ id: 1n });
    const error = thrownBy(() => socket.send({ id: 1n }));
    expect(error.message).toMatch(
      /a message with id 1n is already waiting for its acknowledgement; ids must be unique among pending messages\. Nothing was sent or queued\./,
    );
  });

  it('settings given a function or a string: show the type or the quoted string, never the source of a function', () => {
    const source = () => 'SECRET-SOURCE';
    const problem = (config: Partial<ReactiveWebSocketConfig>): string => {
      try {
        fakeSocket(config as never).socket.close();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(problem({ reconnect: source as never })).toBe('reactive-websocket: reconnect must be true, false or an object, not function.');
    expect(problem({ reconnect: 'yes' as never })).toBe('reactive-websocket: reconnect must be true, false or an object, not "yes".');
    expect(problem({ buffer: source as never })).toBe(
      'reactive-websocket: buffer must be an object such as { limit: 1000 }, not function.',
    );
    expect(problem({ buffer: { limit: {} as never } })).toBe(
      'reactive-websocket: buffer.limit must be a whole number of at least 1, not object (Object).',
    );
  });
});
