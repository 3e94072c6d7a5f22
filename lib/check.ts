/** The checks every module's options go through, and how values are named in their messages. */

/** The runtime's tag for a value's class: `Object`, `Array`, `ArrayBuffer`, `Blob`, … (also across realms, unlike `instanceof`). */
export function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** A short name for a value's type, for error messages (`null`, `undefined`, `object (Object)`, `function`). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `object (${tagOf(value)})`;
  return typeof value;
}

/**
 * A value as a message shows it: a string quoted (cut after 64 characters), a number, boolean,
 * BigInt, symbol, `null` or `undefined` as written in code, anything else by its type (never a
 * function's source, never an object's contents).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value, 64);
  if (typeof value === 'bigint') return `${value}n`;
  // String() names a symbol too (only implicit conversion throws for one).
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  return describeType(value);
}

/** A string in double quotes, as JSON writes it, cut after `max` characters with an ellipsis. */
export function quote(text: string, max: number): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
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

/** @throws TypeError with the library's prefix and a closing period. */
export function fail(message: string): never {
  throw new TypeError(`reactive-websocket: ${message}.`);
}
