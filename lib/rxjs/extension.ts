import type { Subscriber } from 'rxjs';
import type { ConnectionObserver, ConnectionOptions } from '../connection.js';
import type { NativeEvent, WebSocketLike } from '../native-socket.js';
import type { Outgoing } from '../feature.js';

/** @internal The part of a `Connection` a subject uses. */
export interface ConnectionLike {
  /** The socket of the attempt under way or open; `undefined` between attempts. */
  readonly socket: WebSocketLike | undefined;
  /** Closes for good: the observer's `close` follows. */
  close(code?: number, reason?: string): void;
}

/**
 * @internal What `resilient()` adds to a subject, at the four places the core lets it in. The core
 * knows nothing of reconnecting, heartbeats, outboxes or acknowledgements.
 */
export interface Extension<In, Out> {
  /** The outgoing path: a bounded outbox, or the core's queue. */
  readonly outgoing: Outgoing<Out>;
  /**
   * Makes what the subject's subscribers share in place of one `Connection`: it reconnects as the
   * policy says, reporting each socket's `open` and every message, and `close` (or `error`) only
   * when it ends for good. It may throw as the constructor does.
   */
  connect(options: ConnectionOptions, observer: ExtensionObserver): ConnectionLike;
  /** A message was decoded. @returns whether subscribers get it (a heartbeat reply is kept from them). */
  received(value: In): boolean;
  /**
   * A `multiplex` subscription began: its subscription message goes out now on an open socket,
   * else on the next to open, and again on every later connection, never through `outgoing`.
   * @returns what ends it: `unsubMsg()` goes to the connection that holds the subscription, if still open.
   */
  track(subMsg: () => unknown, unsubMsg: () => unknown, subscriber: Subscriber<unknown>): () => void;
}

/**
 * @internal Who hears what a `ConnectionLike` does: as a connection's observer, except that `close`
 * gets no event when it ended while it had no socket, as no close happened then.
 */
export interface ExtensionObserver extends Omit<ConnectionObserver, 'close'> {
  /** It ended for good: the last close event, or `undefined` when no socket closed. */
  close(event: NativeEvent | undefined): void;
}
