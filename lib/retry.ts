import { backoffDelay, type ResolvedReconnectConfig } from './backoff.js';
import type { ConnectionError } from './errors.js';
import type { SocketCloseEvent } from './events.js';
import { askSafely } from './report.js';

/** Emitted on `reconnect$` when a reconnect attempt is scheduled. */
export interface ReconnectEvent {
  /** 1 for the first attempt after a connection was lost, then 2, 3, … until one stays open. */
  readonly attempt: number;
  /** The wait before it, in ms. */
  readonly delay: number;
}

interface Page {
  navigator?: { onLine?: unknown };
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

/**
 * The reconnect policy at work: after each close, whether and when to try again (full-jitter
 * backoff, `shouldReconnect`, the attempt limit, the reset after `stableAfter`), and the wait
 * before the attempt: a timer, then, where the page says it is offline, the browser's `online`
 * event (an attempt would fail at once). At most one wait at a time.
 */
export class Retry {
  readonly #config: ResolvedReconnectConfig | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #online: (() => void) | undefined;

  /** @param config - the reconnect settings; `undefined` when reconnection is off. */
  constructor(config: ResolvedReconnectConfig | undefined) {
    this.#config = config;
  }

  /**
   * What follows a connection that ended without `close()`.
   * @param close - how it ended, for `shouldReconnect`.
   * @param openedAt - when it opened (ms since the epoch), or `undefined` for an attempt that never did.
   * @param failure - the error that ended it, if one did, for `shouldReconnect`.
   * @returns the next attempt; or, when giving up after `reconnect.attempts`, the number of attempts
   *   made; or `undefined` when not reconnecting at all.
   */
  next(close: SocketCloseEvent, openedAt: number | undefined, failure?: ConnectionError): ReconnectEvent | number | undefined {
    const config = this.#config;
    if (config === undefined) return undefined;
    const { shouldReconnect } = config;
    if (shouldReconnect !== undefined && !askSafely((event: SocketCloseEvent) => shouldReconnect(event, failure), close, true)) {
      return undefined;
    }
    if (openedAt !== undefined && Date.now() - openedAt >= config.stableAfter) this.#attempt = 0;
    if (this.#attempt >= config.attempts) return this.#attempt;
    const attempt = ++this.#attempt;
    return { attempt, delay: backoffDelay(attempt, config) };
  }

  /** Whether a wait is under way. */
  get waiting(): boolean {
    return this.#timer !== undefined || this.#online !== undefined;
  }

  /** Calls `attempt` after `delay` ms, and once the page is online. */
  schedule(delay: number, attempt: () => void): void {
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const page = globalThis as Page;
      if (page.navigator?.onLine !== false || typeof page.addEventListener !== 'function') {
        attempt();
        return;
      }
      this.#online = () => {
        this.cancel();
        attempt();
      };
      page.addEventListener('online', this.#online);
    }, delay);
  }

  /** Drops the wait, if any: no timer or listener is left. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#online !== undefined) (globalThis as Page).removeEventListener?.('online', this.#online);
    this.#online = undefined;
  }
}
