import type { Socket } from 'node:net';

// How often a throttle passes on a slice: often enough for a smooth rate, rarely enough to be cheap.
const TICK_MS = 10;

/**
 * One direction of a slow link: bytes read from `source` are passed to `write` at a fixed rate,
 * in slices every 10 ms. While more than `bound` bytes wait, `source` is paused, so the sender
 * feels the slow link as backpressure (its buffers fill) instead of the link buffering without
 * limit. The timer runs only while bytes wait; `stop()` drops them and leaves no timer.
 */
export class Throttle {
  readonly #source: Socket;
  readonly #write: (data: Buffer) => void;
  readonly #bytesPerSecond: number;
  readonly #bound: number;
  #queue: Buffer[] = [];
  #queued = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTick = 0;
  #paused = false;

  /**
   * @param source - the socket read from; paused while too much waits.
   * @param write - passes a slice on.
   * @param bytesPerSecond - the rate.
   * @param bound - the most bytes held before `source` is paused. Default 16 KiB.
   */
  constructor(source: Socket, write: (data: Buffer) => void, bytesPerSecond: number, bound = 16 * 1024) {
    this.#source = source;
    this.#write = write;
    this.#bytesPerSecond = bytesPerSecond;
    this.#bound = bound;
  }

  /** Queues a chunk read from the source. */
  push(chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > this.#bound && !this.#paused) {
      this.#paused = true;
      this.#source.pause();
    }
    if (this.#timer === undefined) {
      this.#lastTick = Date.now();
      this.#timer = setInterval(() => this.#tick(), TICK_MS);
    }
  }

  /** Drops what waits; no timer is left. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#queued = 0;
  }

  #tick(): void {
    const now = Date.now();
    let budget = Math.floor((this.#bytesPerSecond * (now - this.#lastTick)) / 1000);
    this.#lastTick = now;
    const slices: Buffer[] = [];
    while (budget > 0 && this.#queue.length > 0) {
      const head = this.#queue[0];
      if (head.length <= budget) {
        slices.push(head);
        this.#queue.shift();
        budget -= head.length;
      } else {
        slices.push(head.subarray(0, budget));
        this.#queue[0] = head.subarray(budget);
        budget = 0;
      }
    }
    const out = Buffer.concat(slices);
    this.#queued -= out.length;
    if (out.length > 0) this.#write(out);
    if (this.#queued === 0) this.stop();
    if (this.#paused && this.#queued <= this.#bound / 2) {
      this.#paused = false;
      this.#source.resume();
    }
  }
}
