import { Subject } from 'rxjs';

/** An error thrown for the use of a subject that was unsubscribed: name `'ObjectUnsubscribedError'`, message `'object unsubscribed'`. */
export interface ObjectUnsubscribedError extends Error {
  /** Always `'ObjectUnsubscribedError'`. */
  readonly name: string;
}

/** The constructor of {@link ObjectUnsubscribedError}. */
export type ObjectUnsubscribedErrorConstructor = new () => ObjectUnsubscribedError;

/** This library's own, with RxJS 7's name and message, for an rxjs that has none. */
class FallbackObjectUnsubscribedError extends Error {
  override readonly name = 'ObjectUnsubscribedError';

  constructor() {
    super('object unsubscribed');
  }
}

/**
 * RxJS's own class, taken from what a closed `Subject` throws rather than imported by name: a
 * name RxJS 8 no longer exports fails at link time in Node's ES modules, and webpack rejects it
 * in strict ES modules even as a member of a namespace import.
 */
function fromRxjs(): ObjectUnsubscribedErrorConstructor | undefined {
  const closed = new Subject<void>();
  closed.unsubscribe();
  try {
    closed.next();
  } catch (error) {
    if (error instanceof Error && error.name === 'ObjectUnsubscribedError') return error.constructor as ObjectUnsubscribedErrorConstructor;
  }
  return undefined;
}

/**
 * What the drop-in's `next()` throws, and what a subscription to it gets, after `unsubscribe()`.
 *
 * It is RxJS's own `ObjectUnsubscribedError` where the installed rxjs has one (RxJS 7), so
 * `instanceof` against rxjs's class holds; RxJS 8 removed it, and there it is this library's
 * class, with the same name and message. Test for it with `instanceof` against this export, or
 * by `error.name`, to work with both.
 */
export const ObjectUnsubscribedError: ObjectUnsubscribedErrorConstructor = fromRxjs() ?? FallbackObjectUnsubscribedError;
