import { redactUrl } from './url.js';

/**
 * The key under which Node's `util.inspect` (and so `console.log`) finds an object's own
 * rendering. A registered symbol, so no `node:util` import is needed and the library still runs
 * in browsers, where nothing looks it up.
 */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * What an object's `[INSPECT]` method returns: its name, then a few fields formatted as Node
 * formats an object, and nothing else, so that `console.log(socket)` shows no credentials (a
 * `url` field is shown redacted) and none of the runtime socket's internals.
 *
 * Browser bundles get `inspect.browser.ts` in its place (the package's `browser` field maps one
 * to the other): nothing calls this there, so none of it is bundled.
 *
 * @param name - the name shown, usually the class name.
 * @param fields - what to show; plain values only.
 * @param options - the options `util.inspect` passed to the method.
 * @param inspect - the `util.inspect` Node passed to the method, if it did.
 */
export function inspectSummary(
  name: string,
  fields: { readonly [field: string]: string | number | boolean | undefined },
  options: object | undefined,
  inspect: ((value: unknown, options?: object) => string) | undefined,
): string {
  const shown = typeof fields.url == 'string' ? { ...fields, url: redactUrl(fields.url) } : fields;
  return `${name} ${inspect === undefined ? JSON.stringify(shown) : inspect(shown, { ...options, depth: 0 })}`;
}
