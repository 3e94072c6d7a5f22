import type { Deserializer } from './codec.js';
import { DeserializationError } from './errors.js';
import type { SocketMessageEvent } from './events.js';
import type { NativeEvent } from './native-socket.js';
import { askSafely } from './report.js';
import type { Streams } from './streams.js';

/** What the incoming path of one socket reads and writes: its own state, kept on the socket so that an idle one carries no extra object. */
export interface Incoming<In, Out> {
  /** The socket's streams, where each message is emitted. */
  readonly streams: Streams<In, Out>;
  /** Settles what a message acknowledges, with delivery on. */
  readonly acknowledge: ((message: In) => void) | undefined;
}

/** What the incoming path reads of the socket's config: the deserializer, and the heartbeat's reply, which `messages$` does not get. */
export interface IncomingConfig<In> {
  readonly deserializer: Deserializer<In>;
  readonly features: { readonly isPong?: ((message: In) => boolean) | undefined };
}

/**
 * The incoming path, the hot one: a message is emitted raw on the socket's streams and decoded
 * once, for every subscriber of `messages$`, only when someone wants it decoded (or it may be an
 * acknowledgement or a pong, which must be seen with no subscriber). A message the deserializer
 * rejects is reported as a `DeserializationError` and skipped.
 */
export function receive<In, Out>(incoming: Incoming<In, Out>, config: IncomingConfig<In>, native: NativeEvent): void {
  // The runtime's own event, unless it came without a type (some test doubles and wrappers).
  const event = (native.type === 'message' ? native : { type: 'message', data: native.data }) as SocketMessageEvent;
  const { streams, acknowledge } = incoming;
  const { isPong } = config.features;
  streams.emit(event);
  if (acknowledge === undefined && isPong === undefined && !streams.decoded.observed) return;
  let value: In;
  try {
    value = config.deserializer(event);
  } catch (cause) {
    streams.emit({ type: 'error', error: new DeserializationError(event, cause) });
    return;
  }
  acknowledge?.(value);
  if (isPong !== undefined && askSafely(isPong, value, false)) return;
  streams.decoded.next(value);
}
