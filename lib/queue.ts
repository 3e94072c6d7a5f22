import { snapshot, type WebSocketData } from './codec.js';
import type { Outgoing } from './feature.js';
import type { WebSocketLike } from './native-socket.js';

// A runtime socket's readyState while open: a closing one discards what it is given.
const OPEN = 1;

/**
 * The outgoing path without the `buffer()` feature: an unbounded queue, as RxJS's. Values are
 * encoded when given, sent at once to an open socket with nothing held before them, and otherwise
 * held, in order, for the next socket that opens (also across sockets: a value is never dropped
 * because its socket failed). The drop-in's `webSocket()` sends through it, and so does a
 * `ReactiveWebSocket` built without `buffer()`.
 */
export class Queue<Out> implements Outgoing<Out> {
  #socket: WebSocketLike | undefined;
  #held: Array<[value: Out, data: WebSocketData]> = [];
  #writable = false;

  /**
   * @param encode - the serializer, checked: it throws for a value that cannot be sent.
   * @param writableChanged - told each time {@link Queue.writable} changes.
   */
  constructor(
    private readonly encode: (value: Out) => WebSocketData,
    private readonly writableChanged?: (writable: boolean) => void,
  ) {}

  /** Whether a value sent now goes straight to a socket. */
  get writable(): boolean {
    return this.#writable;
  }

  /** Values held. */
  get queued(): number {
    return this.#held.length;
  }

  /** Values not yet handed to a socket: the same as `queued`, as nothing waits for an acknowledgement. */
  get pending(): number {
    return this.#held.length;
  }

  /** Encodes a value and sends it to the open socket, or holds it. @throws what the serializer throws. */
  send(value: Out): void {
    const data = this.encode(value);
    // A socket the server has begun to close (readyState 2) would drop it: hold it for the next one.
    if (this.#socket?.readyState === OPEN && !this.#held.length) this.#socket.send(data as string);
    // The bytes as they are now: the caller may write to a buffer after send(), as WebSocket.send allows.
    else this.#held.push([value, snapshot(data)]);
  }

  /** Sends what is held, in order, and from now on sends straight to `socket`. */
  open(socket: WebSocketLike): void {
    this.#socket = socket;
    for (const [, data] of this.#held.splice(0)) socket.send(data as string);
    this.#publish(true);
  }

  /** Holds what is sent from now on. */
  close(): void {
    this.#socket = undefined;
    this.#publish(false);
  }

  /** The values held, oldest first; they stay held. */
  waiting(): Out[] {
    return this.#held.map(([value]) => value);
  }

  /** Empties the queue and returns the values it held, oldest first. */
  takeAll(): Out[] {
    return this.#held.splice(0).map(([value]) => value);
  }

  #publish(writable: boolean): void {
    if (this.#writable === writable) return;
    this.#writable = writable;
    this.writableChanged?.(writable);
  }
}
