import type { Deserializer } from './codec.js';
import { DeserializationError } from './errors.js';
import type { SocketMessageEvent } from './events.js';
import type { NativeEvent } from './native-socket.js';
import { askSafely } from './report.js';
import type { Streams } from './streams.js';

/**
 * The incoming path, the hot one: each message is emitted raw on the socket's streams and
 * decoded once, for every subscriber of `messages$`, only when someone wants it decoded. A
 * decoded message may settle an acknowledgement, or be a pong, which is kept out of `messages$`.
 * A message the deserializer rejects is reported as a `DeserializationError` and skipped.
 */
export class Receiver<In, Out> {
  /** The socket's streams, where each message is emitted. */
  readonly streams: Streams<In, Out>;
  readonly #deserializer: Deserializer<In>;
  readonly #acknowledge: ((message: In) => void) | undefined;
  readonly #isPong: ((message: In) => boolean) | undefined;
  // Messages must be decoded, even with no subscriber, to see acknowledgements and pongs.
  readonly #decodeAlways: boolean;

  constructor(
    streams: Streams<In, Out>,
    deserializer: Deserializer<In>,
    acknowledge: ((message: In) => void) | undefined,
    isPong: ((message: In) => boolean) | undefined,
  ) {
    this.streams = streams;
    this.#deserializer = deserializer;
    this.#acknowledge = acknowledge;
    this.#isPong = isPong;
    this.#decodeAlways = acknowledge !== undefined || isPong !== undefined;
  }

  /** A message arrived on the open connection. */
  message(native: NativeEvent): void {
    // The runtime's own event, unless it came without a type (some test doubles and wrappers).
    const event = (native.type === 'message' ? native : { type: 'message', data: native.data }) as SocketMessageEvent;
    const streams = this.streams;
    streams.emit(event);
    if (this.#decodeAlways || streams.decoded.observed) this.#decode(event);
  }

  #decode(event: SocketMessageEvent): void {
    let value: In;
    try {
      value = this.#deserializer(event);
    } catch (cause) {
      this.streams.emit({ type: 'error', error: new DeserializationError(event, cause) });
      return;
    }
    this.#acknowledge?.(value);
    if (this.#isPong !== undefined && askSafely(this.#isPong, value, false)) return;
    this.streams.decoded.next(value);
  }
}
