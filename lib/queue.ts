import { snapshot, type WebSocketData } from './codec.js';
import type { Outgoing, SocketOutgoing } from './feature.js';
import { OPEN, type WebSocketLike } from './native-socket.js';

/**
 * The outgoing path without the `buffer()` feature: an unbounded queue, as RxJS's. Values are
 * encoded when given, sent at once to an open socket with nothing held before them, and otherwise
 * held, in order, for the next socket that opens (also across sockets: a value is never dropped
 * because its socket failed). The drop-in's `webSocket()` sends through it.
 */
export class Queue<Out> implements Outgoing<Out> {
  /** The values held with their encoded bytes, oldest first. */
  protected held: Array<[value: Out, data: WebSocketData]> = [];
  #socket: WebSocketLike | undefined;
  readonly #encode: (value: Out) => WebSocketData;
  readonly #keep: ((data: WebSocketData) => WebSocketData) | undefined;

  /**
   * @param encode - the serializer, checked: it throws for a value that cannot be sent.
   * @param keep - what is held of a value's bytes; as they are by default, as RxJS holds them.
   */
  constructor(encode: (value: Out) => WebSocketData, keep?: (data: WebSocketData) => WebSocketData) {
    this.#encode = encode;
    this.#keep = keep;
  }

  /** Encodes a value and sends it to the open socket, or holds it. @throws what the serializer throws. */
  send(value: Out): void {
    const data = this.#encode(value);
    // A socket the server has begun to close (readyState 2) would drop it: hold it for the next one.
    if (this.#socket?.readyState === OPEN && !this.held.length) this.#socket.send(data as string);
    else this.held.push([value, this.#keep ? this.#keep(data) : data]);
  }

  /** Sends what is held, in order, and from now on sends straight to `socket`. */
  open(socket: WebSocketLike): void {
    this.#socket = socket;
    for (const [, data] of this.held.splice(0)) socket.send(data as string);
  }

  /** Holds what is sent from now on. */
  close(): void {
    this.#socket = undefined;
  }
}

/** The queue as a `ReactiveWebSocket` built without `buffer()` uses it: with what the socket reports of its outgoing path. */
export class SocketQueue<Out> extends Queue<Out> implements SocketOutgoing<Out> {
  #writable = false;
  readonly #writableChanged: (writable: boolean) => void;

  /**
   * @param encode - the serializer, checked: it throws for a value that cannot be sent.
   * @param writableChanged - told each time {@link SocketQueue.writable} changes.
   */
  constructor(encode: (value: Out) => WebSocketData, writableChanged: (writable: boolean) => void) {
    // The bytes as they are now: the caller may write to a buffer after send(), as WebSocket.send allows.
    super(encode, snapshot);
    this.#writableChanged = writableChanged;
  }

  /** Whether a value sent now goes straight to a socket. */
  get writable(): boolean {
    return this.#writable;
  }

  /** Values held. */
  get queued(): number {
    return this.held.length;
  }

  /** Values not yet handed to a socket: the same as `queued`, as nothing waits for an acknowledgement. */
  get pending(): number {
    return this.held.length;
  }

  override open(socket: WebSocketLike): void {
    super.open(socket);
    this.#publish(true);
  }

  override close(): void {
    super.close();
    this.#publish(false);
  }

  /** The values held, oldest first; they stay held. */
  waiting(): Out[] {
    return this.held.map(([value]) => value);
  }

  /** Empties the queue and returns the values it held, oldest first. */
  takeAll(): Out[] {
    return this.held.splice(0).map(([value]) => value);
  }

  #publish(writable: boolean): void {
    if (this.#writable === writable) return;
    this.#writable = writable;
    this.#writableChanged(writable);
  }
}
