import { BufferOverflowError } from './errors.js';

/** The default number of messages the outbox holds while the socket is not open. */
export const DEFAULT_BUFFER_LIMIT = 1000;

/** Settings of the outbox: the queue of messages sent while the socket is not open. */
export interface BufferConfig {
  /** The most messages held; a send beyond it throws `BufferOverflowError`. Default 1,000. */
  readonly limit?: number;
}

/** Checks `buffer` settings and fills in defaults. @throws RangeError or TypeError naming the field. */
export function resolveBufferConfig(config: BufferConfig | undefined): Required<BufferConfig> {
  if (config === undefined) return { limit: DEFAULT_BUFFER_LIMIT };
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: buffer must be an object such as { limit: 1000 }, not ${String(config)}.`);
  }
  const limit = config.limit ?? DEFAULT_BUFFER_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`reactive-websocket: buffer.limit must be a whole number of at least 1, not ${String(limit)}.`);
  }
  return { limit };
}

/**
 * A bounded first-in first-out queue of encoded messages waiting for an open socket.
 * It never drops: a push beyond the limit throws and leaves the queue as it was.
 */
export class Outbox<T> {
  private items: T[] = [];
  private head = 0;

  /**
   * @param limit - the most items held.
   * @param url - the socket's redacted URL, for error messages.
   */
  constructor(
    readonly limit: number,
    private readonly url: string,
  ) {}

  /** How many items are waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item at the end. @throws BufferOverflowError when the queue is full. */
  push(item: T): void {
    if (this.size >= this.limit) throw new BufferOverflowError(this.limit, this.url);
    this.items.push(item);
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    // Reclaim the consumed front in one step instead of shifting the array on every call.
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue and returns what it held, oldest first. */
  takeAll(): T[] {
    const all = this.items.slice(this.head);
    this.clear();
    return all;
  }

  private clear(): void {
    this.items = [];
    this.head = 0;
  }
}
