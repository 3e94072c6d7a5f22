/**
 * When a producer may send again: `drained$` (and `writable$`, `whenWritable()`) over test doubles
 * whose `bufferedAmount` the spec drives, with fake timers for the drain poll and the reconnect wait.
 */
import { concatMap, first, firstValueFrom, from, map } from 'rxjs';
import { ReactiveWebSocket, type ReactiveWebSocketConfig } from '../lib/index.js';
import { FakeSocket, fakeSockets } from './support/fake-socket.js';

const URL_ = 'ws://127.0.0.1:9/writable';
const HIGH_WATER_MARK = 100;

/** A double whose buffer grows by what it is given, as a runtime's does until the network takes it. */
class BufferingSocket extends FakeSocket {
  override send(data: unknown): void {
    super.send(data);
    this.bufferedAmount += typeof data === 'string' ? data.length : 0;
  }
}

/** One turn of the event loop: queued microtasks and promise continuations run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` settles within `turns` turns of the event loop (bounded in count, not time). */
async function settles(promise: Promise<unknown>, turns = 50): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i++) await nextTurn();
  return settled;
}

function socketOver(config: Omit<ReactiveWebSocketConfig<string, string>, 'url' | 'WebSocketCtor'> = {}): {
  socket: ReactiveWebSocket<string, string>;
  sockets: BufferingSocket[];
} {
  const { WebSocketCtor, made: sockets } = fakeSockets((url) => new BufferingSocket(url));
  const socket = new ReactiveWebSocket<string, string>({
    url: URL_,
    WebSocketCtor,
    buffer: { highWaterMark: HIGH_WATER_MARK },
    reconnect: { initialDelay: 0, random: () => 0 },
    ...config,
  });
  return { socket, sockets };
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('drained$', () => {
  it('lets the documented producer (wait for drained$ while 4 are queued) finish when it starts before the socket opens', async () => {
    const { socket, sockets } = socketOver();
    const producer = (async () => {
      for (let i = 0; i < 12; i++) {
        if (socket.queued >= 4) await firstValueFrom(socket.drained$);
        socket.send(`m${i}`);
      }
    })();
    await nextTurn();
    expect(socket.queued).toBe(4);

    sockets[0].open();

    expect(await settles(producer)).toBe(true);
    expect(sockets[0].sent).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    socket.close();
  });

  it('emits when the outbox is emptied on open, and again on a reconnect', () => {
    const { socket, sockets } = socketOver();
    let drained = 0;
    socket.drained$.subscribe(() => drained++);
    socket.send('queued while connecting');

    sockets[0].open();
    expect(sockets[0].sent).toEqual(['queued while connecting']);
    expect(drained).toBe(1);

    sockets[0].closed(1006, '', false);
    socket.send('queued while reconnecting');
    jest.advanceTimersByTime(0);
    sockets[1].open();

    expect(sockets[1].sent).toEqual(['queued while reconnecting']);
    expect(drained).toBe(2);
    socket.close();
  });

  it('emits when a message sent straight to the socket took it above the high-water mark and it drained', () => {
    const { socket, sockets } = socketOver();
    sockets[0].open();
    let drained = 0;
    socket.drained$.subscribe(() => drained++);

    socket.send('x'.repeat(HIGH_WATER_MARK + 50));
    expect(sockets[0].sent).toHaveLength(1);
    expect(socket.queued).toBe(0);
    jest.advanceTimersByTime(50);
    expect(drained).toBe(0);

    sockets[0].bufferedAmount = 0;
    jest.advanceTimersByTime(50);

    expect(drained).toBe(1);
    socket.close();
  });
});

describe('writable$', () => {
  it('gives each new subscriber the current writability, then each change: open, above the mark, drained, dropped, closed', () => {
    const { socket, sockets } = socketOver();
    const seen: boolean[] = [];
    let completed = false;
    socket.writable$.subscribe({ next: (writable) => seen.push(writable), complete: () => (completed = true) });
    expect(seen).toEqual([false]);

    sockets[0].open();
    expect(seen).toEqual([false, true]);
    const late: boolean[] = [];
    socket.writable$.subscribe((writable) => late.push(writable));
    expect(late).toEqual([true]);

    socket.send('x'.repeat(HIGH_WATER_MARK));
    expect(seen).toEqual([false, true, false]);
    expect(socket.writable).toBe(false);
    sockets[0].bufferedAmount = HIGH_WATER_MARK - 1;
    jest.advanceTimersByTime(10);
    expect(seen).toEqual([false, true, false, true]);

    sockets[0].closed(1006, '', false);
    expect(seen).toEqual([false, true, false, true, false]);
    jest.advanceTimersByTime(0);
    sockets[1].open();
    expect(seen).toEqual([false, true, false, true, false, true]);

    socket.close();
    expect(seen).toEqual([false, true, false, true, false, true, false]);
    sockets[1].closed(1000);
    expect(completed).toBe(true);
    const afterClose: boolean[] = [];
    socket.writable$.subscribe((writable) => afterClose.push(writable));
    expect(afterClose).toEqual([false]);
  });

  it('stays false while messages are queued, even once the socket is open, until they are all handed over', () => {
    const { socket, sockets } = socketOver();
    for (const message of ['a', 'b', 'c']) socket.send(message);
    sockets[0].bufferedAmount = HIGH_WATER_MARK;

    sockets[0].open();
    expect(socket.writable).toBe(false);
    expect(socket.queued).toBe(3);

    sockets[0].bufferedAmount = 0;
    jest.advanceTimersByTime(10);
    expect(sockets[0].sent).toEqual(['a', 'b', 'c']);
    expect(socket.queued).toBe(0);
    expect(socket.writable).toBe(true);
    socket.close();
  });

  it('tells a subscriber that sends on true, and so fills the socket, that it is no longer writable', () => {
    const { socket, sockets } = socketOver();
    sockets[0].open();
    const seen: boolean[] = [];
    socket.writable$.subscribe((writable) => {
      seen.push(writable);
      if (writable) socket.send('x'.repeat(HIGH_WATER_MARK));
    });
    expect(seen).toEqual([true, false]);
    expect(socket.writable).toBe(false);
    socket.close();
  });

  it('paces a cold source, as in its TSDoc example: each chunk waits until the socket is writable', () => {
    const { socket, sockets } = socketOver();
    const chunks = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(60));
    from(chunks)
      .pipe(
        concatMap((chunk) =>
          socket.writable$.pipe(
            first((writable) => writable),
            map(() => chunk),
          ),
        ),
      )
      .subscribe((chunk) => socket.send(chunk));
    expect(sockets[0].sent).toEqual([]);

    sockets[0].open();
    expect(sockets[0].sent).toEqual(chunks.slice(0, 2)); // 120 bytes: at the mark
    for (let round = 0; round < 10 && sockets[0].sent.length < chunks.length; round++) {
      sockets[0].bufferedAmount = 0;
      jest.advanceTimersByTime(10);
    }
    expect(sockets[0].sent).toEqual(chunks);
    expect(socket.queued).toBe(0);
    socket.close();
  });

  it('is true whenever the socket is open when there is no high-water mark', () => {
    const { socket, sockets } = socketOver({ buffer: {} });
    sockets[0].open();
    for (let i = 0; i < 5; i++) socket.send('x'.repeat(1000));
    expect(sockets[0].bufferedAmount).toBe(5000);
    expect(socket.writable).toBe(true);
    socket.close();
  });
});

describe('whenWritable()', () => {
  it('resolves at once on a writable socket', async () => {
    const { socket, sockets } = socketOver();
    sockets[0].open();
    expect(await settles(socket.whenWritable(), 1)).toBe(true);
    socket.close();
  });

  it('lets a producer that starts before the socket opens send everything, never above the mark by more than one message', async () => {
    const { socket, sockets } = socketOver();
    let maxBuffered = 0;
    const producer = (async () => {
      for (let i = 0; i < 20; i++) {
        if (!socket.writable) await socket.whenWritable();
        socket.send(`message ${String(i).padStart(2, '0')} `.repeat(4));
        maxBuffered = Math.max(maxBuffered, sockets[0].bufferedAmount);
      }
    })();
    await nextTurn();
    expect(socket.queued).toBe(0); // it waits instead of queueing

    sockets[0].open();
    for (let round = 0; round < 20 && !(await settles(producer, 2)); round++) {
      sockets[0].bufferedAmount = 0; // the network took everything
      jest.advanceTimersByTime(10);
    }

    expect(await settles(producer)).toBe(true);
    expect(sockets[0].sent).toHaveLength(20);
    expect(maxBuffered).toBeLessThan(HIGH_WATER_MARK + 48);
    socket.close();
  });

  it('rejects with a SocketClosedError when the socket closes for good while waiting, and at once after', async () => {
    const { socket } = socketOver({ reconnect: false });
    const waiting = socket.whenWritable();
    socket.close();
    await expect(waiting).rejects.toMatchObject({ name: 'SocketClosedError' });
    await expect(socket.whenWritable()).rejects.toMatchObject({ name: 'SocketClosedError' });
  });
});
