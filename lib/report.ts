import { describeError, sentence } from './errors.js';

/**
 * Reports an error thrown by user code (a handler, a callback) without throwing it further:
 * through `globalThis.reportError` where the runtime has it (browsers), else `console.error`.
 */
export function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}

/** Calls a user callback; an exception it throws is reported, never thrown into our code, and `undefined` returned. */
export function callSafely<A, R>(callback: (argument: A) => R, argument: A): R | undefined {
  try {
    return callback(argument);
  } catch (error) {
    reportError(error);
    return undefined;
  }
}

/** Calls a callback of `send` (serializer, delivery.id): what it throws becomes a TypeError thrown from `send`. */
export function callForSend<A, R>(callback: (argument: A) => R, argument: A, name: string): R {
  try {
    return callback(argument);
  } catch (cause) {
    throw new TypeError(sentence(`reactive-websocket: ${name} threw, so nothing was sent or queued: ${describeError(cause)}`), { cause });
  }
}

/** Asks a user predicate; `true` only for a `true` answer; a throw is reported and `fallback` returned. */
export function askSafely<A>(predicate: (argument: A) => boolean, argument: A, fallback: boolean): boolean {
  try {
    return predicate(argument) === true;
  } catch (error) {
    reportError(error);
    return fallback;
  }
}
