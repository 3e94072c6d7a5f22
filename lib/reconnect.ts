import { ReconnectError, type ConnectionError } from './errors.js';
import type { SocketCloseEvent } from './events.js';
import { askSafely } from './report.js';
import type { AnySocketFeature, FeatureSlots } from './feature.js';
import { check, definedOnly, describeValue } from './check.js';

/**
 * Reconnecting: its settings, the backoff delay of each attempt (full jitter), and the policy at
 * work after each close (whether and when to try again, and the wait).
 */
/** When and how often to reconnect after a connection ends without `close()`. */
export interface ReconnectConfig {
  /** The cap of the first delay, in ms. Default 500. */
  readonly initialDelay?: number;
  /** The largest delay, in ms. Default 30,000. */
  readonly maxDelay?: number;
  /** How much the cap grows with each failed attempt. Default 2. */
  readonly factor?: number;
  /** How many attempts in a row before giving up. Default `Infinity`. */
  readonly attempts?: number;
  /** A connection that stays open this long (ms) resets the attempt count. Default 5,000. */
  readonly stableAfter?: number;
  /**
   * Whether to reconnect after this close. Default: always (every close not asked for by
   * `close()`). A throw is reported and counts as `true`.
   *
   * The second argument is the `ConnectionError` that ended the connection or attempt, when one
   * did: a refused handshake (its `status` says 401, 403, 404 or 503 where the runtime tells),
   * a connect timeout, a heartbeat timeout. A failed handshake always closes with code 1006, so
   * only the error tells an authentication failure from a network one.
   *
   * @example
   * ```ts
   * import { ReactiveWebSocket } from 'reactive-websocket';
   *
   * const socket = new ReactiveWebSocket({
   *   url: 'ws://127.0.0.1:8080',
   *   // Stop on refused credentials; retry anything else.
   *   reconnect: { shouldReconnect: (_close, error) => error?.status !== 401 && error?.status !== 403 },
   * });
   * ```
   */
  readonly shouldReconnect?: (close: SocketCloseEvent, error?: ConnectionError) => boolean;
  /** The source of jitter, a function returning [0, 1). Default `Math.random`; pass a seeded one for repeatable tests. */
  readonly random?: () => number;
}

/** Reconnect settings with every default filled in. */
export type ResolvedReconnectConfig = Required<Omit<ReconnectConfig, 'shouldReconnect'>> & Pick<ReconnectConfig, 'shouldReconnect'>;

/** The defaults of {@link ReconnectConfig}. */
export const RECONNECT_DEFAULTS: ResolvedReconnectConfig = Object.freeze({
  initialDelay: 500,
  maxDelay: 30_000,
  factor: 2,
  attempts: Infinity,
  stableAfter: 5_000,
  random: Math.random,
});

/**
 * The delay before reconnect attempt `attempt` (1 for the first): "full jitter", a uniform
 * random value between 0 and `min(maxDelay, initialDelay · factor^(attempt-1))`, so that many
 * clients dropped at once do not come back at once.
 */
export function backoffDelay(attempt: number, config: ResolvedReconnectConfig): number {
  // 0 · factor^n is NaN once factor^n overflows to Infinity: a zero initial delay stays zero.
  const cap = config.initialDelay === 0 ? 0 : Math.min(config.maxDelay, config.initialDelay * config.factor ** (attempt - 1));
  const random = config.random();
  // A broken random source must not produce a negative, NaN or over-cap delay.
  const unit = random >= 0 && random < 1 ? random : 0.5;
  return Math.floor(unit * cap);
}

/**
 * Checks `reconnect` settings and fills in defaults; `false` (or `attempts: 0`) turns reconnection off.
 * @returns `undefined` when reconnection is off.
 * @throws RangeError or TypeError naming the field.
 */
export function resolveReconnectConfig(
  config: boolean | ReconnectConfig | undefined,
  byDefault: boolean,
): ResolvedReconnectConfig | undefined {
  if (config === undefined) return byDefault ? RECONNECT_DEFAULTS : undefined;
  if (config === false) return undefined;
  if (config === true) return RECONNECT_DEFAULTS;
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: reconnect must be true, false or an object, not ${describeValue(config)}.`);
  }
  const resolved: ResolvedReconnectConfig = { ...RECONNECT_DEFAULTS, ...definedOnly(config) };
  const { initialDelay, maxDelay, factor, attempts, stableAfter } = resolved;
  check(Number.isFinite(initialDelay) && initialDelay >= 0, 'reconnect.initialDelay', initialDelay, 'a number of ms, 0 or more');
  check(
    Number.isFinite(maxDelay) && maxDelay >= initialDelay,
    'reconnect.maxDelay',
    maxDelay,
    `a number of ms, at least initialDelay (${initialDelay})`,
  );
  check(Number.isFinite(factor) && factor >= 1, 'reconnect.factor', factor, 'a number of at least 1');
  check(
    attempts === Infinity || (Number.isInteger(attempts) && attempts >= 0),
    'reconnect.attempts',
    attempts,
    'a whole number, 0 or more, or Infinity',
  );
  check(Number.isFinite(stableAfter) && stableAfter >= 0, 'reconnect.stableAfter', stableAfter, 'a number of ms, 0 or more');
  for (const name of ['shouldReconnect', 'random'] as const) {
    if (typeof resolved[name] !== 'function' && resolved[name] !== undefined) {
      throw new TypeError(`reactive-websocket: reconnect.${name} must be a function, not ${typeof resolved[name]}.`);
    }
  }
  return attempts === 0 ? undefined : resolved;
}

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
export class Reconnect {
  readonly #config: ResolvedReconnectConfig;
  #attempt = 0;
  #exhausted = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #online: (() => void) | undefined;

  /** @param config - the reconnect settings. */
  constructor(config: ResolvedReconnectConfig) {
    this.#config = config;
  }

  /**
   * What follows a connection that ended without `close()`.
   * @param close - how it ended, for `shouldReconnect`.
   * @param openedAt - when it opened (ms since the epoch), or `undefined` for an attempt that never did.
   * @param failure - the error that ended it, if one did, for `shouldReconnect`.
   * @returns the next attempt, or `undefined` when `shouldReconnect` declined or the attempts ran
   *   out (then {@link Reconnect.gaveUp} says so).
   */
  next(close: SocketCloseEvent, openedAt: number | undefined, failure?: ConnectionError): ReconnectEvent | undefined {
    const config = this.#config;
    const { shouldReconnect } = config;
    this.#exhausted = false;
    if (shouldReconnect !== undefined && !askSafely((event: SocketCloseEvent) => shouldReconnect(event, failure), close, true)) {
      return undefined;
    }
    if (openedAt !== undefined && Date.now() - openedAt >= config.stableAfter) this.#attempt = 0;
    if (this.#attempt >= config.attempts) {
      this.#exhausted = true;
      return undefined;
    }
    const attempt = ++this.#attempt;
    return { attempt, delay: backoffDelay(attempt, config) };
  }

  /**
   * After a `next` that gave no attempt: the error that says the attempts ran out, or `undefined`
   * when `shouldReconnect` declined.
   */
  gaveUp(url: string, close: SocketCloseEvent, cause: unknown): ReconnectError | undefined {
    if (!this.#exhausted) return undefined;
    const why = `the last close had code ${close.code}; raise reconnect.attempts or check the server`;
    return new ReconnectError(url, this.#attempt, why, { cause });
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

/**
 * The reconnect feature, for `use`: reconnect when a connection ends without `close()`, with
 * exponential backoff and full jitter. `true` or nothing takes the defaults; `false` (or `attempts: 0`) adds nothing.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, reconnect } from 'reactive-websocket/core';
 *
 * const socket = new ReactiveWebSocket({ url: 'ws://127.0.0.1:8080', use: [reconnect({ initialDelay: 1000, attempts: 10 })] });
 * socket.reconnect$.subscribe(({ attempt, delay }) => console.log(`attempt ${attempt} in ${delay} ms`));
 * ```
 *
 * @throws TypeError or RangeError at once for a setting of the wrong type or range, naming it.
 */
export function reconnect(config: boolean | ReconnectConfig = true): AnySocketFeature {
  const resolved = resolveReconnectConfig(config, true);
  return { reconnect: resolved && (() => new Reconnect(resolved)) } satisfies FeatureSlots<never, never> as AnySocketFeature;
}
