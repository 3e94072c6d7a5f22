/**
 * The unbounded outgoing path (the core's without `buffer()`, and the drop-in's): values encoded
 * when given, sent at once to an open socket, else held in order for the next one, on hand-driven
 * sockets.
 */
import type { WebSocketLike } from '../lib/native-socket.js';
import { Queue, SocketQueue } from '../lib/queue.js';

/** The part of a socket the outgoing path uses, open as the engine hands one over; it records what it is sent. */
class OpenSocket implements WebSocketLike {
  readyState = 1;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'blob';
  readonly sent: unknown[] = [];

  /** Records the data, as a runtime accepts it only while open. @throws in any other readyState. */
  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error(`send() in readyState ${this.readyState}`);
    this.sent.push(data);
  }

  close(): void {}
}

function openSocket(): OpenSocket {
  return new OpenSocket();
}

/** A queue whose serializer marks what it encoded, with every change of `writable` told. */
function queue() {
  const told: boolean[] = [];
  const encoded: unknown[] = [];
  const path = new SocketQueue<string>(
    (value) => {
      encoded.push(value);
      return `<${value}>`;
    },
    (writable) => told.push(writable),
  );
  return { path, told, encoded };
}

describe('SocketQueue', () => {
  it('encodes each value when given and sends it at once to an open socket', () => {
    const { path, encoded } = queue();
    const socket = openSocket();
    path.open(socket);
    path.send('a');
    expect(encoded).toEqual(['a']);
    expect(socket.sent).toEqual(['<a>']);
    path.send('b');
    expect(socket.sent).toEqual(['<a>', '<b>']);
    expect(path.queued).toBe(0);
    expect(path.pending).toBe(0);
  });

  it('holds values, encoded when given, while no socket is open, and sends them in order to the next one', () => {
    const { path, encoded } = queue();
    path.send('a');
    path.send('b');
    path.send('c');
    expect(encoded).toEqual(['a', 'b', 'c']);
    expect(path.queued).toBe(3);
    expect(path.pending).toBe(3);
    const socket = openSocket();
    path.open(socket);
    expect(socket.sent).toEqual(['<a>', '<b>', '<c>']);
    expect(path.queued).toBe(0);
    path.send('d');
    expect(socket.sent).toEqual(['<a>', '<b>', '<c>', '<d>']);
  });

  it('holds what is sent after close(), for the next socket, and never writes to the closed one', () => {
    const { path } = queue();
    const first = openSocket();
    path.open(first);
    path.send('a');
    path.close();
    path.send('b');
    expect(first.sent).toEqual(['<a>']);
    expect(path.waiting()).toEqual(['b']);
    const second = openSocket();
    path.open(second);
    expect(second.sent).toEqual(['<b>']);
    expect(first.sent).toEqual(['<a>']);
  });

  it('holds a value sent while the socket is closing (readyState 2), which would drop it, for the next socket', () => {
    const { path } = queue();
    const closing = openSocket();
    path.open(closing);
    closing.readyState = 2;
    path.send('a');
    expect(closing.sent).toEqual([]);
    expect(path.queued).toBe(1);
    path.send('b');
    expect(closing.sent).toEqual([]);
    path.close();
    const next = openSocket();
    path.open(next);
    expect(next.sent).toEqual(['<a>', '<b>']);
  });

  it('keeps a value sent behind those held before it, even to a socket that reads as open', () => {
    const { path } = queue();
    const socket = openSocket();
    path.open(socket);
    socket.readyState = 2;
    path.send('a');
    // No runtime goes back from closing to open, but order must not depend on that.
    socket.readyState = 1;
    path.send('b');
    expect(socket.sent).toEqual([]);
    expect(path.waiting()).toEqual(['a', 'b']);
  });

  it('holds a copy of binary data, so that writes after send() do not reach the socket', () => {
    const path = new SocketQueue<Uint8Array | ArrayBuffer>(
      (value) => value,
      () => undefined,
    );
    const bytes = Uint8Array.of(1, 2, 3);
    const buffer = Uint8Array.of(4, 5).buffer;
    path.send(bytes);
    path.send(buffer);
    bytes[0] = 9;
    new Uint8Array(buffer)[0] = 9;
    const socket = openSocket();
    path.open(socket);
    expect(socket.sent).toHaveLength(2);
    expect([...new Uint8Array(socket.sent[0] as Uint8Array)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(socket.sent[1] as ArrayBuffer)]).toEqual([4, 5]);
    expect(socket.sent[0]).not.toBe(bytes);
  });

  it('hands binary data sent to an open socket over as it is: the runtime copies it', () => {
    const path = new SocketQueue<Uint8Array>(
      (value) => value,
      () => undefined,
    );
    const socket = openSocket();
    path.open(socket);
    const bytes = Uint8Array.of(1, 2, 3);
    path.send(bytes);
    expect(socket.sent[0]).toBe(bytes);
  });

  it('tells each change of writable once: true on open, false on close, nothing when it does not change', () => {
    const { path, told } = queue();
    expect(path.writable).toBe(false);
    path.close();
    expect(told).toEqual([]);
    path.open(openSocket());
    expect(path.writable).toBe(true);
    path.open(openSocket());
    expect(told).toEqual([true]);
    path.close();
    expect(path.writable).toBe(false);
    path.close();
    expect(told).toEqual([true, false]);
    path.open(openSocket());
    expect(told).toEqual([true, false, true]);
  });

  it("holds the bytes as they are in the plain Queue, the drop-in's, as RxJS holds them", () => {
    const path = new Queue<Uint8Array>((value) => value);
    const bytes = Uint8Array.of(1, 2, 3);
    path.send(bytes);
    const socket = openSocket();
    path.open(socket);
    expect(socket.sent).toEqual([bytes]);
    expect(socket.sent[0]).toBe(bytes);
  });

  it('throws what the serializer throws, and holds nothing then', () => {
    const refused = new TypeError('cannot encode');
    const path = new SocketQueue<string>(
      () => {
        throw refused;
      },
      () => undefined,
    );
    expect(() => path.send('a')).toThrow(refused);
    expect(path.queued).toBe(0);
    const socket = openSocket();
    path.open(socket);
    expect(() => path.send('b')).toThrow(refused);
    expect(socket.sent).toEqual([]);
  });

  it('lists the values held, oldest first, and keeps them; takeAll() empties it and returns them', () => {
    const { path } = queue();
    path.send('a');
    path.send('b');
    expect(path.waiting()).toEqual(['a', 'b']);
    expect(path.waiting()).toEqual(['a', 'b']);
    expect(path.queued).toBe(2);
    expect(path.takeAll()).toEqual(['a', 'b']);
    expect(path.queued).toBe(0);
    expect(path.waiting()).toEqual([]);
    expect(path.takeAll()).toEqual([]);
    const socket = openSocket();
    path.open(socket);
    expect(socket.sent).toEqual([]);
  });
});
