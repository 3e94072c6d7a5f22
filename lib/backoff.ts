import type { ConnectionError } from './errors.js';
import type { SocketCloseEvent } from './events.js';
import { describeValue } from './codec.js';

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
   * // Stop on refused credentials; retry anything else.
   * shouldReconnect: (close, error) => error?.status !== 401 && error?.status !== 403
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

/** @throws RangeError (TypeError for a value that is not a number) saying what the field must be. */
export function check(ok: boolean, field: string, value: unknown, must: string): void {
  if (ok) return;
  const Type = typeof value === 'number' ? RangeError : TypeError;
  throw new Type(`reactive-websocket: ${field} must be ${must}, not ${describeValue(value)}.`);
}

/** The object without its `undefined` fields, so spreading it over defaults keeps them. */
export function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
