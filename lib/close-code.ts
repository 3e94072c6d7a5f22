/** The most bytes of UTF-8 a close reason may take (RFC 6455: 125 bytes of payload less the 2-byte code). */
export const MAX_REASON_BYTES = 123;

/**
 * The close code the socket uses when `error()` is called on it as an RxJS observer:
 * the first of the range reserved for applications, so browsers accept it.
 */
export const CLOSE_CODE_OBSERVER_ERROR = 4000;

/** The close code of a connection the heartbeat presumed dead (nothing arrived in `interval + timeout`). */
export const CLOSE_CODE_HEARTBEAT_TIMEOUT = 4010;

/**
 * Checks a close code and reason by the browser rule, on every runtime: the code is an integer,
 * 1000 or 3000-4999; the reason is a string of at most 123 UTF-8 bytes.
 *
 * @throws RangeError for a code or reason out of range, TypeError for a value of the wrong type.
 */
export function validateClose(code: unknown, reason: unknown): void {
  if (code !== undefined) {
    if (typeof code !== 'number' || !Number.isInteger(code)) {
      throw new (typeof code === 'number' ? RangeError : TypeError)(
        `reactive-websocket: close code ${formatValue(code)} is not an integer; use 1000 or a code from 3000 to 4999.`,
      );
    }
    if (code !== 1000 && (code < 3000 || code > 4999)) {
      throw new RangeError(
        `reactive-websocket: close code ${code} may not be sent by a client; use 1000 (normal) or a code ` +
          'from 3000 to 4999 (browsers reject the others).',
      );
    }
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') {
      throw new TypeError(`reactive-websocket: the close reason must be a string, not ${formatValue(reason)}.`);
    }
    const bytes = utf8ByteLength(reason);
    if (bytes > MAX_REASON_BYTES) {
      throw new RangeError(
        `reactive-websocket: the close reason takes ${bytes} bytes of UTF-8; at most ${MAX_REASON_BYTES} fit in a close frame. Shorten it.`,
      );
    }
  }
}

/** The length of a string encoded as UTF-8, lone surrogates counting as U+FFFD (3 bytes), as encoders write them. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

// String() names a symbol too (only implicit conversion throws for one).
function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
