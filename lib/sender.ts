import { utf8ByteLength } from './close-code.js';
import { snapshot, type WebSocketData } from './codec.js';
import { OPEN, type WebSocketLike } from './native-socket.js';
import type { AnySocketFeature, DeliveryLike, DeliverySettings, FeatureSlots, OutgoingEvents, SocketOutgoing } from './feature.js';
import { Outbox, resolveBufferConfig, type BufferConfig, type OutboxEntry, type ResolvedBufferConfig } from './outbox.js';

// How often a socket above its high-water mark is checked for room: browsers have no drain event.
const DRAIN_POLL_MS = 10;

/**
 * The outgoing path of the `buffer()` feature: `send` → serializer → outbox → the open socket's
 * `send`. It hands a message straight to an open socket that is below its high-water mark and has
 * nothing queued before it; otherwise the message waits in the outbox and is handed over, in
 * order, when the socket opens or drains. With delivery on, messages stay held until acknowledged.
 */
export class Sender<In, Out> implements SocketOutgoing<Out> {
  /** The messages waiting, and with delivery those not yet acknowledged. */
  readonly outbox: Outbox<Out>;
  /** Acknowledgements and re-sends, with delivery on. */
  readonly delivery: DeliveryLike<In, Out> | undefined;
  #socket: WebSocketLike | undefined;
  // The socket's buffer was seen at or above the high-water mark, and not below it since.
  #blocked = false;
  #writable = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #highWaterMark: number;
  readonly #encode: (value: Out) => WebSocketData;
  readonly #events: OutgoingEvents<Out>;

  /**
   * @param encode - the serializer, checked: it throws for a value that cannot be sent.
   * @param buffer - the outbox's bounds and the high-water mark.
   * @param delivery - at-least-once delivery's settings, or `undefined` without it.
   * @param url - the socket's redacted URL, for error messages.
   * @param events - told of dropped messages and of changes of `writable`.
   */
  constructor(
    encode: (value: Out) => WebSocketData,
    buffer: ResolvedBufferConfig,
    delivery: DeliverySettings<In, Out> | undefined,
    url: string,
    events: OutgoingEvents<Out>,
  ) {
    this.#encode = encode;
    this.#events = events;
    this.#highWaterMark = buffer.highWaterMark;
    this.outbox = new Outbox<Out>(buffer, delivery !== undefined, url);
    this.delivery = delivery?.start(this.outbox, (data) => this.#sendIfOpen(data as WebSocketData));
  }

  /** Settles what an incoming message acknowledges, with delivery on. */
  get acknowledge(): ((message: In) => void) | undefined {
    return this.delivery?.acknowledge;
  }

  /** Messages waiting to be handed to a socket. */
  get queued(): number {
    return this.outbox.queued;
  }

  /** Messages not yet known to be delivered: with delivery, every one not acknowledged; otherwise the queued ones. */
  get pending(): number {
    return this.outbox.size;
  }

  /** The values waiting to be handed to a socket, oldest first; they stay held. */
  waiting(): Out[] {
    return this.outbox.waiting();
  }

  /** Empties the outbox and returns every value held (with delivery, every one not acknowledged), oldest first. */
  takeAll(): Out[] {
    return this.outbox.takeAll().map((entry) => entry.value);
  }

  /**
   * Whether a message sent now goes straight to the socket: one is open, nothing is queued, and
   * its buffer was below the high-water mark after the last message handed to it. Every change is
   * told to `events.writable`.
   */
  get writable(): boolean {
    return this.#writable;
  }

  /**
   * Encodes and sends a message, or queues it.
   * @throws TypeError for a value the serializer cannot encode, or a bad delivery id; BufferOverflowError when full.
   */
  send(value: Out): void {
    const data = this.#encode(value);
    const socket = this.#socket;
    if (this.delivery === undefined) {
      if (socket !== undefined && socket.readyState === OPEN && !this.#blocked && !this.outbox.hasQueued) {
        socket.send(data as string);
        // Read once per message, after the send instead of before it, and only with a mark set.
        if (this.#highWaterMark !== Infinity && socket.bufferedAmount >= this.#highWaterMark) this.#block();
        return;
      }
      this.#enqueue(value, data, undefined);
    } else {
      this.#enqueue(value, data, this.delivery.idOf(value));
    }
    if (socket !== undefined) this.flush();
  }

  /** Starts sending to a socket that just opened: unacknowledged messages first, then the queue. */
  open(socket: WebSocketLike): void {
    this.#socket = socket;
    this.outbox.requeueUnacknowledged();
    this.flush();
  }

  /** Stops sending: the socket is closing or gone. Queued messages wait for the next one. */
  close(): void {
    this.#socket = undefined;
    this.#blocked = false;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.delivery?.stop();
    this.#publish(false);
  }

  /**
   * Hands queued messages to the open socket, in order, while it stays below its high-water mark.
   * Then the socket is writable; or, stopped at the mark, it is polled until it has drained.
   */
  flush(): void {
    const socket = this.#socket;
    // Closing (the peer's close frame arrived, its close event has not): the messages wait for the next socket.
    if (socket === undefined) return;
    if (socket.readyState !== OPEN) return this.#publish(false);
    const now = Date.now();
    for (;;) {
      if (!this.#hasRoom(socket)) {
        this.#block();
        return;
      }
      const entry = this.outbox.next();
      if (entry === undefined) break;
      socket.send(entry.data as string);
      this.outbox.sent(entry, now);
    }
    this.delivery?.watch();
    this.#blocked = false;
    this.#publish(true);
  }

  /** A re-send: the entry stays held (unacknowledged) when the socket is closing, and goes out on the next one. */
  #sendIfOpen(data: WebSocketData): void {
    const socket = this.#socket;
    if (socket?.readyState === OPEN) socket.send(data as string);
  }

  #hasRoom(socket: WebSocketLike): boolean {
    return this.#highWaterMark === Infinity || socket.bufferedAmount < this.#highWaterMark;
  }

  /** The socket is at or above its high-water mark: sends wait, and it is polled (browsers have no drain event). */
  #block(): void {
    this.#blocked = true;
    this.#drainTimer ??= setTimeout(() => {
      this.#drainTimer = undefined;
      this.flush();
    }, DRAIN_POLL_MS);
    this.#publish(false);
  }

  #publish(writable: boolean): void {
    if (this.#writable === writable) return;
    this.#writable = writable;
    this.#events.writable(writable);
  }

  #enqueue(value: Out, data: WebSocketData, key: unknown): void {
    // A message that waits, or is held for re-sending, keeps the bytes it had at send(); one handed straight to the socket is copied by the runtime.
    const entry: OutboxEntry<Out> = { value, data: snapshot(data), bytes: byteLength(data), key, sentAt: undefined, settled: false };
    for (const dropped of this.outbox.add(entry)) this.#events.dropped(dropped.value);
  }
}

function byteLength(data: WebSocketData): number {
  if (typeof data === 'string') return utf8ByteLength(data);
  return 'byteLength' in data ? data.byteLength : data.size;
}

/**
 * The buffer feature, for `use`: a bounded outbox in place of the core's unbounded queue, with an
 * overflow policy (`dropped$` hears of what it drops) and backpressure (`highWaterMark`,
 * `writable$`, `whenWritable()`). Also what `delivery()` keeps its unacknowledged messages in.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, buffer } from 'reactive-websocket/core';
 *
 * const socket = new ReactiveWebSocket<string, string>({
 *   url: 'ws://127.0.0.1:8080',
 *   use: [buffer({ limit: 100, overflow: 'drop-oldest' })],
 * });
 * // While the connection is down, the 101st message pushes out the oldest, which arrives here.
 * socket.dropped$.subscribe((message) => console.warn('dropped', message));
 * ```
 *
 * @throws TypeError or RangeError at once for a setting of the wrong type or range, naming it.
 */
export function buffer(config?: BufferConfig): AnySocketFeature {
  const resolved = resolveBufferConfig(config);
  return {
    outgoing: (encode, url, events, delivery) => new Sender(encode, resolved, delivery, url, events),
  } satisfies FeatureSlots<never, never> as AnySocketFeature;
}
