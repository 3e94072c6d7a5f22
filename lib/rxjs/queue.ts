import type { WebSocketData } from '../codec.js';
import type { WebSocketLike } from '../native-socket.js';
import type { Outgoing } from './extension.js';

/**
 * The outgoing path of a subject without `resilient()`: RxJS's unbounded queue. Values are encoded
 * when given, sent at once to an open socket, and otherwise held, in order, for the next socket
 * that opens (also across sockets: a value is never dropped because its socket failed).
 */
export class Queue<Out> implements Outgoing<Out> {
  #socket: WebSocketLike | undefined;
  #held: WebSocketData[] = [];

  /** @param encode - the serializer, checked: it throws for a value that cannot be sent. */
  constructor(private readonly encode: (value: Out) => WebSocketData) {}

  /** Encodes a value and sends it to the open socket, or holds it. @throws what the serializer throws. */
  send(value: Out): void {
    const data = this.encode(value);
    // A socket the server has begun to close (readyState 2) would drop it: hold it for the next one.
    if (this.#socket?.readyState === 1 && !this.#held.length) this.#socket.send(data as string);
    else this.#held.push(data);
  }

  /** Sends what is held, in order, and from now on sends straight to `socket`. */
  open(socket: WebSocketLike): void {
    this.#socket = socket;
    for (const data of this.#held.splice(0)) socket.send(data as string);
  }

  /** Holds what is sent from now on. */
  close(): void {
    this.#socket = undefined;
  }
}
