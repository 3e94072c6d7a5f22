import { BufferOverflowError } from '../lib/errors.js';
import { DEFAULT_BUFFER_LIMIT, Outbox, resolveBufferConfig } from '../lib/outbox.js';

describe('Outbox', () => {
  it('returns items first in, first out', () => {
    const outbox = new Outbox<number>(10, 'ws://h/');
    [1, 2, 3].forEach((n) => outbox.push(n));
    expect([outbox.shift(), outbox.shift()]).toEqual([1, 2]);
    outbox.push(4);
    expect(outbox.takeAll()).toEqual([3, 4]);
    expect(outbox.size).toBe(0);
    expect(outbox.shift()).toBeUndefined();
  });

  it('throws BufferOverflowError at the limit and keeps its contents', () => {
    const outbox = new Outbox<string>(2, 'ws://h/');
    outbox.push('a');
    outbox.push('b');
    expect(() => outbox.push('c')).toThrow(BufferOverflowError);
    expect(outbox.takeAll()).toEqual(['a', 'b']);
  });

  it('keeps order across many pushes and shifts (the compaction path)', () => {
    const outbox = new Outbox<number>(10000, 'ws://h/');
    const out: number[] = [];
    for (let i = 0; i < 20000; i++) {
      outbox.push(i);
      if (i % 3 !== 0) out.push(outbox.shift()!);
    }
    out.push(...outbox.takeAll());
    expect(out).toEqual(Array.from({ length: 20000 }, (_, i) => i));
  });
});

describe('resolveBufferConfig', () => {
  it('defaults to 1,000 messages', () => {
    expect(resolveBufferConfig(undefined)).toEqual({ limit: DEFAULT_BUFFER_LIMIT });
    expect(DEFAULT_BUFFER_LIMIT).toBe(1000);
  });

  it.each([0, -1, 1.5, Number.NaN, '10'])('rejects limit %p', (limit) => {
    expect(() => resolveBufferConfig({ limit: limit as number })).toThrow(RangeError);
  });

  it('rejects a buffer that is not an object', () => {
    expect(() => resolveBufferConfig(5 as never)).toThrow(TypeError);
  });
});
