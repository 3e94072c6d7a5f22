import { asFeature, type DeliverySettings, type SocketFeature } from './feature.js';
import type { Outbox } from './outbox.js';
import { callSafely, callForSend } from './report.js';
import { check, describeType, describeValue } from './check.js';

/**
 * At-least-once delivery: messages stay in the outbox until the server acknowledges them, are
 * sent again, in order, on every new connection, and again when not acknowledged in time.
 *
 * @typeParam In - incoming message type, for `ackOf`.
 * @typeParam Out - outgoing message type, for `id`.
 */
export interface DeliveryConfig<In = unknown, Out = unknown> {
  /** The id of an outgoing message; unique among unacknowledged messages. */
  readonly id: (message: Out) => unknown;
  /** The id an incoming message acknowledges, or `undefined` if it acknowledges none. */
  readonly ackOf: (message: In) => unknown;
  /** How long (ms) to wait for an acknowledgement on an open connection before sending again. Default 10,000. */
  readonly timeout?: number;
}

/**
 * Delivery settings with the default filled in, and the way to start delivery over an outbox:
 * the outgoing path reaches `Delivery` only through them, so a bundle with `buffer()` and no
 * `delivery()` carries none of it.
 */
export class ResolvedDeliveryConfig<In, Out> implements DeliverySettings<In, Out> {
  constructor(
    readonly id: (message: Out) => unknown,
    readonly ackOf: (message: In) => unknown,
    readonly timeout: number,
  ) {}

  /**
   * Refuses a socket with no `buffer()`: delivery keeps its messages in the outbox. Here rather
   * than in the socket, so that a bundle without `delivery()` carries no word of it.
   * @throws TypeError always.
   */
  withoutBuffer(): never {
    throw new TypeError('reactive-websocket: delivery() keeps messages in the outbox until acknowledged: use buffer() too.');
  }

  /** Starts delivery over `outbox`; `resend` hands one message to the open socket again. */
  start(outbox: Outbox<Out>, resend: (data: unknown) => void): Delivery<In, Out> {
    return new Delivery(this, outbox, resend);
  }
}

const DEFAULT_ACK_TIMEOUT = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Checks `delivery` settings and fills in the default. @throws TypeError or RangeError naming the field. */
export function resolveDeliveryConfig<In, Out>(config: DeliveryConfig<In, Out> | undefined): ResolvedDeliveryConfig<In, Out> | undefined {
  if (config === undefined) return undefined;
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: delivery must be an object such as { id, ackOf }, not ${describeType(config)}.`);
  }
  for (const name of ['id', 'ackOf'] as const) {
    if (typeof config[name] !== 'function') {
      throw new TypeError(`reactive-websocket: delivery.${name} must be a function, not ${describeType(config[name])}.`);
    }
  }
  const timeout = config.timeout ?? DEFAULT_ACK_TIMEOUT;
  check(typeof timeout == 'number' && timeout > 0, 'delivery.timeout', timeout, 'a number of ms above 0, or Infinity');
  return new ResolvedDeliveryConfig(config.id, config.ackOf, timeout);
}

/**
 * The acknowledgement side of at-least-once delivery: the id of each message sent, the
 * acknowledgements that settle them, and the timer that sends again what an open connection
 * has not acknowledged within `timeout`.
 */
export class Delivery<In, Out> {
  readonly #config: ResolvedDeliveryConfig<In, Out>;
  readonly #outbox: Outbox<Out>;
  readonly #resend: (data: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** {@link received}, bound: what the socket calls with each decoded message. */
  readonly acknowledge = (message: In): void => this.received(message);

  /**
   * @param config - the checked settings.
   * @param outbox - where the messages are held until acknowledged.
   * @param resend - hands one message to the open socket again.
   */
  constructor(config: ResolvedDeliveryConfig<In, Out>, outbox: Outbox<Out>, resend: (data: unknown) => void) {
    this.#config = config;
    this.#outbox = outbox;
    this.#resend = resend;
  }

  /**
   * The id of a message about to be sent.
   * @throws TypeError when `delivery.id` throws, returns nothing, or returns the id of a pending message.
   */
  idOf(value: Out): unknown {
    const key = callForSend(this.#config.id, value, 'delivery.id');
    if (key === undefined || key === null) {
      throw new TypeError(
        `reactive-websocket: delivery.id returned ${String(key)}; every message needs an id, the one the server's ` +
          'acknowledgement will name. Nothing was sent or queued.',
      );
    }
    if (this.#outbox.holds(key)) {
      throw new TypeError(
        `reactive-websocket: a message with id ${describeValue(key)} is already waiting for its acknowledgement; ` +
          'ids must be unique among pending messages. Nothing was sent or queued.',
      );
    }
    return key;
  }

  /** Settles the message an incoming one acknowledges, if any. A throwing `ackOf` is reported. */
  received(message: In): void {
    const key = callSafely(this.#config.ackOf, message);
    if (key !== undefined) this.#outbox.acknowledge(key);
  }

  /** Arms the re-send timer for the earliest message sent and not yet acknowledged, if none is armed. */
  watch(): void {
    if (this.#timer !== undefined) return;
    const earliest = this.#outbox.earliestSent();
    // timeout: Infinity never re-sends on the same connection; a timer would fire at once.
    if (earliest === undefined || this.#config.timeout === Infinity) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const now = Date.now();
        for (const entry of this.#outbox.sentBefore(now - this.#config.timeout)) {
          this.#resend(entry.data);
          entry.sentAt = now;
        }
        this.watch();
      },
      // Timers take at most 2^31 - 1 ms; one that waited that long is armed again for the rest.
      Math.min(MAX_TIMER_MS, Math.max(0, earliest + this.#config.timeout - Date.now())),
    );
  }

  /** Stops the re-send timer (the connection closed; the messages stay held). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The delivery feature, for `use`: at-least-once delivery. Messages stay held until the server
 * acknowledges them, and are sent again, in order, on every new connection and when not
 * acknowledged within `timeout`. It keeps them in the outbox, so it needs `buffer()` too.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, buffer, delivery, jsonDeserializer, jsonSerializer, reconnect } from 'reactive-websocket/core';
 *
 * interface Command {
 *   readonly id: number;
 *   readonly text: string;
 * }
 * interface Reply {
 *   readonly ack?: number;
 * }
 *
 * const socket = new ReactiveWebSocket<Reply, Command>({
 *   url: 'ws://127.0.0.1:8080',
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 *   // Each command is held until a reply { ack: id } arrives, and sent again after a reconnect.
 *   use: [reconnect(), buffer(), delivery({ id: (command) => command.id, ackOf: (reply) => reply.ack })],
 * });
 * socket.send({ id: 1, text: 'hello' });
 * ```
 *
 * @throws TypeError or RangeError at once for a setting of the wrong type or range, naming it.
 */
export function delivery<In, Out>(config: DeliveryConfig<In, Out>): SocketFeature<In, Out> {
  return asFeature<In, Out>({ delivery: resolveDeliveryConfig(config ?? (null as unknown as DeliveryConfig<In, Out>)) });
}
