import { MAX_REASON_BYTES, utf8ByteLength, validateClose } from '../lib/close-code.js';

describe('validateClose', () => {
  it.each([undefined, 1000, 3000, 4000, 4999])('accepts code %p', (code) => {
    expect(() => validateClose(code, undefined)).not.toThrow();
  });

  // The codes RFC 6455 reserves or forbids a client to send (sections 7.4.1, 7.4.2) and values
  // outside the unsigned short range: browsers throw for all of them.
  it.each([0, 999, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011, 1015, 2999, 5000, 65535, 65536, -1])(
    'rejects code %p with a RangeError that says which codes are allowed',
    (code) => {
      expect(() => validateClose(code, undefined)).toThrow(RangeError);
      expect(() => validateClose(code, undefined)).toThrow(/use 1000 .*3000 to 4999/);
    },
  );

  it('rejects non-integers even though browsers round them, and non-numbers', () => {
    expect(() => validateClose(1000.5, undefined)).toThrow(RangeError);
    expect(() => validateClose(Number.NaN, undefined)).toThrow(RangeError);
    expect(() => validateClose(Infinity, undefined)).toThrow(RangeError);
    expect(() => validateClose('1000', undefined)).toThrow(TypeError);
    expect(() => validateClose('1000', undefined)).toThrow(
      /^reactive-websocket: close code "1000" is not an integer; use 1000 or a code from 3000 to 4999.$/,
    );
    expect(() => validateClose(1000.5, undefined)).toThrow(/close code 1000.5 is not an integer/);
    expect(() => validateClose(Symbol('code'), undefined)).toThrow(/close code Symbol\(code\) is not an integer/);
    expect(() => validateClose(1000, 42)).toThrow(/close reason must be a string, not 42/);
  });

  it('accepts a reason of 123 bytes and rejects 124, counting UTF-8 bytes', () => {
    expect(() => validateClose(1000, 'a'.repeat(MAX_REASON_BYTES))).not.toThrow();
    expect(() => validateClose(1000, 'a'.repeat(124))).toThrow(RangeError);
    expect(() => validateClose(1000, 'é'.repeat(62))).toThrow(/124 bytes/);
    expect(() => validateClose(1000, '😀'.repeat(30) + 'abc')).not.toThrow();
    expect(() => validateClose(1000, '😀'.repeat(31))).toThrow(/124 bytes/);
  });
});

describe('utf8ByteLength', () => {
  it('matches TextEncoder, lone surrogates included', () => {
    const encoder = new TextEncoder();
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀é€', '\uD800', '\uDC00x', 'x\uD800', '\uD83D\uDE00\uD800']) {
      expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
    }
  });

  it('matches TextEncoder at each edge of the 1-, 2-, 3- and 4-byte ranges', () => {
    const encoder = new TextEncoder();
    const edges = ['\u007F', '\u0080', '\u07FF', '\u0800', '\uD7FF', '\uE000', '\uFFFF'];
    for (const text of edges) expect([text, utf8ByteLength(text)]).toEqual([text, encoder.encode(text).length]);
  });

  it('counts 4 bytes only for a high surrogate followed by a low one, and 3 for every other surrogate', () => {
    const encoder = new TextEncoder();
    const pairsAndNot = [
      '\uD800\uDC00', // the lowest pair
      '\uDBFF\uDFFF', // the highest pair
      '\uD800\uDFFF',
      '\uDBFF\uDC00',
      '\uDC00\uDC00', // two low surrogates are not a pair
      '\uDFFF\uDC00',
      '\uD800\uD800', // nor two high ones
      '\uD800\uE000', // a high surrogate before a character just past the low range
      '\uD800\uD7FF€',
      '\uD800€', // a high surrogate before a 3-byte character
      '€\uDC00', // a low surrogate after a character that is not a high surrogate
      '\uE000\uDC00',
    ];
    for (const text of pairsAndNot) expect([text, utf8ByteLength(text)]).toEqual([text, encoder.encode(text).length]);
  });
});
