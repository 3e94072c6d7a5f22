/**
 * lib/native-socket.ts and lib/emitter-socket.ts on their own: which way a socket is listened to,
 * how it is dropped, and what is read from the runtime's error events. The `ws` path runs here on
 * a bare EventEmitter with ws's method names, so no network is needed.
 */
import { EventEmitter } from 'node:events';
import {
  handshakeStatus,
  listen,
  nativeErrorDetail,
  terminate,
  unlisten,
  type NativeEvent,
  type WebSocketLike,
} from '../lib/native-socket.js';
import type { SocketEventType } from '../lib/events.js';
import { FakeSocket, PropertySocket } from './support/fake-socket.js';

/** What a sink was handed, in order. */
function sink(): { handle: (type: SocketEventType, event: NativeEvent) => void; got: Array<[SocketEventType, NativeEvent]> } {
  const got: Array<[SocketEventType, NativeEvent]> = [];
  return { got, handle: (type, event) => got.push([type, event]) };
}

/** A socket shaped as `ws`'s: an EventEmitter with `terminate()`, that also offers the DOM-style methods (as ws does). */
class EmitterSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'nodebuffer';
  readonly calls: string[] = [];
  send(): void {}
  close(code?: number, reason?: string): void {
    this.calls.push(`close ${code} ${reason}`);
  }
  terminate(): void {
    this.calls.push('terminate');
  }
  addEventListener(): void {
    this.calls.push('addEventListener');
  }
  removeEventListener(): void {
    this.calls.push('removeEventListener');
  }
}

const asSocket = (socket: object): WebSocketLike => socket as unknown as WebSocketLike;

describe('listening to a ws socket', () => {
  it('uses its emitter events (not the DOM-style ones), translating them to the DOM shape, and removes them all', () => {
    const socket = new EmitterSocket();
    const { got, handle } = sink();
    const listening = listen(asSocket(socket), { handle });
    expect(listening).toBeUndefined();
    expect(socket.calls).toEqual([]);
    // 'error' first: a ws socket with no error listener crashes the process.
    expect(socket.eventNames()).toEqual(['error', 'open', 'message', 'close']);
    const failure = new Error('read ECONNRESET');
    socket.emit('open');
    socket.emit('message', Buffer.from('héllo'), false);
    socket.emit('message', Buffer.from([1, 2]), true);
    socket.emit('error', failure);
    socket.emit('close', 1006, Buffer.from(''));
    socket.emit('close', 4000, Buffer.from('bye'));
    expect(got).toEqual([
      ['open', { type: 'open' }],
      ['message', { type: 'message', data: 'héllo' }],
      ['message', { type: 'message', data: Buffer.from([1, 2]) }],
      ['error', { type: 'error', message: 'read ECONNRESET', error: failure }],
      ['close', { type: 'close', code: 1006, reason: '', wasClean: false }],
      ['close', { type: 'close', code: 4000, reason: 'bye', wasClean: true }],
    ]);
    unlisten(asSocket(socket), listening);
    expect(socket.eventNames()).toEqual([]);
    socket.emit('open');
    expect(got).toHaveLength(6);
  });

  it('drops it with terminate(), not close(), and ignores its later errors instead of crashing', () => {
    const socket = new EmitterSocket();
    expect(terminate(asSocket(socket), 4000, 'bye')).toBeUndefined();
    expect(socket.calls).toEqual(['terminate']);
    expect(() => socket.emit('error', new Error('late'))).not.toThrow();
  });
});

describe('listening to other sockets', () => {
  it.each([
    ['on', 'off'],
    ['on', 'terminate'],
    ['off', 'terminate'],
  ])('treats a socket with only %s and %s of ws’s three methods as a DOM one', (...methods: string[]) => {
    const socket = new FakeSocket();
    for (const method of methods) Object.assign(socket, { [method]: () => undefined });
    const { got, handle } = sink();
    const listening = listen(asSocket(socket), { handle });
    expect(socket.listenerCount()).toBe(4);
    const opened = socket.open();
    expect(got).toEqual([['open', opened]]);
    unlisten(asSocket(socket), listening);
    expect(socket.listenerCount()).toBe(0);
  });

  it('uses on* properties when the socket lacks addEventListener', () => {
    const removeEventListener = jest.fn();
    const socket = Object.assign(new PropertySocket(), { removeEventListener });
    const { got, handle } = sink();
    const listening = listen(asSocket(socket), { handle });
    expect(socket.listenerCount()).toBe(4);
    const opened = socket.open();
    expect(got).toEqual([['open', opened]]);
    unlisten(asSocket(socket), listening);
    expect(removeEventListener).not.toHaveBeenCalled();
    expect(socket.listenerCount()).toBe(0);
  });

  it('uses on* properties when the socket lacks removeEventListener, as it could not remove its listeners otherwise', () => {
    const addEventListener = jest.fn();
    const socket = Object.assign(new PropertySocket(), { addEventListener });
    const { got, handle } = sink();
    const listening = listen(asSocket(socket), { handle });
    expect(addEventListener).not.toHaveBeenCalled();
    const event = socket.receive('x');
    expect(got).toEqual([['message', event]]);
    unlisten(asSocket(socket), listening);
    expect(socket.listenerCount()).toBe(0);
  });

  it('hands an event dispatched as undefined on as an empty object', () => {
    const socket = new PropertySocket();
    const { got, handle } = sink();
    listen(asSocket(socket), { handle });
    socket.dispatch('open', undefined as unknown as object);
    expect(got).toEqual([['open', {}]]);
  });

  it('drops one with close(code, reason), and returns what close() throws instead of throwing it', () => {
    const calls: unknown[][] = [];
    expect(terminate(asSocket({ close: (...args: unknown[]) => calls.push(args) }), 4000, 'bye')).toBeUndefined();
    expect(calls).toEqual([[4000, 'bye']]);
    const refusal = new RangeError('bad code');
    expect(
      terminate(
        asSocket({
          close: () => {
            throw refusal;
          },
        }),
        1005,
      ),
    ).toBe(refusal);
  });
});

describe('what an error event says', () => {
  it('is its message, else its error’s message, else nothing (browsers say nothing)', () => {
    expect(nativeErrorDetail({ type: 'error', message: 'connect ECONNREFUSED' })).toBe('connect ECONNREFUSED');
    expect(nativeErrorDetail({ type: 'error', message: '', error: new Error('from the error') })).toBe('from the error');
    expect(nativeErrorDetail({ type: 'error', error: new Error('only the error') })).toBe('only the error');
    expect(nativeErrorDetail({ type: 'error', message: 42, error: 'not an Error' })).toBeUndefined();
    expect(nativeErrorDetail({ type: 'error' })).toBeUndefined();
  });

  it('gives the handshake’s HTTP status only for ws’s exact wording', () => {
    expect(handshakeStatus('Unexpected server response: 401')).toBe(401);
    expect(handshakeStatus('Unexpected server response: 503')).toBe(503);
    for (const other of [
      'xUnexpected server response: 401',
      'Unexpected server response: 4011',
      'Unexpected server response: 40',
      'Unexpected server response: abc',
      'connect ECONNREFUSED',
      undefined,
    ]) {
      expect(handshakeStatus(other)).toBeUndefined();
    }
  });
});
