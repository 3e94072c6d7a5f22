/**
 * Reports an error thrown by user code (a handler, a callback) without throwing it further:
 * through `globalThis.reportError` where the runtime has it (browsers), else `console.error`.
 */
export function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}

/** Calls a user callback; an exception it throws is reported, never thrown into our code. */
export function callSafely<A>(callback: (argument: A) => void, argument: A): void {
  try {
    callback(argument);
  } catch (error) {
    reportError(error);
  }
}
