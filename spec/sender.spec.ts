/**
 * The outgoing path of `buffer()` on its own: `send` → serializer → outbox → the open socket, with
 * backpressure at the high-water mark (polled, as browsers have no drain event) and, with
 * delivery, messages held until acknowledged. Hand-driven sockets whose `bufferedAmount` the spec
 * sets, and jest's fake timers for the drain poll and the re-send timer.
 */
import { BufferOverflowError } from '../lib/errors.js';
import { resolveDeliveryConfig } from '../lib/delivery.js';
import type { OutgoingEvents } from '../lib/feature.js';
import type { WebSocketLike } from '../lib/native-socket.js';
import { resolveBufferConfig, type BufferConfig } from '../lib/outbox.js';
import { Sender, buffer } from '../lib/sender.js';
import { places } from './support/feature-places.js';

const URL_ = 'ws://example.test/feed';

/**
 * The part of a socket the outgoing path uses, open as the engine hands one over: it records what
 * it is sent, and its buffer grows by what it is given, as a runtime's does until the network
 * takes it. It counts reads of `bufferedAmount`.
 */
class BufferingSocket implements WebSocketLike {
  readyState = 1;
  protocol = '';
  binaryType = 'blob';
  readonly sent: unknown[] = [];
  reads = 0;
  #buffered = 0;

  get bufferedAmount(): number {
    this.reads++;
    return this.#buffered;
  }
  set bufferedAmount(bytes: number) {
    this.#buffered = bytes;
  }

  /** Records the data, as a runtime accepts it only while open. @throws in any other readyState. */
  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error(`send() in readyState ${this.readyState}`);
    this.sent.push(data);
    if (typeof data === 'string') this.#buffered += data.length;
  }

  close(): void {}
}

type Message = { id: number; text: string };
type Reply = { ack?: number };

/** What the sender told its socket's streams. */
function events() {
  const told = { dropped: [] as unknown[], writable: [] as boolean[] };
  const sink: OutgoingEvents<unknown> = {
    dropped: (value) => told.dropped.push(value),
    writable: (writable) => told.writable.push(writable),
  };
  return { told, sink };
}

function sender(config: BufferConfig = {}) {
  const { told, sink } = events();
  const path = new Sender<string, string>((value) => value, resolveBufferConfig(config), undefined, URL_, sink);
  return { path, told };
}

function deliveringSender(config: BufferConfig = {}, timeout = 1000) {
  const { told, sink } = events();
  const delivery = resolveDeliveryConfig<Reply, Message>({ id: (message) => message.id, ackOf: (reply) => reply.ack, timeout });
  const path = new Sender<Reply, Message>((message) => JSON.stringify(message), resolveBufferConfig(config), delivery, URL_, sink);
  return { path, told };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('Sender: sending', () => {
  it('hands a message straight to an open socket with nothing queued, and is writable', () => {
    const { path, told } = sender();
    const socket = new BufferingSocket();
    path.open(socket);
    expect(path.writable).toBe(true);
    expect(told.writable).toEqual([true]);
    path.send('a');
    path.send('b');
    expect(socket.sent).toEqual(['a', 'b']);
    expect(path.queued).toBe(0);
    expect(path.pending).toBe(0);
    path.close();
  });

  it('queues while no socket is open and hands the queue over in order when one opens', () => {
    const { path, told } = sender();
    path.send('a');
    path.send('b');
    expect(path.queued).toBe(2);
    expect(path.pending).toBe(2);
    expect(path.waiting()).toEqual(['a', 'b']);
    expect(path.writable).toBe(false);
    expect(told.writable).toEqual([]);
    const socket = new BufferingSocket();
    path.open(socket);
    expect(socket.sent).toEqual(['a', 'b']);
    expect(path.queued).toBe(0);
    expect(told.writable).toEqual([true]);
    path.close();
  });

  it('queues what is sent after close(), and tells that it is not writable, once', () => {
    const { path, told } = sender();
    const first = new BufferingSocket();
    path.open(first);
    path.close();
    path.close();
    path.send('a');
    expect(first.sent).toEqual([]);
    expect(told.writable).toEqual([true, false]);
    const second = new BufferingSocket();
    path.open(second);
    expect(second.sent).toEqual(['a']);
    path.close();
  });

  it('keeps messages for the next socket when the open one has begun closing (readyState 2)', () => {
    const { path, told } = sender();
    const socket = new BufferingSocket();
    path.open(socket);
    socket.readyState = 2;
    path.send('a');
    expect(socket.sent).toEqual([]);
    expect(path.queued).toBe(1);
    expect(path.writable).toBe(false);
    expect(told.writable).toEqual([true, false]);
    path.close();
    const next = new BufferingSocket();
    path.open(next);
    expect(next.sent).toEqual(['a']);
    path.close();
  });

  it('throws what the serializer throws and queues nothing', () => {
    const path = new Sender<string, string>(
      () => {
        throw new TypeError('cannot encode');
      },
      resolveBufferConfig({}),
      undefined,
      URL_,
      events().sink,
    );
    expect(() => path.send('a')).toThrow('cannot encode');
    expect(path.queued).toBe(0);
  });

  it('keeps a copy of queued binary data, and hands data for an open socket over as it is', () => {
    const path = new Sender<Uint8Array, Uint8Array>((value) => value, resolveBufferConfig({}), undefined, URL_, events().sink);
    const queued = Uint8Array.of(1, 2, 3);
    path.send(queued);
    queued[0] = 9;
    const socket = new BufferingSocket();
    path.open(socket);
    expect([...(socket.sent[0] as Uint8Array)]).toEqual([1, 2, 3]);
    const direct = Uint8Array.of(4);
    path.send(direct);
    expect(socket.sent[1]).toBe(direct);
    path.close();
  });

  it('lists the waiting values and keeps them; takeAll() empties the outbox and returns them', () => {
    const { path } = sender();
    path.send('a');
    path.send('b');
    expect(path.waiting()).toEqual(['a', 'b']);
    expect(path.takeAll()).toEqual(['a', 'b']);
    expect(path.queued).toBe(0);
    const socket = new BufferingSocket();
    path.open(socket);
    expect(socket.sent).toEqual([]);
    path.close();
  });
});

describe('Sender: bounds', () => {
  it('throws BufferOverflowError naming the URL when full under the default policy', () => {
    const { path } = sender({ limit: 2 });
    path.send('a');
    path.send('b');
    expect(() => path.send('c')).toThrow(BufferOverflowError);
    expect(() => path.send('c')).toThrow(/the outbox for ws:\/\/example\.test\/feed already holds 2 messages/);
    expect(path.waiting()).toEqual(['a', 'b']);
  });

  it('tells of each message an overflow policy drops', () => {
    const oldest = sender({ limit: 2, overflow: 'drop-oldest' });
    ['a', 'b', 'c', 'd'].forEach((value) => oldest.path.send(value));
    expect(oldest.told.dropped).toEqual(['a', 'b']);
    expect(oldest.path.waiting()).toEqual(['c', 'd']);
    const newest = sender({ limit: 2, overflow: 'drop-newest' });
    ['a', 'b', 'c'].forEach((value) => newest.path.send(value));
    expect(newest.told.dropped).toEqual(['c']);
  });

  it('counts text by its UTF-8 bytes, and binary by its bytes, against maxBytes', () => {
    const text = sender({ maxBytes: 4 });
    text.path.send('ab');
    text.path.send('cd');
    expect(() => text.path.send('e')).toThrow(/cannot queue a message of 1 byte: the outbox for .* already holds 4 bytes/);
    const accented = sender({ maxBytes: 4 });
    accented.path.send('ab');
    accented.path.send('é');
    expect(() => accented.path.send('é')).toThrow(/cannot queue a message of 2 bytes: .* already holds 4 bytes, and buffer\.maxBytes is 4/);

    const binary = new Sender<unknown, unknown>(
      (value) => value as ArrayBuffer,
      resolveBufferConfig({ maxBytes: 4 }),
      undefined,
      URL_,
      events().sink,
    );
    binary.send(new ArrayBuffer(3));
    expect(() => binary.send(Uint8Array.of(1, 2))).toThrow(/a message of 2 bytes: .* already holds 3 bytes/);
    const blobs = new Sender<unknown, unknown>(
      (value) => value as Blob,
      resolveBufferConfig({ maxBytes: 4 }),
      undefined,
      URL_,
      events().sink,
    );
    blobs.send(new Blob(['abc']));
    expect(() => blobs.send(new Blob(['de']))).toThrow(/a message of 2 bytes: .* already holds 3 bytes/);
  });
});

describe('Sender: backpressure at the high-water mark', () => {
  it('never reads bufferedAmount without a mark', () => {
    const { path } = sender();
    const socket = new BufferingSocket();
    path.send('a');
    path.open(socket);
    path.send('b');
    expect(socket.reads).toBe(0);
    path.close();
  });

  it('stops being writable once a message leaves the socket’s buffer at the mark, and queues what follows', () => {
    const { path, told } = sender({ highWaterMark: 10 });
    const socket = new BufferingSocket();
    path.open(socket);
    path.send('123456789');
    expect(path.writable).toBe(true);
    path.send('0');
    expect(socket.bufferedAmount).toBe(10);
    expect(path.writable).toBe(false);
    expect(told.writable).toEqual([true, false]);
    path.send('next');
    expect(socket.sent).toEqual(['123456789', '0']);
    expect(path.waiting()).toEqual(['next']);
    path.close();
  });

  it('polls every 10 ms until the socket has drained below the mark, then sends the queue and is writable again', () => {
    const { path, told } = sender({ highWaterMark: 10 });
    const socket = new BufferingSocket();
    path.open(socket);
    path.send('0123456789');
    path.send('a');
    jest.advanceTimersByTime(9);
    socket.bufferedAmount = 0;
    expect(socket.sent).toEqual(['0123456789']);
    jest.advanceTimersByTime(1);
    expect(socket.sent).toEqual(['0123456789', 'a']);
    expect(path.writable).toBe(true);
    expect(told.writable).toEqual([true, false, true]);
    expect(jest.getTimerCount()).toBe(0);
    path.close();
  });

  it('keeps polling while the socket stays at the mark, with one timer at a time', () => {
    const { path } = sender({ highWaterMark: 10 });
    const socket = new BufferingSocket();
    path.open(socket);
    path.send('0123456789');
    path.send('a');
    path.send('b');
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(10);
    expect(socket.sent).toEqual(['0123456789']);
    expect(jest.getTimerCount()).toBe(1);
    socket.bufferedAmount = 9;
    jest.advanceTimersByTime(10);
    // Sends while below the mark: 'a' brings it to 10, so 'b' waits for the next poll.
    expect(socket.sent).toEqual(['0123456789', 'a']);
    expect(path.waiting()).toEqual(['b']);
    socket.bufferedAmount = 0;
    jest.advanceTimersByTime(10);
    expect(socket.sent).toEqual(['0123456789', 'a', 'b']);
    path.close();
  });

  it('hands queued messages over while the socket is below the mark, and stops at it', () => {
    const { path } = sender({ highWaterMark: 10 });
    ['12345', '12345', '12345'].forEach((value) => path.send(value));
    const socket = new BufferingSocket();
    path.open(socket);
    expect(socket.sent).toEqual(['12345', '12345']);
    expect(path.queued).toBe(1);
    expect(path.writable).toBe(false);
    path.close();
  });

  it('stops polling on close(): no timer is left', () => {
    const { path } = sender({ highWaterMark: 10 });
    const socket = new BufferingSocket();
    path.open(socket);
    path.send('0123456789');
    expect(jest.getTimerCount()).toBe(1);
    path.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts a new socket unblocked, whatever the last one’s buffer was', () => {
    const { path } = sender({ highWaterMark: 10 });
    const first = new BufferingSocket();
    path.open(first);
    path.send('0123456789');
    path.close();
    const second = new BufferingSocket();
    path.open(second);
    path.send('a');
    expect(second.sent).toEqual(['a']);
    expect(path.writable).toBe(true);
    path.close();
  });
});

describe('Sender: with delivery', () => {
  it('holds sent messages until acknowledged: pending counts them, queued does not', () => {
    const { path } = deliveringSender();
    const socket = new BufferingSocket();
    path.open(socket);
    path.send({ id: 1, text: 'a' });
    path.send({ id: 2, text: 'b' });
    expect(socket.sent).toEqual(['{"id":1,"text":"a"}', '{"id":2,"text":"b"}']);
    expect(path.queued).toBe(0);
    expect(path.pending).toBe(2);
    path.acknowledge!({ ack: 1 });
    expect(path.pending).toBe(1);
    path.acknowledge!({});
    expect(path.pending).toBe(1);
    path.close();
  });

  it('sends every unacknowledged message again, in order, before the queue, on the next socket', () => {
    const { path } = deliveringSender();
    const first = new BufferingSocket();
    path.open(first);
    path.send({ id: 1, text: 'a' });
    path.send({ id: 2, text: 'b' });
    path.acknowledge!({ ack: 1 });
    path.close();
    path.send({ id: 3, text: 'c' });
    const second = new BufferingSocket();
    path.open(second);
    expect(second.sent).toEqual(['{"id":2,"text":"b"}', '{"id":3,"text":"c"}']);
    expect(path.takeAll()).toEqual([
      { id: 2, text: 'b' },
      { id: 3, text: 'c' },
    ]);
    path.close();
  });

  it('sends again what an open socket has not acknowledged within the timeout, but not to a closing one', () => {
    const { path } = deliveringSender({}, 1000);
    const socket = new BufferingSocket();
    path.open(socket);
    path.send({ id: 1, text: 'a' });
    jest.advanceTimersByTime(999);
    expect(socket.sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(socket.sent).toEqual(['{"id":1,"text":"a"}', '{"id":1,"text":"a"}']);
    socket.readyState = 2;
    jest.advanceTimersByTime(1000);
    expect(socket.sent).toHaveLength(2);
    expect(path.pending).toBe(1);
    path.close();
  });

  it('refuses a message whose id is already pending, and one without an id, queueing nothing', () => {
    const { path } = deliveringSender();
    path.send({ id: 1, text: 'a' });
    expect(() => path.send({ id: 1, text: 'again' })).toThrow(/already waiting for its acknowledgement/);
    expect(() => path.send({ text: 'none' } as Message)).toThrow(/delivery\.id returned undefined/);
    expect(path.waiting()).toEqual([{ id: 1, text: 'a' }]);
  });

  it('has no acknowledge without delivery', () => {
    expect(sender().path.acknowledge).toBeUndefined();
    expect(sender().path.delivery).toBeUndefined();
  });
});

describe('buffer()', () => {
  it('makes a Sender with its settings, taking delivery’s when given', () => {
    const { sink } = events();
    const feature = places<Reply, string>(buffer({ limit: 1 }));
    const path = feature.outgoing!((value) => value, URL_, sink, undefined);
    expect(path).toBeInstanceOf(Sender);
    path.send('a');
    expect(() => path.send('b')).toThrow(BufferOverflowError);
    expect(path.acknowledge).toBeUndefined();
    const delivery = resolveDeliveryConfig<Reply, string>({ id: (value) => value, ackOf: (reply) => reply.ack });
    const delivering = places<Reply, string>(buffer()).outgoing!((value) => value, URL_, sink, delivery);
    expect(delivering.acknowledge).toBeInstanceOf(Function);
  });

  it('checks its settings at once', () => {
    expect(() => buffer({ limit: 0 })).toThrow(/buffer\.limit must be a whole number of at least 1, not 0/);
    expect(() => buffer({ overflow: 'drop-all' as never })).toThrow(/buffer\.overflow "drop-all" is not one of/);
  });
});
