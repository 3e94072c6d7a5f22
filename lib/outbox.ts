import { type WebSocketData } from './codec.js';
import { BufferOverflowError } from './errors.js';
import { check, definedOnly, describeValue } from './check.js';

/** What to do with a message sent while the outbox is full. */
export type OverflowPolicy = 'error' | 'drop-oldest' | 'drop-newest';

/** Settings of the outbox: the queue of messages waiting for an open (and writable) socket. */
export interface BufferConfig {
  /** The most messages held. Default 1,000. With `delivery`, unacknowledged messages count too. */
  readonly limit?: number;
  /** The most bytes held (UTF-8 bytes for text). Default `Infinity`: bounded by `limit` alone. */
  readonly maxBytes?: number;
  /**
   * When full: `'error'` (default) throws `BufferOverflowError` from `send`; `'drop-oldest'` drops
   * the oldest held message; `'drop-newest'` drops the message being sent. Dropped messages are
   * emitted on `dropped$`, never lost silently.
   */
  readonly overflow?: OverflowPolicy;
  /**
   * Backpressure: while the socket's `bufferedAmount` is at or above this many bytes, sends wait
   * in the outbox and are passed on as the socket drains (`writable$` and `whenWritable()` tell when it has).
   * Default `Infinity`: every send goes straight to an open socket.
   */
  readonly highWaterMark?: number;
}

/** Outbox settings with every default filled in. */
export type ResolvedBufferConfig = Required<BufferConfig>;

/** The default number of messages the outbox holds. */
export const DEFAULT_BUFFER_LIMIT = 1000;

const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['error', 'drop-oldest', 'drop-newest'];
const DEFAULT_BUFFER_CONFIG: ResolvedBufferConfig = Object.freeze({
  limit: DEFAULT_BUFFER_LIMIT,
  maxBytes: Infinity,
  overflow: 'error',
  highWaterMark: Infinity,
});

/** Checks `buffer` settings and fills in defaults. @throws RangeError or TypeError naming the field. */
export function resolveBufferConfig(config: BufferConfig | undefined): ResolvedBufferConfig {
  if (config === undefined) return DEFAULT_BUFFER_CONFIG;
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: buffer must be an object such as { limit: 1000 }, not ${describeValue(config)}.`);
  }
  const resolved: ResolvedBufferConfig = { ...DEFAULT_BUFFER_CONFIG, ...definedOnly(config) };
  const { limit, maxBytes, overflow, highWaterMark } = resolved;
  check(Number.isInteger(limit) && limit >= 1, 'buffer.limit', limit, 'a whole number of at least 1');
  check(maxBytes > 0 && !Number.isNaN(maxBytes), 'buffer.maxBytes', maxBytes, 'a number of bytes above 0, or Infinity');
  check(highWaterMark > 0 && !Number.isNaN(highWaterMark), 'buffer.highWaterMark', highWaterMark, 'a number of bytes above 0, or Infinity');
  if (!OVERFLOW_POLICIES.includes(overflow)) {
    throw new TypeError(
      `reactive-websocket: buffer.overflow ${JSON.stringify(overflow)} is not one of ${OVERFLOW_POLICIES.map((p) => `'${p}'`).join(', ')}.`,
    );
  }
  return resolved;
}

// Never written to: the outbox uses it only where acknowledgements are off.
const EMPTY_MAP: Map<unknown, never> = new Map<unknown, never>();

/** One message in the outbox. */
export interface OutboxEntry<Out> {
  /** The value as given to `send`, reported on `dropped$` if it is dropped. */
  readonly value: Out;
  /** The value as encoded by the serializer; binary copied at `send()`, so later writes by the caller do not reach it. */
  readonly data: WebSocketData;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Its delivery id, with acknowledgements on. */
  readonly key: unknown;
  /** When it was last handed to a socket (ms since the epoch), or `undefined` if never. */
  sentAt: number | undefined;
  /** Acknowledged or dropped: no longer to be sent. */
  settled: boolean;
}

/**
 * The messages waiting to be sent, in order, and, with acknowledgements on, those sent but not yet
 * acknowledged. Bounded by count and bytes; never drops without saying so: `add` throws, or
 * returns what it dropped.
 */
export class Outbox<Out> {
  readonly #config: ResolvedBufferConfig;
  readonly #acknowledged: boolean;
  readonly #url: string;
  #queue: Array<OutboxEntry<Out>> = [];
  #head = 0;
  // Only with acknowledgements; without, an idle socket should not carry an empty map.
  readonly #unacknowledged: Map<unknown, OutboxEntry<Out>>;
  #heldBytes = 0;

  /**
   * @param config - the bounds and overflow policy.
   * @param acknowledged - whether messages stay until acknowledged (at-least-once delivery).
   * @param url - the socket's redacted URL, for error messages.
   */
  constructor(config: ResolvedBufferConfig, acknowledged: boolean, url: string) {
    this.#config = config;
    this.#acknowledged = acknowledged;
    this.#url = url;
    this.#unacknowledged = acknowledged ? new Map<unknown, OutboxEntry<Out>>() : EMPTY_MAP;
  }

  /** Messages waiting to be handed to a socket. */
  get queued(): number {
    // Without acknowledgements every entry from head on is unsent; with them, skip the settled.
    if (!this.#acknowledged) return this.#queue.length - this.#head;
    let count = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i].settled) count++;
    return count;
  }

  /** Whether anything waits to be handed to a socket. */
  get hasQueued(): boolean {
    while (this.#head < this.#queue.length && this.#queue[this.#head].settled) this.#head++;
    return this.#head < this.#queue.length;
  }

  /** Messages held: with acknowledgements, every one not yet acknowledged; otherwise the queued ones. */
  get size(): number {
    return this.#acknowledged ? this.#unacknowledged.size : this.#queue.length - this.#head;
  }

  /** Whether a message with this delivery id is held. */
  holds(key: unknown): boolean {
    return this.#unacknowledged.has(key);
  }

  /**
   * Adds a message at the end, making room by the overflow policy.
   * @returns the messages dropped to make room: the oldest, or the new one itself; empty when none.
   * @throws BufferOverflowError when full and the policy is `'error'`; nothing is added then.
   */
  add(entry: OutboxEntry<Out>): Array<OutboxEntry<Out>> {
    const dropped: Array<OutboxEntry<Out>> = [];
    while (this.#isFullFor(entry.bytes)) {
      if (this.#config.overflow === 'error' || this.size === 0) throw this.#overflow(entry.bytes);
      if (this.#config.overflow === 'drop-newest') return [entry];
      dropped.push(this.#dropOldest());
    }
    this.#queue.push(entry);
    this.#heldBytes += entry.bytes;
    if (this.#acknowledged) this.#unacknowledged.set(entry.key, entry);
    return dropped;
  }

  /** The next message to hand to a socket, oldest first, or `undefined`. */
  next(): OutboxEntry<Out> | undefined {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined as unknown as OutboxEntry<Out>;
      if (!entry.settled) {
        this.#compact();
        return entry;
      }
    }
    this.#compact();
    return undefined;
  }

  /** Records that `entry` (from `next`) was handed to a socket; without acknowledgements it leaves the outbox. */
  sent(entry: OutboxEntry<Out>, now: number): void {
    entry.sentAt = now;
    if (!this.#acknowledged) {
      entry.settled = true;
      this.#heldBytes -= entry.bytes;
    }
  }

  /** Settles the message with this delivery id. @returns whether it was held. */
  acknowledge(key: unknown): boolean {
    const entry = this.#unacknowledged.get(key);
    if (entry === undefined) return false;
    this.#unacknowledged.delete(key);
    entry.settled = true;
    this.#heldBytes -= entry.bytes;
    return true;
  }

  /** Puts every unacknowledged message back in the queue, in original order, for a new connection. */
  requeueUnacknowledged(): void {
    if (!this.#acknowledged) return;
    this.#queue = [...this.#unacknowledged.values()];
    this.#head = 0;
  }

  /** Unacknowledged messages handed to a socket at or before `before`, oldest first. */
  sentBefore(before: number): Array<OutboxEntry<Out>> {
    const overdue: Array<OutboxEntry<Out>> = [];
    for (const entry of this.#unacknowledged.values()) if (entry.sentAt !== undefined && entry.sentAt <= before) overdue.push(entry);
    return overdue;
  }

  /** The earliest time an unacknowledged message was handed to a socket, or `undefined`. */
  earliestSent(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.#unacknowledged.values()) {
      if (entry.sentAt !== undefined && (earliest === undefined || entry.sentAt < earliest)) earliest = entry.sentAt;
    }
    return earliest;
  }

  /** The values of the messages waiting to be handed to a socket, oldest first; they stay held. */
  waiting(): Out[] {
    const values: Out[] = [];
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i].settled) values.push(this.#queue[i].value);
    return values;
  }

  /** Empties the outbox and returns every message held, oldest first. */
  takeAll(): Array<OutboxEntry<Out>> {
    const held = this.#acknowledged ? [...this.#unacknowledged.values()] : this.#queue.slice(this.#head).filter((entry) => !entry.settled);
    for (const entry of held) entry.settled = true;
    this.#queue = [];
    this.#head = 0;
    this.#unacknowledged.clear();
    this.#heldBytes = 0;
    return held;
  }

  #isFullFor(bytes: number): boolean {
    return this.size >= this.#config.limit || (this.size > 0 && this.#heldBytes + bytes > this.#config.maxBytes);
  }

  #overflow(bytes: number): BufferOverflowError {
    const { limit, maxBytes } = this.#config;
    // Full by count, or else by bytes: the error names the bound that was reached.
    return new BufferOverflowError(limit, this.#url, this.size < limit ? { held: this.#heldBytes, message: bytes, maxBytes } : undefined);
  }

  #dropOldest(): OutboxEntry<Out> {
    let oldest: OutboxEntry<Out>;
    if (this.#acknowledged) {
      oldest = this.#unacknowledged.values().next().value!;
      this.#unacknowledged.delete(oldest.key);
    } else {
      oldest = this.next()!;
    }
    oldest.settled = true;
    this.#heldBytes -= oldest.bytes;
    return oldest;
  }

  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
