/*
 * What browser bundles get in place of `inspect.ts` (through the package's `browser` field):
 * browsers never look up Node's inspect symbol, so the summary is never asked for there.
 */

/** The key under which Node's `util.inspect` finds an object's own rendering (never looked up in browsers). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** Never called in a browser. @returns the name alone. */
export function inspectSummary(name: string, _fields: object, _options?: object, _inspect?: unknown): string {
  return name;
}
