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

  it("with acknowledgements, 'drop-oldest' drops the oldest unacknowledged message, sent or not, and never sends it", () => {
    const waiting = outbox(2, 'drop-oldest', true);
    waiting.add(entry(1));
    waiting.add(entry(2));
    expect(waiting.add(entry(3)).map((e) => e.value)).toEqual([1]);
    expect(waiting.holds(1)).toBe(false);
    expect(sendAll(waiting)).toEqual([2, 3]);

    const sent = outbox(2, 'drop-oldest', true);
    sent.add(entry(1));
    sent.add(entry(2));
    sent.sent(sent.next()!, 0);
    expect(sent.add(entry(3)).map((e) => e.value)).toEqual([1]);
    sent.requeueUnacknowledged();
    expect(sendAll(sent)).toEqual([2, 3]);
  });

  it('takes at close only the messages not yet sent, oldest first', () => {
    const box = outbox(10);
    [1, 2, 3].forEach((n) => box.add(entry(n)));
    box.sent(box.next()!, 0);
    expect(box.takeAll().map((e) => e.value)).toEqual([2, 3]);
    expect(box.queued).toBe(0);
    expect(box.next()).toBeUndefined();
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

  it('counts the messages waiting to be sent, without acknowledgements', () => {
    const box = outbox(10);
    expect(box.hasQueued).toBe(false);
    [1, 2, 3].forEach((n) => box.add(entry(n)));
    box.sent(box.next()!, 0);
    expect(box.queued).toBe(2);
    expect(box.size).toBe(2);
    expect(box.hasQueued).toBe(true);
    sendAll(box);
    expect(box.queued).toBe(0);
    expect(box.hasQueued).toBe(false);
  });

  it('counts as queued only the unacknowledged messages not yet handed to the current connection', () => {
    const box = outbox(10, 'error', true);
    [1, 2, 3].forEach((n) => box.add(entry(n)));
    expect(box.queued).toBe(3);
    box.sent(box.next()!, 0);
    expect(box.queued).toBe(2);
    expect(box.size).toBe(3);
    box.requeueUnacknowledged();
    expect(box.queued).toBe(3);
    box.acknowledge(1);
    box.acknowledge(3);
    expect(box.queued).toBe(1);
    expect(box.hasQueued).toBe(true);
    box.acknowledge(2);
    expect(box.queued).toBe(0);
    expect(box.hasQueued).toBe(false);
    expect(box.next()).toBeUndefined();
  });

  it('without acknowledgements holds nothing for one: holds, sentBefore and earliestSent find nothing', () => {
    const box = outbox(10);
    box.add(entry(1));
    box.add(entry(2));
    box.sent(box.next()!, 100);
    expect(box.holds(1)).toBe(false);
    expect(box.holds(2)).toBe(false);
    expect(box.sentBefore(1000)).toEqual([]);
    expect(box.earliestSent()).toBeUndefined();
    expect(box.acknowledge(2)).toBe(false);
    expect(sendAll(box)).toEqual([2]);
  });

  it('finds the messages sent at or before a time, and the earliest send, ignoring those never sent', () => {
    const box = outbox(10, 'error', true);
    [1, 2, 3].forEach((n) => box.add(entry(n)));
    box.sent(box.next()!, 100);
    box.sent(box.next()!, 200);
    expect(box.sentBefore(99)).toEqual([]);
    expect(box.sentBefore(150).map((e) => e.value)).toEqual([1]);
    expect(box.sentBefore(200).map((e) => e.value)).toEqual([1, 2]);
    expect(box.earliestSent()).toBe(100);
    // After a reconnect only the first is sent again: the earliest send is now the second's.
    box.requeueUnacknowledged();
    box.sent(box.next()!, 300);
    expect(box.earliestSent()).toBe(200);
    expect(box.sentBefore(250).map((e) => e.value)).toEqual([2]);
  });

  it('takes a message that brings the bytes held exactly to maxBytes', () => {
    const box = outbox(100, 'error', false, 10);
    box.add(entry(1, 4));
    expect(box.add(entry(2, 6))).toEqual([]);
    expect(() => box.add(entry(3, 1))).toThrow(BufferOverflowError);
  });

  it('frees the bytes of a message once it is sent (without acknowledgements) or acknowledged', () => {
    const plain = outbox(100, 'error', false, 10);
    plain.add(entry(1, 4));
    plain.add(entry(2, 4));
    plain.sent(plain.next()!, 0);
    expect(plain.add(entry(3, 6))).toEqual([]);

    const acknowledged = outbox(100, 'error', true, 10);
    acknowledged.add(entry(1, 4));
    acknowledged.add(entry(2, 4));
    sendAll(acknowledged);
    expect(() => acknowledged.add(entry(3, 6))).toThrow(BufferOverflowError);
    acknowledged.acknowledge(1);
    expect(acknowledged.add(entry(3, 6))).toEqual([]);
  });

  it("under 'drop-oldest' drops only as many of the oldest as it takes to fit the bytes", () => {
    const box = outbox(100, 'drop-oldest', false, 10);
    box.add(entry(1, 4));
    box.add(entry(2, 4));
    expect(box.add(entry(3, 6)).map((e) => e.value)).toEqual([1]);
    expect(box.add(entry(4, 4)).map((e) => e.value)).toEqual([2]);
    expect(sendAll(box)).toEqual([3, 4]);
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

  it('shares one default config between all outboxes given no settings', () => {
    expect(resolveBufferConfig(undefined)).toBe(resolveBufferConfig(undefined));
  });

  it('accepts the boundary values and fills in the rest', () => {
    expect(resolveBufferConfig({ limit: 1, maxBytes: 0.5, highWaterMark: 1, overflow: 'drop-newest' })).toEqual({
      limit: 1,
      maxBytes: 0.5,
      overflow: 'drop-newest',
      highWaterMark: 1,
    });
    expect(resolveBufferConfig({ limit: 5, overflow: undefined })).toEqual({
      limit: 5,
      maxBytes: Infinity,
      overflow: 'error',
      highWaterMark: Infinity,
    });
  });

  it.each([
    [{ limit: 0 }, /buffer.limit must be a whole number of at least 1, not 0/],
    [{ limit: -1 }, /buffer.limit/],
    [{ limit: 1.5 }, /buffer.limit/],
    [{ limit: Number.NaN }, /buffer.limit/],
    [{ limit: '10' }, /buffer.limit/],
    [{ maxBytes: 0 }, /^reactive-websocket: buffer.maxBytes must be a number of bytes above 0, or Infinity, not 0.$/],
    [{ maxBytes: Number.NaN }, /buffer.maxBytes must be a number of bytes above 0, or Infinity, not NaN/],
    [{ highWaterMark: -5 }, /^reactive-websocket: buffer.highWaterMark must be a number of bytes above 0, or Infinity, not -5.$/],
    [{ highWaterMark: 0 }, /buffer.highWaterMark must be a number of bytes above 0, or Infinity, not 0/],
    [{ highWaterMark: Number.NaN }, /buffer.highWaterMark must be a number of bytes above 0, or Infinity, not NaN/],
    [{ overflow: 'drop' }, /buffer.overflow "drop" is not one of 'error', 'drop-oldest', 'drop-newest'/],
  ])('rejects %p, naming the field', (config, message) => {
    expect(() => resolveBufferConfig(config as never)).toThrow(message);
  });

  it('rejects a buffer that is not an object, null included', () => {
    expect(() => resolveBufferConfig(5 as never)).toThrow(TypeError);
    expect(() => resolveBufferConfig(null as never)).toThrow(TypeError);
    expect(() => resolveBufferConfig(null as never)).toThrow(
      /^reactive-websocket: buffer must be an object such as \{ limit: 1000 \}, not null.$/,
    );
  });
});
