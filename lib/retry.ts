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
 * The wait before a reconnect attempt: a timer, then, where the page says it is offline, the
 * browser's `online` event (an attempt would fail at once). At most one wait at a time.
 */
export class Retry {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #online: (() => void) | undefined;

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
