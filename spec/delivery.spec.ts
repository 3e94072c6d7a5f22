/**
 * The acknowledgement side of at-least-once delivery on its own, over a real outbox: the id of
 * each message, the acknowledgements that settle them, and the re-send timer (jest's fake timers).
 */
import { Delivery, delivery, resolveDeliveryConfig, type DeliveryConfig } from '../lib/delivery.js';
import { Outbox, resolveBufferConfig, type OutboxEntry } from '../lib/outbox.js';

type Message = { id?: unknown; text: string };
type Reply = { ack?: number };

const start = Date.UTC(2026, 0, 1);

function setup(config: Partial<DeliveryConfig<Reply, Message>> = {}) {
  const outbox = new Outbox<Message>(resolveBufferConfig({}), true, 'ws://example.test/');
  const resent: Array<{ data: unknown; at: number }> = [];
  const settings = resolveDeliveryConfig<Reply, Message>({
    id: (message) => message.id,
    ackOf: (reply) => reply.ack,
    timeout: 1000,
    ...config,
  })!;
  const acknowledgements = new Delivery(settings, outbox, (data) => resent.push({ data, at: Date.now() - start }));
  /** Adds a message with its id, as the sender does, and marks it handed to a socket now. */
  const sendNow = (message: Message): OutboxEntry<Message> => {
    const entry: OutboxEntry<Message> = {
      value: message,
      data: message.text,
      bytes: 1,
      key: acknowledgements.idOf(message),
      sentAt: undefined,
      settled: false,
    };
    outbox.add(entry);
    outbox.sent(outbox.next()!, Date.now());
    return entry;
  };
  return { outbox, resent, acknowledgements, sendNow };
}

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('resolveDeliveryConfig', () => {
  it('refuses a timeout that is not a number, though it compares above 0', () => {
    expect(() => resolveDeliveryConfig({ id: String, ackOf: String, timeout: '5' as never })).toThrow(
      /delivery\.timeout must be a number of ms above 0, or Infinity, not "5"/,
    );
  });

  const id = (message: unknown) => message;

  it('is off when not given, and fills in a 10 s timeout', () => {
    expect(resolveDeliveryConfig(undefined)).toBeUndefined();
    expect(resolveDeliveryConfig({ id, ackOf: id })).toEqual({ id, ackOf: id, timeout: 10_000 });
    expect(resolveDeliveryConfig({ id, ackOf: id, timeout: Infinity })?.timeout).toBe(Infinity);
    expect(resolveDeliveryConfig({ id, ackOf: id, timeout: 1 })?.timeout).toBe(1);
  });

  it.each([
    [null, TypeError, 'reactive-websocket: delivery must be an object such as { id, ackOf }, not null.'],
    ['ids', TypeError, 'reactive-websocket: delivery must be an object such as { id, ackOf }, not string.'],
    [{ ackOf: id }, TypeError, 'reactive-websocket: delivery.id must be a function, not undefined.'],
    [{ id, ackOf: 'ack' }, TypeError, 'reactive-websocket: delivery.ackOf must be a function, not string.'],
    [{ id, ackOf: id, timeout: 0 }, RangeError, 'reactive-websocket: delivery.timeout must be a number of ms above 0, or Infinity, not 0.'],
    [
      { id, ackOf: id, timeout: -5 },
      RangeError,
      'reactive-websocket: delivery.timeout must be a number of ms above 0, or Infinity, not -5.',
    ],
  ])('rejects %p, naming the field', (config, type, message) => {
    expect(() => resolveDeliveryConfig(config as never)).toThrow(type);
    expect(() => resolveDeliveryConfig(config as never)).toThrow(message);
  });

  it('is what delivery() carries, and delivery() without settings is refused', () => {
    expect(delivery({ id, ackOf: id })).toEqual({ delivery: { id, ackOf: id, timeout: 10_000 } });
    expect(() => delivery(undefined as never)).toThrow(/delivery must be an object such as \{ id, ackOf \}, not null/);
  });
});

describe('Delivery: ids and acknowledgements', () => {
  it('gives the id of each message', () => {
    const { acknowledgements } = setup();
    expect(acknowledgements.idOf({ id: 7, text: 'a' })).toBe(7);
    expect(acknowledgements.idOf({ id: 0, text: 'a' })).toBe(0);
    expect(acknowledgements.idOf({ id: '', text: 'a' })).toBe('');
  });

  it.each([undefined, null])('refuses a message whose id is %p', (missing) => {
    const { acknowledgements } = setup();
    expect(() => acknowledgements.idOf({ id: missing, text: 'a' })).toThrow(
      new TypeError(
        `reactive-websocket: delivery.id returned ${String(missing)}; every message needs an id, the one the server's ` +
          'acknowledgement will name. Nothing was sent or queued.',
      ),
    );
  });

  it('refuses an id already pending, until it is acknowledged', () => {
    const { acknowledgements, sendNow } = setup();
    sendNow({ id: 'order-1', text: 'a' });
    expect(() => acknowledgements.idOf({ id: 'order-1', text: 'b' })).toThrow(
      new TypeError(
        'reactive-websocket: a message with id "order-1" is already waiting for its acknowledgement; ids must be unique among ' +
          'pending messages. Nothing was sent or queued.',
      ),
    );
    acknowledgements.received({ ack: 'order-1' as never });
    expect(acknowledgements.idOf({ id: 'order-1', text: 'b' })).toBe('order-1');
  });

  it('turns a throwing id into a TypeError from send, with the cause', () => {
    const thrown = new Error('no id here');
    const { acknowledgements } = setup({
      id: () => {
        throw thrown;
      },
    });
    let error: unknown;
    try {
      acknowledgements.idOf({ text: 'a' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('reactive-websocket: delivery.id threw, so nothing was sent or queued: Error: no id here.');
    expect((error as Error).cause).toBe(thrown);
  });

  it('settles the message an incoming one acknowledges, and nothing for one that acknowledges none', () => {
    const { acknowledgements, outbox, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    sendNow({ id: 2, text: 'b' });
    acknowledgements.received({});
    expect(outbox.size).toBe(2);
    acknowledgements.received({ ack: 2 });
    expect(outbox.holds(2)).toBe(false);
    expect(outbox.holds(1)).toBe(true);
  });

  it('reports an ackOf that throws, and settles nothing', () => {
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const thrown = new Error('bad reply');
    const { acknowledgements, outbox, sendNow } = setup({
      ackOf: () => {
        throw thrown;
      },
    });
    sendNow({ id: 1, text: 'a' });
    expect(() => acknowledgements.received({ ack: 1 })).not.toThrow();
    expect(reported).toHaveBeenCalledWith(thrown);
    expect(outbox.size).toBe(1);
    reported.mockRestore();
  });
});

describe('Delivery: the re-send timer', () => {
  it('arms no timer with timeout Infinity, which never re-sends on the same connection', () => {
    const { acknowledgements, resent, sendNow } = setup({ timeout: Infinity });
    sendNow({ id: 1, text: 'a' });
    acknowledgements.watch();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * 24 * 3600 * 1000);
    expect(resent).toEqual([]);
  });

  it('waits out a timeout longer than a timer can (2^31 - 1 ms) in steps, and re-sends only when it has passed', () => {
    const timeout = 2 ** 32;
    const { acknowledgements, resent, sendNow } = setup({ timeout });
    sendNow({ id: 1, text: 'a' });
    acknowledgements.watch();
    jest.advanceTimersByTime(2 ** 31);
    expect(resent).toEqual([]);
    jest.advanceTimersByTime(timeout - 2 ** 31);
    expect(resent).toEqual([{ data: 'a', at: timeout }]);
    acknowledgements.stop();
  });

  it('arms nothing while nothing sent waits for its acknowledgement', () => {
    const { acknowledgements } = setup();
    acknowledgements.watch();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends again, at exactly the timeout, what has not been acknowledged, then waits a timeout again', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    acknowledgements.watch();
    acknowledgements.watch();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(999);
    expect(resent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(resent).toEqual([{ data: 'a', at: 1000 }]);
    jest.advanceTimersByTime(1000);
    expect(resent).toEqual([
      { data: 'a', at: 1000 },
      { data: 'a', at: 2000 },
    ]);
    acknowledgements.stop();
  });

  it('times each message from when it was sent: only the overdue ones go again, oldest first', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    jest.advanceTimersByTime(400);
    sendNow({ id: 2, text: 'b' });
    acknowledgements.watch();
    jest.advanceTimersByTime(600);
    expect(resent).toEqual([{ data: 'a', at: 1000 }]);
    jest.advanceTimersByTime(400);
    expect(resent).toEqual([
      { data: 'a', at: 1000 },
      { data: 'b', at: 1400 },
    ]);
    acknowledgements.stop();
  });

  it('arms for the earliest message still waiting, counting the time already passed', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    jest.advanceTimersByTime(700);
    acknowledgements.watch();
    jest.advanceTimersByTime(299);
    expect(resent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(resent).toEqual([{ data: 'a', at: 1000 }]);
    acknowledgements.stop();
  });

  it('fires at once for a message already overdue when watched', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    jest.advanceTimersByTime(5000);
    acknowledgements.watch();
    jest.advanceTimersByTime(0);
    expect(resent).toEqual([{ data: 'a', at: 5000 }]);
    acknowledgements.stop();
  });

  it('stops when everything is acknowledged', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    acknowledgements.watch();
    acknowledgements.received({ ack: 1 });
    jest.advanceTimersByTime(1000);
    expect(resent).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer after stop(), and can be armed again', () => {
    const { acknowledgements, resent, sendNow } = setup();
    sendNow({ id: 1, text: 'a' });
    acknowledgements.watch();
    acknowledgements.stop();
    acknowledgements.stop();
    expect(jest.getTimerCount()).toBe(0);
    acknowledgements.watch();
    jest.advanceTimersByTime(1000);
    expect(resent).toHaveLength(1);
    acknowledgements.stop();
  });
});
