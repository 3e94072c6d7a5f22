import { firstValueFrom, lastValueFrom, timeout, toArray, type Observable } from 'rxjs';

/** The default bound on every wait in the specs. */
export const WAIT_MS = 5000;

/** The first value of `source`, failing after `ms` instead of hanging. */
export function first<T>(source: Observable<T>, ms = WAIT_MS): Promise<T> {
  return firstValueFrom(source.pipe(timeout({ first: ms, with: () => fail(`no value within ${ms} ms`) })));
}

/** Every value of `source` until it completes, failing after `ms` instead of hanging. */
export function all<T>(source: Observable<T>, ms = WAIT_MS): Promise<T[]> {
  return lastValueFrom(source.pipe(toArray(), timeout({ first: ms, with: () => fail(`no completion within ${ms} ms`) })));
}

/**
 * Resolves when `check()` returns true, polling each event-loop turn; fails after `ms`. The bound
 * is read from `performance.now()`, so a spec whose fake timers leave `performance` (and
 * `setImmediate`) real keeps it while `Date` and the timers stand still.
 */
export async function until(check: () => boolean, ms = WAIT_MS, what = 'condition'): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A promise with its resolve function, and a bound: it rejects after `ms`. */
export function deferred<T = void>(ms = WAIT_MS, what = 'event'): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    resolve = (value) => {
      clearTimeout(timer);
      res(value);
    };
  });
  return { promise, resolve };
}

function fail(message: string): Observable<never> {
  throw new Error(message);
}
