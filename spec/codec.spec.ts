import { dataDeserializer, identitySerializer, isWebSocketData, jsonDeserializer, jsonSerializer } from '../lib/codec.js';
import { describeType } from '../lib/check.js';

describe('isWebSocketData', () => {
  it('accepts text, ArrayBuffer, typed arrays, DataView, Buffer, Blob and File', () => {
    for (const value of [
      '',
      'x',
      new ArrayBuffer(2),
      new Uint8Array(2),
      new DataView(new ArrayBuffer(1)),
      Buffer.from('x'),
      new Blob(['x']),
      new File(['x'], 'x.txt'),
    ]) {
      expect(isWebSocketData(value)).toBe(true);
    }
  });

  it('rejects what a socket would coerce or choke on', () => {
    for (const value of [null, undefined, 1, true, {}, [], Symbol('s'), () => undefined, new Map()]) {
      expect(isWebSocketData(value)).toBe(false);
    }
  });
});

describe('default codecs', () => {
  it('pass values and data through unchanged', () => {
    const buffer = new ArrayBuffer(1);
    expect(identitySerializer(buffer)).toBe(buffer);
    expect(dataDeserializer({ type: 'message', data: 'x' })).toBe('x');
  });
});

describe('jsonSerializer', () => {
  it('encodes JSON values', () => {
    expect(jsonSerializer({ a: [1, 'b', null] })).toBe('{"a":[1,"b",null]}');
    expect(jsonSerializer('s')).toBe('"s"');
  });

  it.each([
    ['undefined', undefined, /type undefined/],
    ['a function', () => 1, /type function/],
    ['a symbol', Symbol('s'), /type symbol/],
    ['a BigInt', { n: 1n }, /BigInt/],
  ])('refuses %s with a TypeError instead of sending nothing', (_name, value, message) => {
    expect(() => jsonSerializer(value)).toThrow(TypeError);
    expect(() => jsonSerializer(value)).toThrow(message);
  });

  it('says what to send instead, and how to handle BigInt values and cycles', () => {
    expect(() => jsonSerializer(undefined)).toThrow(
      /^cannot encode a value of type undefined as JSON. Send an object, array, string, number, boolean or null.$/,
    );
    expect(() => jsonSerializer({ n: 1n })).toThrow(
      /^cannot encode the message as JSON: .*BigInt.*\. Remove BigInt values and circular references, or pass a serializer that handles them.$/,
    );
  });

  it('refuses a cycle, keeping the original error as cause', () => {
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    try {
      jsonSerializer(cycle);
      throw new Error('expected a TypeError');
    } catch (error) {
      expect((error as Error).message).toMatch(/cannot encode the message as JSON: .*circular/s);
      expect((error as Error).cause).toBeInstanceOf(TypeError);
    }
  });
});

describe('jsonDeserializer', () => {
  it('decodes JSON text', () => {
    expect(jsonDeserializer({ type: 'message', data: '{"a":1}' })).toEqual({ a: 1 });
  });

  it('throws for binary data and for text that is not JSON', () => {
    expect(() => jsonDeserializer({ type: 'message', data: new ArrayBuffer(1) })).toThrow(/got binary data/);
    expect(() => jsonDeserializer({ type: 'message', data: '{' })).toThrow(SyntaxError);
  });

  it('drops a top-level prototype key, and unsafe keys written with spaces before the colon', () => {
    expect(jsonDeserializer({ type: 'message', data: '{"prototype":{"polluted":1},"ok":1}' })).toEqual({ ok: 1 });
    const spaced = jsonDeserializer<object>({ type: 'message', data: '{"__proto__" \t: {"polluted":1}, "ok": 1}' });
    expect(Object.keys(spaced)).toEqual(['ok']);
  });

  it('drops __proto__, constructor and prototype keys so merging a message cannot pollute prototypes', () => {
    const payload = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"nested":{"__proto__":{"polluted":3}},"ok":1}';
    const message = jsonDeserializer<Record<string, unknown>>({ type: 'message', data: payload });
    expect(Object.keys(message)).toEqual(['nested', 'ok']);
    expect(Object.keys(message.nested as object)).toEqual([]);
    const merged = Object.assign({}, message);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('describeType', () => {
  it('names types for error messages', () => {
    expect([null, undefined, 1, 'x', {}, [], () => 1].map(describeType)).toEqual([
      'null',
      'undefined',
      'number',
      'string',
      'object (Object)',
      'object (Array)',
      'function',
    ]);
  });
});
