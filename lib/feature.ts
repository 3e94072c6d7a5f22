import { describeValue } from './check.js';
import type { WebSocketData } from './codec.js';
import type { Connection } from './connection.js';
import type { ReconnectError, ConnectionError } from './errors.js';
import type { SocketCloseEvent } from './events.js';
import type { WebSocketLike } from './native-socket.js';
import type { Outbox } from './outbox.js';

/** A connection's heartbeat, as the engine drives it. */
export interface HeartbeatLike {
  /** Something arrived. */
  received(): void;
  /** The connection is closing or gone: no timer may be left. */
  stop(): void;
}

/**
 * An outgoing path: values in, in order, to the open socket. The core's is an unbounded queue;
 * the `buffer()` feature's is a bounded outbox with backpressure.
 *
 * @typeParam Out - the type of outgoing values before encoding.
 */
export interface Outgoing<Out> {
  /** Encodes a value and sends it, or holds it until a socket opens. @throws for a value it cannot take. */
  send(value: Out): void;
  /** A socket opened: send what was held, in order, then send straight to it. */
  open(socket: WebSocketLike): void;
  /** The socket is closing or gone: hold what is sent from now on. */
  close(): void;
}

/** The outgoing path of a `ReactiveWebSocket`: with what the socket reports of it. */
export interface SocketOutgoing<Out> extends Outgoing<Out> {
  /** Whether a value sent now goes straight to the socket. */
  readonly writable: boolean;
  /** Values waiting to be handed to a socket. */
  readonly queued: number;
  /** Values not yet known to be delivered: with acknowledgements, every one not acknowledged; else the queued ones. */
  readonly pending: number;
  /** The values waiting to be handed to a socket, oldest first; they stay held. */
  waiting(): Out[];
  /** Empties the path and returns every value it held (with acknowledgements, every one not acknowledged), oldest first. */
  takeAll(): Out[];
}

/** What the outgoing path tells the socket's streams. */
export interface OutgoingEvents<Out> {
  /** A value was dropped under an overflow policy. */
  dropped(value: Out): void;
  /** Whether a value sent now would go straight to the socket changed. */
  writable(writable: boolean): void;
}

/** At-least-once delivery at work over an outbox, as the outgoing path drives it (see `Delivery`). */
export interface DeliveryLike<In, Out> {
  /** Settles what an incoming message acknowledges. */
  readonly acknowledge: (message: In) => void;
  /** The id of a message about to be sent. @throws TypeError for a missing or pending id. */
  idOf(value: Out): unknown;
  /** Arms the re-send timer for what was sent and not yet acknowledged. */
  watch(): void;
  /** Stops the re-send timer; the messages stay held. */
  stop(): void;
}

/** At-least-once delivery's settings, checked (`delivery()`): what the outgoing path starts. */
export interface DeliverySettings<In, Out> {
  readonly id: (message: Out) => unknown;
  readonly ackOf: (message: In) => unknown;
  readonly timeout: number;
  /** Refuses a socket with no `buffer()`, whose outbox delivery keeps its messages in. @throws TypeError always. */
  withoutBuffer(): never;
  /** Starts delivery over `outbox`; `resend` hands one message to the open socket again. */
  start(outbox: Outbox<Out>, resend: (data: unknown) => void): DeliveryLike<In, Out>;
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
 * A feature of a socket, made by its own function (`reconnect()`, `buffer()`, `heartbeat()`,
 * `delivery()`) and passed in `use`. What it adds attaches at the places the engine lets it in;
 * the engine imports no feature, so a bundle carries only the features a program names.
 *
 * Its type says which sockets it fits: those whose incoming messages it can read, and whose
 * serializer takes what it sends. A feature that reads and sends no message is an
 * {@link AnySocketFeature}: it fits any socket.
 *
 * @typeParam In - the type of incoming messages it reads.
 * @typeParam Out - the type of outgoing messages it sends or reads.
 */
export interface SocketFeature<In = unknown, Out = unknown> {
  /** Never set: the feature's message types, for TypeScript alone. */
  readonly messageTypes?: FeatureMessageTypes<In, Out>;
}

/**
 * A feature's message types, as TypeScript checks them against a socket's: the incoming messages
 * it reads go in, the outgoing ones it sends or reads come out. So a socket takes a feature that
 * reads a wider type than it receives, and sends a narrower one than its serializer takes.
 */
export interface FeatureMessageTypes<In, Out> {
  /** The incoming messages it reads. */
  readonly reads: (incoming: In) => void;
  /** The outgoing messages it sends or reads. */
  readonly sends?: Out;
}

/**
 * A feature that reads and sends no message, such as `reconnect()` and `buffer()`: it fits any
 * socket, and leaves the socket's message types to the rest of its config.
 */
export interface AnySocketFeature {
  /** Never set: for TypeScript alone. */
  readonly messageTypes?: {
    /** Reads any incoming message, or none. */
    readonly reads: (incoming: unknown) => void;
    /** No outgoing message type: nothing for a socket's `Out` to be inferred from. */
    readonly sendsNone: true;
  };
}

/**
 * What features add, at the places the engine lets them in: the shape behind {@link SocketFeature},
 * which keeps it out of the public type. Each place is filled by at most one feature.
 */
export interface FeatureSlots<In, Out> {
  /** Makes the reconnect policy, when a connection first ends: whether and when to try again. */
  readonly reconnect?: (() => ReconnectPolicy) | undefined;
  /** Starts the heartbeat of a connection that opened; `presumedDead` fails it (it is then abandoned with 4010). */
  readonly heartbeat?:
    ((connection: Connection, encode: (value: Out) => WebSocketData, presumedDead: (detail: string) => void) => HeartbeatLike) | undefined;
  /**
   * Makes the outgoing path in place of the core's unbounded queue (the `buffer()` feature), with
   * `acknowledge` for each decoded message when it keeps values until acknowledged (`delivery()`).
   */
  readonly outgoing?:
    | ((
        serializer: (value: Out) => WebSocketData,
        url: string,
        events: OutgoingEvents<Out>,
        delivery: FeatureSlots<In, Out>['delivery'],
      ) => SocketOutgoing<Out> & { readonly acknowledge?: ((message: In) => void) | undefined })
    | undefined;
  /** At-least-once delivery's settings, checked, for the outgoing path (`delivery()`). */
  readonly delivery?: DeliverySettings<In, Out> | undefined;
  /** Recognises the heartbeat's reply, which subscribers do not see. */
  readonly isPong?: ((message: In) => boolean) | undefined;
}

/** A feature's places as its public type. */
export function asFeature<In, Out>(slots: FeatureSlots<In, Out>): SocketFeature<In, Out> {
  return slots as SocketFeature<In, Out>;
}

/**
 * The features of `use`, merged into one. @throws TypeError for something that is not a feature,
 * or for two features that fill the same place (say, two `heartbeat()`s).
 */
export function mergeFeatures<In, Out>(use: ReadonlyArray<SocketFeature<In, Out> | AnySocketFeature> | undefined): FeatureSlots<In, Out> {
  // One shape for every socket: the engine keeps it for the socket's life.
  const merged: { -readonly [Place in keyof FeatureSlots<In, Out>]: FeatureSlots<In, Out>[Place] } = {
    reconnect: undefined,
    heartbeat: undefined,
    outgoing: undefined,
    delivery: undefined,
    isPong: undefined,
  };
  if (use === undefined) return merged;
  if (!Array.isArray(use))
    throw new TypeError('reactive-websocket: use must be an array of features, such as [reconnect(), heartbeat({ … })].');
  for (const feature of use) {
    if (feature === null || typeof feature != 'object') {
      throw new TypeError(
        `reactive-websocket: use holds ${describeValue(feature)}, which is not a feature; call the feature's function: reconnect(), not reconnect.`,
      );
    }
    for (const [place, value] of Object.entries(feature as object) as Array<[keyof FeatureSlots<In, Out>, never]>) {
      if (merged[place] !== undefined && value !== undefined) {
        throw new TypeError(`reactive-websocket: two features in use both set ${place}; name each feature once.`);
      }
      merged[place] ??= value;
    }
  }
  return merged;
}
