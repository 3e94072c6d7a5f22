import type { WebSocketData } from './codec.js';
import type { Connection } from './connection.js';
import type { ReconnectError, ConnectionError } from './errors.js';
import type { SocketCloseEvent } from './events.js';

/** A connection's heartbeat, as the engine drives it. */
export interface HeartbeatLike {
  /** Something arrived. */
  received(): void;
  /** The connection is closing or gone: no timer may be left. */
  stop(): void;
}

/** The reconnect policy at work, as the engine drives it (see `Reconnect`). */
export interface ReconnectPolicy {
  /** After a close without `close()`: the next attempt, or `undefined` for none. */
  next(
    close: SocketCloseEvent,
    openedAt: number | undefined,
    failure?: ConnectionError,
  ): { readonly attempt: number; readonly delay: number } | undefined;
  /** After a `next` that gave no attempt: the error saying the attempts ran out, or `undefined` when none did. */
  gaveUp(url: string, close: SocketCloseEvent, cause: unknown): ReconnectError | undefined;
  /** Calls `attempt` after `delay` ms (and once the page is online). */
  schedule(delay: number, attempt: () => void): void;
  /** Drops the wait, if any. */
  cancel(): void;
  /** Whether a wait is under way. */
  readonly waiting: boolean;
}

/**
 * What a feature adds to a socket, at the places the engine lets it in. Each is made by the
 * feature's own function (`reconnect()`, `heartbeat()`, …) and passed in `use`; the engine
 * imports none of them, so a bundle carries only the features a program names.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface SocketFeature<In = unknown, Out = unknown> {
  /** Makes the reconnect policy, when a connection first ends: whether and when to try again. */
  readonly reconnect?: (() => ReconnectPolicy) | undefined;
  /** Starts the heartbeat of a connection that opened; `presumedDead` fails it (it is then abandoned with 4010). */
  readonly heartbeat?:
    ((connection: Connection, encode: (value: Out) => WebSocketData, presumedDead: (detail: string) => void) => HeartbeatLike) | undefined;
  /** Recognises the heartbeat's reply, which subscribers do not see. */
  readonly isPong?: ((message: In) => boolean) | undefined;
}

/**
 * The features of `use`, merged into one. @throws TypeError for something that is not a feature,
 * or for two features that fill the same place (say, two `heartbeat()`s).
 */
export function mergeFeatures<In, Out>(use: ReadonlyArray<SocketFeature<In, Out>> | undefined): SocketFeature<In, Out> {
  const merged: Record<string, unknown> = {};
  if (use === undefined) return merged;
  if (!Array.isArray(use))
    throw new TypeError('reactive-websocket: use must be an array of features, such as [reconnect(), heartbeat({ … })].');
  for (const feature of use) {
    if (feature === null || typeof feature != 'object') {
      throw new TypeError(
        `reactive-websocket: use holds ${String(feature)}, which is not a feature; call the feature's function: reconnect(), not reconnect.`,
      );
    }
    for (const [place, value] of Object.entries(feature as object)) {
      if (merged[place] !== undefined && value !== undefined) {
        throw new TypeError(`reactive-websocket: two features in use both set ${place}; name each feature once.`);
      }
      merged[place] ??= value;
    }
  }
  return merged;
}
