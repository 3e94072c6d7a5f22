import fc from 'fast-check';
import { ConnectionError, ReconnectError } from '../lib/errors.js';
import type { SocketCloseEvent } from '../lib/events.js';
import {
  RECONNECT_DEFAULTS,
  Reconnect,
  backoffDelay,
  reconnect,
  resolveReconnectConfig,
  type ResolvedReconnectConfig,
} from '../lib/reconnect.js';
import { seededRandom } from './support/random.js';
import { places } from './support/feature-places.js';

const config = (overrides: Partial<ResolvedReconnectConfig> = {}): ResolvedReconnectConfig => ({ ...RECONNECT_DEFAULTS, ...overrides });

describe('backoffDelay', () => {
  it('uses full jitter: 0 up to initialDelay · factor^(attempt-1), capped by maxDelay', () => {
    const low = config({ random: () => 0 });
    const high = config({ random: () => 0.999999 });
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, low))).toEqual([0, 0, 0]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, high))).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelay(30, high)).toBe(29999);
  });

  it('never goes negative or above the cap, whatever the settings and attempt (fast-check, 1,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: -1, max: 2, noNaN: false }),
        (initialDelay, extra, factor, attempt, random) => {
          const settings = config({ initialDelay, maxDelay: initialDelay + extra, factor, random: () => random });
          const delay = backoffDelay(attempt, settings);
          const cap = initialDelay === 0 ? 0 : Math.min(settings.maxDelay, initialDelay * factor ** (attempt - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(cap);
          expect(delay).toBeLessThanOrEqual(settings.maxDelay);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps a zero initial delay at zero however many attempts, even where the factor overflows to Infinity', () => {
    const settings = config({ initialDelay: 0, maxDelay: 1000, factor: 10, random: () => 0.5 });
    expect([1, 2, 400].map((attempt) => backoffDelay(attempt, settings))).toEqual([0, 0, 0]);
  });

  it('falls back to half the cap when the random source returns 1 or more, as it would for a negative or NaN value', () => {
    const settings = (value: number) => config({ initialDelay: 1000, random: () => value });
    expect(backoffDelay(1, settings(1))).toBe(500);
    expect(backoffDelay(1, settings(1.5))).toBe(500);
    expect(backoffDelay(1, settings(-0.1))).toBe(500);
    expect(backoffDelay(1, settings(Number.NaN))).toBe(500);
    expect(backoffDelay(1, settings(0.999))).toBe(999);
  });

  it('averages half the cap over 10,000 seeded samples (within 5 %)', () => {
    const settings = config({ initialDelay: 500, random: seededRandom(42) });
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += backoffDelay(3, settings);
    const cap = 2000;
    expect(Math.abs(sum / 10_000 - cap / 2)).toBeLessThan(0.05 * (cap / 2));
  });
});

describe('resolveReconnectConfig', () => {
  it('is on with defaults by default, off with false or attempts 0', () => {
    expect(resolveReconnectConfig(undefined, true)).toBe(RECONNECT_DEFAULTS);
    expect(resolveReconnectConfig(undefined, false)).toBeUndefined();
    expect(resolveReconnectConfig(true, false)).toBe(RECONNECT_DEFAULTS);
    expect(resolveReconnectConfig(false, true)).toBeUndefined();
    expect(resolveReconnectConfig({ attempts: 0 }, true)).toBeUndefined();
    expect(resolveReconnectConfig({ initialDelay: 100, maxDelay: undefined }, true)).toMatchObject({ initialDelay: 100, maxDelay: 30_000 });
    expect(RECONNECT_DEFAULTS).toMatchObject({ initialDelay: 500, maxDelay: 30_000, factor: 2, attempts: Infinity });
  });

  it('accepts the boundary values: no initial delay, maxDelay equal to initialDelay, factor 1, stableAfter 0', () => {
    expect(resolveReconnectConfig({ initialDelay: 0, maxDelay: 0 }, true)).toMatchObject({ initialDelay: 0, maxDelay: 0 });
    expect(resolveReconnectConfig({ initialDelay: 800, maxDelay: 800 }, true)).toMatchObject({ initialDelay: 800, maxDelay: 800 });
    expect(resolveReconnectConfig({ factor: 1 }, true)).toMatchObject({ factor: 1 });
    expect(resolveReconnectConfig({ stableAfter: 0 }, true)).toMatchObject({ stableAfter: 0 });
  });

  it.each([
    [{ initialDelay: -1 }, RangeError, /reconnect.initialDelay must be a number of ms, 0 or more, not -1/],
    [{ initialDelay: 1000, maxDelay: 10 }, RangeError, /reconnect.maxDelay must be a number of ms, at least initialDelay \(1000\), not 10/],
    [{ factor: 0.5 }, RangeError, /^reactive-websocket: reconnect.factor must be a number of at least 1, not 0.5.$/],
    [{ attempts: -1 }, RangeError, /^reactive-websocket: reconnect.attempts must be a whole number, 0 or more, or Infinity, not -1.$/],
    [{ attempts: Number.NaN }, RangeError, /reconnect.attempts/],
    [{ attempts: 1.5 }, RangeError, /reconnect.attempts/],
    [{ initialDelay: '5' }, TypeError, /^reactive-websocket: reconnect.initialDelay must be a number of ms, 0 or more, not "5".$/],
    [{ initialDelay: Number.NaN }, RangeError, /reconnect.initialDelay must be a number of ms, 0 or more, not NaN.$/],
    [{ stableAfter: -1 }, RangeError, /^reactive-websocket: reconnect.stableAfter must be a number of ms, 0 or more, not -1.$/],
    [{ stableAfter: Number.NaN }, RangeError, /reconnect.stableAfter must be a number of ms, 0 or more, not NaN/],
    [{ stableAfter: Infinity }, RangeError, /reconnect.stableAfter must be a number of ms, 0 or more, not Infinity/],
    [{ random: 0.5 }, TypeError, /reconnect.random must be a function, not number/],
    [{ shouldReconnect: 'yes' }, TypeError, /reconnect.shouldReconnect must be a function/],
    ['soon', TypeError, /reconnect must be true, false or an object/],
    [null, TypeError, /reconnect must be true, false or an object, not null/],
  ])('rejects %p at construction, naming the field', (settings, type, message) => {
    expect(() => resolveReconnectConfig(settings as never, true)).toThrow(type);
    expect(() => resolveReconnectConfig(settings as never, true)).toThrow(message);
  });

  it('either accepts arbitrary settings or throws a RangeError or TypeError, never anything else (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            initialDelay: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(undefined)),
            maxDelay: fc.oneof(fc.double(), fc.integer(), fc.constant(Infinity), fc.constant(undefined)),
            factor: fc.oneof(fc.double(), fc.integer(), fc.constant(undefined)),
            attempts: fc.oneof(fc.double(), fc.integer(), fc.constant(Infinity), fc.constant(undefined)),
          },
          { requiredKeys: [] },
        ),
        (settings) => {
          try {
            const resolved = resolveReconnectConfig(settings as never, true);
            if (resolved !== undefined) {
              expect(resolved.initialDelay).toBeGreaterThanOrEqual(0);
              expect(resolved.maxDelay).toBeGreaterThanOrEqual(resolved.initialDelay);
              expect(resolved.factor).toBeGreaterThanOrEqual(1);
            }
          } catch (error) {
            expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
            expect((error as Error).message).toMatch(/^reactive-websocket: reconnect\.\w+ must be/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** A close event as the engine hands it to the policy. */
const CLOSE: SocketCloseEvent = Object.freeze({ type: 'close', code: 1006, reason: '', wasClean: false });
// No jitter: each delay is half its cap (200 · 2^(attempt-1)).
const STEADY = config({ initialDelay: 200, maxDelay: 10_000, random: () => 0.5 });

describe('Reconnect: whether and when to try again', () => {
  const start = Date.UTC(2026, 0, 1);

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
  });
  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('has given up on nothing before its first close', () => {
    expect(new Reconnect(config({ ...STEADY, attempts: 1 })).gaveUp('ws://h/', CLOSE, undefined)).toBeUndefined();
  });

  it('numbers the attempts 1, 2, 3, each with its backoff delay', () => {
    const policy = new Reconnect(STEADY);
    expect([1, 2, 3].map(() => policy.next(CLOSE, undefined))).toEqual([
      { attempt: 1, delay: 100 },
      { attempt: 2, delay: 200 },
      { attempt: 3, delay: 400 },
    ]);
    expect(policy.gaveUp('ws://h/', CLOSE, undefined)).toBeUndefined();
  });

  it('counts from 1 again after a connection that stayed open stableAfter ms, and not after a shorter one or an attempt that never opened', () => {
    const policy = new Reconnect(config({ ...STEADY, stableAfter: 1000 }));
    policy.next(CLOSE, undefined);
    policy.next(CLOSE, undefined);
    expect(policy.next(CLOSE, start - 999)?.attempt).toBe(3);
    expect(policy.next(CLOSE, undefined)?.attempt).toBe(4);
    expect(policy.next(CLOSE, start - 1000)?.attempt).toBe(1);
    expect(policy.next(CLOSE, start - 5000)?.attempt).toBe(1);
  });

  it('gives no attempt once `attempts` ran out, and then says so with a ReconnectError carrying the cause', () => {
    const policy = new Reconnect(config({ ...STEADY, attempts: 2 }));
    expect(policy.next(CLOSE, undefined)?.attempt).toBe(1);
    expect(policy.next(CLOSE, undefined)?.attempt).toBe(2);
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
    const cause = new ConnectionError('ws://h/', 'refused');
    const error = policy.gaveUp('ws://h/', { ...CLOSE, code: 1011 }, cause);
    expect(error).toBeInstanceOf(ReconnectError);
    expect(error?.attempts).toBe(2);
    expect(error?.cause).toBe(cause);
    expect(error?.message).toBe(
      'reactive-websocket: gave up reconnecting to ws://h/ after 2 attempts: the last close had code 1011; raise reconnect.attempts or check the server.',
    );
    // Still out of attempts until a connection stays open.
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
    expect(policy.next(CLOSE, start - 5000)?.attempt).toBe(1);
    expect(policy.gaveUp('ws://h/', CLOSE, cause)).toBeUndefined();
  });

  it('asks shouldReconnect with the close and the failure, and gives no attempt (and no error) when it declines', () => {
    const asked: unknown[][] = [];
    let answer = false;
    const policy = new Reconnect(
      config({
        ...STEADY,
        shouldReconnect: (...args) => {
          asked.push(args);
          return answer;
        },
      }),
    );
    const failure = new ConnectionError('ws://h/', 'refused');
    expect(policy.next(CLOSE, undefined, failure)).toBeUndefined();
    expect(asked).toEqual([[CLOSE, failure]]);
    expect(asked[0][0]).toBe(CLOSE);
    expect(asked[0][1]).toBe(failure);
    expect(policy.gaveUp('ws://h/', CLOSE, failure)).toBeUndefined();
    // A declined close uses no attempt.
    answer = true;
    expect(policy.next(CLOSE, undefined)?.attempt).toBe(1);
    expect(asked[1]).toEqual([CLOSE, undefined]);
  });

  it('takes only true from shouldReconnect as yes', () => {
    const policy = new Reconnect(config({ ...STEADY, shouldReconnect: () => 1 as unknown as boolean }));
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
  });

  it('reports a shouldReconnect that throws, and reconnects', () => {
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const thrown = new Error('oops');
    const policy = new Reconnect(
      config({
        ...STEADY,
        shouldReconnect: () => {
          throw thrown;
        },
      }),
    );
    expect(policy.next(CLOSE, undefined)).toEqual({ attempt: 1, delay: 100 });
    expect(reported).toHaveBeenCalledWith(thrown);
    reported.mockRestore();
  });

  it('after the attempts ran out and then a decline, says nothing ran out', () => {
    let answer = true;
    const policy = new Reconnect(config({ ...STEADY, attempts: 1, shouldReconnect: () => answer }));
    policy.next(CLOSE, undefined);
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
    answer = false;
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
    expect(policy.gaveUp('ws://h/', CLOSE, undefined)).toBeUndefined();
  });
});

describe('Reconnect: the wait', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('calls the attempt after exactly the delay, waiting until then', () => {
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    expect(policy.waiting).toBe(false);
    policy.schedule(300, attempt);
    expect(policy.waiting).toBe(true);
    jest.advanceTimersByTime(299);
    expect(attempt).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(policy.waiting).toBe(false);
  });

  it('keeps one wait at a time: scheduling again replaces the one under way', () => {
    const policy = new Reconnect(STEADY);
    const first = jest.fn();
    const second = jest.fn();
    policy.schedule(100, first);
    policy.schedule(300, second);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(300);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('drops the wait on cancel(): no attempt and no timer; cancelling again does nothing', () => {
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    policy.schedule(100, attempt);
    policy.cancel();
    expect(policy.waiting).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    policy.cancel();
    jest.advanceTimersByTime(1000);
    expect(attempt).not.toHaveBeenCalled();
  });
});

/** A page as the wait reads it: navigator.onLine and the window's `online` event, put on globalThis for one test. */
function fakePage(onLine: unknown, { listeners = true } = {}) {
  const page = globalThis as Record<string, unknown>;
  const online = new Set<() => void>();
  const calls: Array<[string, string, () => void]> = [];
  page.navigator = { onLine };
  if (listeners) {
    page.addEventListener = (type: string, listener: () => void) => {
      calls.push(['add', type, listener]);
      if (type === 'online') online.add(listener);
    };
    page.removeEventListener = (type: string, listener: () => void) => {
      calls.push(['remove', type, listener]);
      if (type === 'online') online.delete(listener);
    };
  }
  return {
    online,
    calls,
    goOnline: () => {
      for (const listener of [...online]) listener();
    },
  };
}

describe('Reconnect: the wait for the page to be online', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    const page = globalThis as Record<string, unknown>;
    delete page.navigator;
    delete page.addEventListener;
    delete page.removeEventListener;
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('waits for the online event after the delay where the page says it is offline, then attempts once and stops listening', () => {
    const page = fakePage(false);
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    policy.schedule(100, attempt);
    expect(page.calls).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(attempt).not.toHaveBeenCalled();
    expect(policy.waiting).toBe(true);
    expect(page.online.size).toBe(1);
    expect(page.calls.map(([what, type]) => [what, type])).toEqual([['add', 'online']]);
    page.goOnline();
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(policy.waiting).toBe(false);
    expect(page.online.size).toBe(0);
    expect(page.calls[1]).toEqual(['remove', 'online', page.calls[0][2]]);
    page.goOnline();
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('stops listening for online on cancel(), and never attempts', () => {
    const page = fakePage(false);
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    policy.schedule(100, attempt);
    jest.advanceTimersByTime(100);
    policy.cancel();
    expect(page.online.size).toBe(0);
    expect(policy.waiting).toBe(false);
    page.goOnline();
    expect(attempt).not.toHaveBeenCalled();
  });

  it('replaces a wait for online when scheduled again', () => {
    const page = fakePage(false);
    const policy = new Reconnect(STEADY);
    const first = jest.fn();
    const second = jest.fn();
    policy.schedule(100, first);
    jest.advanceTimersByTime(100);
    policy.schedule(100, second);
    expect(page.online.size).toBe(0);
    jest.advanceTimersByTime(100);
    page.goOnline();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['online', { onLine: true }],
    ['of unknown state', { onLine: undefined }],
  ])('attempts at once after the delay where the page is %s', (_what, { onLine }) => {
    const page = fakePage(onLine);
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    policy.schedule(100, attempt);
    jest.advanceTimersByTime(100);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(page.calls).toEqual([]);
    expect(policy.waiting).toBe(false);
  });

  it('attempts at once where the page says it is offline but has no online event to wait for', () => {
    fakePage(false, { listeners: false });
    const policy = new Reconnect(STEADY);
    const attempt = jest.fn();
    policy.schedule(100, attempt);
    jest.advanceTimersByTime(100);
    expect(attempt).toHaveBeenCalledTimes(1);
    policy.cancel();
  });
});

describe('reconnect()', () => {
  it('makes a new policy each time one is needed, with the defaults when given nothing or true', () => {
    const feature = places(reconnect());
    const policy = feature.reconnect!();
    expect(policy).toBeInstanceOf(Reconnect);
    expect(feature.reconnect!()).not.toBe(policy);
    expect(places(reconnect(true)).reconnect!()).toBeInstanceOf(Reconnect);
  });

  it('adds no policy for false or attempts 0, and checks its settings at once', () => {
    expect(reconnect(false)).toEqual({ reconnect: undefined });
    expect(reconnect({ attempts: 0 })).toEqual({ reconnect: undefined });
    expect(() => reconnect({ factor: 0 })).toThrow(/reconnect\.factor must be/);
  });

  it('makes policies with the settings given', () => {
    const policy = places(reconnect({ initialDelay: 200, maxDelay: 200, attempts: 1, random: () => 0.5 })).reconnect!();
    expect(policy.next(CLOSE, undefined)).toEqual({ attempt: 1, delay: 100 });
    expect(policy.next(CLOSE, undefined)).toBeUndefined();
  });
});
