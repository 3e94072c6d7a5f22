import fc from 'fast-check';
import { RECONNECT_DEFAULTS, backoffDelay, resolveReconnectConfig, type ResolvedReconnectConfig } from '../lib/reconnect.js';
import { seededRandom } from './support/random.js';

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
