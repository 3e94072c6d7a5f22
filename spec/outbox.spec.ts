import fc from 'fast-check';
import { BufferOverflowError } from '../lib/errors.js';
import { DEFAULT_BUFFER_LIMIT, Outbox, resolveBufferConfig, type OutboxEntry, type OverflowPolicy } from '../lib/outbox.js';

function entry(n: number, bytes = 1): OutboxEntry<number> {
  return { value: n, data: String(n), bytes, key: n, sentAt: undefined, settled: false };
}

function outbox(limit: number, overflow: OverflowPolicy = 'error', acknowledged = false, maxBytes = Infinity): Outbox<number> {
  return new Outbox<number>(resolveBufferConfig({ limit, overflow, maxBytes }), acknowledged, 'ws://h/');
}

/** Takes everything queued, marking it sent. */
function sendAll(box: Outbox<number>, now = 0): number[] {
  const sent: number[] = [];
  for (let next = box.next(); next !== undefined; next = box.next()) {
    box.sent(next, now);
    sent.push(next.value);
  }
  return sent;
}

describe('Outbox', () => {
  it('hands messages out first in, first out', () => {
    const box = outbox(10);
    [1, 2, 3].forEach((n) => box.add(entry(n)));
    expect(box.queued).toBe(3);
    expect(sendAll(box)).toEqual([1, 2, 3]);
    expect(box.size).toBe(0);
    expect(box.next()).toBeUndefined();
  });

  it("throws BufferOverflowError at the limit under 'error' and keeps its contents", () => {
    const box = outbox(2);
    box.add(entry(1));
    box.add(entry(2));
    expect(() => box.add(entry(3))).toThrow(BufferOverflowError);
    expect(box.takeAll().map((e) => e.value)).toEqual([1, 2]);
  });

  it("drops the oldest under 'drop-oldest' and the new one under 'drop-newest', returning what it dropped", () => {
    const oldest = outbox(2, 'drop-oldest');
    oldest.add(entry(1));
    oldest.add(entry(2));
    expect(oldest.add(entry(3)).map((e) => e.value)).toEqual([1]);
    expect(sendAll(oldest)).toEqual([2, 3]);

    const newest = outbox(2, 'drop-newest');
    newest.add(entry(1));
    newest.add(entry(2));
    expect(newest.add(entry(3)).map((e) => e.value)).toEqual([3]);
    expect(sendAll(newest)).toEqual([1, 2]);
  });

  it('bounds bytes as well as count, but always takes one message into an empty outbox', () => {
    const box = outbox(100, 'drop-oldest', false, 10);
    box.add(entry(1, 6));
    expect(box.add(entry(2, 6)).map((e) => e.value)).toEqual([1]);
    expect(outbox(100, 'error', false, 10).add(entry(1, 50))).toEqual([]);
    const strict = outbox(100, 'error', false, 10);
    strict.add(entry(1, 6));
    expect(() => strict.add(entry(2, 6))).toThrow(BufferOverflowError);
  });

  it('keeps sent messages until acknowledged, and queues the unacknowledged again in order', () => {
    const box = outbox(10, 'error', true);
    [1, 2, 3, 4].forEach((n) => box.add(entry(n)));
    expect(sendAll(box, 100)).toEqual([1, 2, 3, 4]);
    expect(box.size).toBe(4);
    expect(box.acknowledge(2)).toBe(true);
    expect(box.acknowledge(2)).toBe(false);
    expect(box.sentBefore(100).map((e) => e.value)).toEqual([1, 3, 4]);
    expect(box.earliestSent()).toBe(100);
    box.add(entry(5));
    box.requeueUnacknowledged();
    expect(sendAll(box, 200)).toEqual([1, 3, 4, 5]);
    expect(box.holds(5)).toBe(true);
    expect(box.takeAll().map((e) => e.value)).toEqual([1, 3, 4, 5]);
    expect(box.size).toBe(0);
  });

  it('counts unacknowledged messages against the limit', () => {
    const box = outbox(2, 'error', true);
    box.add(entry(1));
    box.add(entry(2));
    sendAll(box);
    expect(() => box.add(entry(3))).toThrow(BufferOverflowError);
    box.acknowledge(1);
    expect(box.add(entry(3))).toEqual([]);
  });

  it('keeps order across many adds and sends (the compaction path)', () => {
    const box = outbox(10000);
    const out: number[] = [];
    for (let i = 0; i < 20000; i++) {
      box.add(entry(i));
      if (i % 3 !== 0) {
        const next = box.next()!;
        box.sent(next, 0);
        out.push(next.value);
      }
    }
    out.push(...sendAll(box));
    expect(out).toEqual(Array.from({ length: 20000 }, (_, i) => i));
  });

  it('model: every message has exactly one fate, order is kept and the bound holds (fast-check, 500 runs)', () => {
    type Command = { op: 'send'; count: number } | { op: 'add' } | { op: 'ack'; pick: number } | { op: 'reconnect' };
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.constant<Command>({ op: 'add' }),
      fc.constant<Command>({ op: 'add' }),
      fc.record({ op: fc.constant('send' as const), count: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('ack' as const), pick: fc.nat() }),
      fc.constant<Command>({ op: 'reconnect' }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom<OverflowPolicy>('error', 'drop-oldest', 'drop-newest'),
        fc.boolean(),
        fc.array(command, { maxLength: 200 }),
        (limit, overflow, acknowledged, commands) => {
          const box = outbox(limit, overflow, acknowledged);
          const fates = new Map<number, string>();
          const firstSent: number[] = [];
          let next = 0;
          for (const c of commands) {
            if (c.op === 'add') {
              const n = next++;
              try {
                for (const dropped of box.add(entry(n))) {
                  expect(fates.get(dropped.value) ?? 'held').toMatch(/held|sent/);
                  fates.set(dropped.value, 'dropped');
                }
                if (!fates.has(n)) fates.set(n, 'held');
              } catch (error) {
                expect(error).toBeInstanceOf(BufferOverflowError);
                expect(overflow).toBe('error');
                fates.set(n, 'thrown');
              }
            } else if (c.op === 'send') {
              for (let i = 0; i < c.count; i++) {
                const e = box.next();
                if (e === undefined) break;
                box.sent(e, 0);
                if (fates.get(e.value) === 'held') firstSent.push(e.value);
                else expect(acknowledged).toBe(true);
                fates.set(e.value, acknowledged ? 'sent' : 'delivered');
              }
            } else if (c.op === 'ack' && acknowledged) {
              const unacked = [...fates].filter(([, fate]) => fate === 'sent').map(([n]) => n);
              if (unacked.length > 0) {
                const n = unacked[c.pick % unacked.length];
                expect(box.acknowledge(n)).toBe(true);
                fates.set(n, 'delivered');
              }
            } else if (c.op === 'reconnect') {
              box.requeueUnacknowledged();
            }
            expect(box.size).toBeLessThanOrEqual(limit);
          }
          for (const e of box.takeAll()) {
            expect(fates.get(e.value)).toMatch(/held|sent/);
            fates.set(e.value, 'taken at close');
          }
          // Every message ends in exactly one of these fates; none is still "held" unaccounted for.
          for (const [, fate] of fates) expect(['delivered', 'dropped', 'thrown', 'taken at close']).toContain(fate);
          expect(fates.size).toBe(next);
          // First sends happen in the order of sending.
          expect(firstSent).toEqual([...firstSent].sort((a, b) => a - b));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('resolveBufferConfig', () => {
  it('defaults to 1,000 messages, no byte bound, error on overflow, no high-water mark', () => {
    expect(resolveBufferConfig(undefined)).toEqual({
      limit: DEFAULT_BUFFER_LIMIT,
      maxBytes: Infinity,
      overflow: 'error',
      highWaterMark: Infinity,
    });
    expect(DEFAULT_BUFFER_LIMIT).toBe(1000);
  });

  it.each([
    [{ limit: 0 }, /buffer.limit must be a whole number of at least 1, not 0/],
    [{ limit: -1 }, /buffer.limit/],
    [{ limit: 1.5 }, /buffer.limit/],
    [{ limit: Number.NaN }, /buffer.limit/],
    [{ limit: '10' }, /buffer.limit/],
    [{ maxBytes: 0 }, /buffer.maxBytes/],
    [{ highWaterMark: -5 }, /buffer.highWaterMark/],
    [{ overflow: 'drop' }, /buffer.overflow "drop" is not one of 'error', 'drop-oldest', 'drop-newest'/],
  ])('rejects %j, naming the field', (config, message) => {
    expect(() => resolveBufferConfig(config as never)).toThrow(message);
  });

  it('rejects a buffer that is not an object', () => {
    expect(() => resolveBufferConfig(5 as never)).toThrow(TypeError);
  });
});
