/**
 * The one engine of a socket's life, on its own: a subclass that records every hook it is called
 * with, on hand-driven sockets (spec/support/fake-socket.ts) and jest's fake timers, so each step
 * is seen in the order and at the millisecond it happens: attempts, opens, messages, failures,
 * closes, the reconnect wait and its end, `requestClose` at each stage, and the lazy idle close.
 */
import { NEVER, type Subscription } from 'rxjs';
import type { Connection } from '../lib/connection.js';
import { Engine, type AttemptTarget, type EngineConfig } from '../lib/engine.js';
import { ConnectionError, ReconnectError, type ClosedBy } from '../lib/errors.js';
import type { SocketCloseEvent } from '../lib/events.js';
import { mergeFeatures, type FeatureSlots, type SocketFeature } from '../lib/feature.js';
import { heartbeat } from '../lib/heartbeat.js';
import type { SocketState } from '../lib/lifecycle.js';
import type { NativeEvent } from '../lib/native-socket.js';
import { reconnect, type ReconnectConfig, type ReconnectEvent } from '../lib/reconnect.js';
import { FakeSocket, fakeSockets } from './support/fake-socket.js';

const URL_ = 'ws://example.test/feed';
// No jitter: every wait is half the cap, 100 ms.
const RETRY: ReconnectConfig = { initialDelay: 200, maxDelay: 200, random: () => 0.5 };
const WAIT = 100;

type Hook = 'opened' | 'received' | 'stopSending' | 'failed' | 'closed' | 'reconnecting' | 'finishing' | 'finished';

/** A hook call, with the lifecycle's state and `ending` at the moment it was made. */
type Call = { readonly state: SocketState; readonly ending: boolean } & (
  | { readonly hook: 'opened'; readonly connection: Connection }
  | { readonly hook: 'received'; readonly event: NativeEvent }
  | { readonly hook: 'stopSending'; readonly connection: Connection }
  | { readonly hook: 'failed'; readonly error: Error; readonly event: NativeEvent | undefined }
  | { readonly hook: 'closed'; readonly close: SocketCloseEvent; readonly event: NativeEvent | undefined; readonly final: boolean }
  | { readonly hook: 'reconnecting'; readonly next: ReconnectEvent }
  | { readonly hook: 'finishing'; readonly closedBy: ClosedBy; readonly gaveUp: ReconnectError | undefined }
  | { readonly hook: 'finished' }
);

type Distribute<T> = T extends unknown ? Omit<T, 'state' | 'ending'> : never;

/** An engine that records each hook call in `log` (shared with a fake heartbeat) and may act inside one. */
class RecordingEngine extends Engine<string, string> {
  readonly calls: Call[] = [];
  /** What to do inside a hook, after recording it: what a subscriber told of that step might do. */
  readonly during: Partial<Record<Hook, () => void>> = {};
  /** In place of the default `constructorThrew`, when set. */
  onConstructorThrew: ((error: unknown, current: () => boolean) => void) | undefined;

  constructor(
    config: EngineConfig<string, string>,
    readonly log: string[],
    private readonly nextTarget: () => AttemptTarget | PromiseLike<AttemptTarget>,
  ) {
    super(config, URL_);
  }

  protected target(): AttemptTarget | PromiseLike<AttemptTarget> {
    return this.nextTarget();
  }

  protected encode(value: string): string {
    return `encoded ${value}`;
  }

  /** The calls of one hook, in order. */
  told<H extends Hook>(hook: H): Array<Extract<Call, { hook: H }>> {
    return this.calls.filter((call): call is Extract<Call, { hook: H }> => call.hook === hook);
  }

  #record(call: Distribute<Call>): void {
    this.calls.push({ ...call, state: this.lifecycle.state, ending: this.lifecycle.ending });
    this.log.push(call.hook);
    this.during[call.hook]?.();
  }

  protected opened(connection: Connection): void {
    this.#record({ hook: 'opened', connection });
  }
  protected received(event: NativeEvent): void {
    this.#record({ hook: 'received', event });
  }
  protected stopSending(connection: Connection): void {
    this.#record({ hook: 'stopSending', connection });
  }
  protected failed(error: Error, event?: NativeEvent): void {
    this.#record({ hook: 'failed', error, event });
  }
  protected closed(close: SocketCloseEvent, event: NativeEvent | undefined, final: boolean): void {
    this.#record({ hook: 'closed', close, event, final });
  }
  protected reconnecting(next: ReconnectEvent): void {
    this.#record({ hook: 'reconnecting', next });
  }
  protected finishing(closedBy: ClosedBy, gaveUp: ReconnectError | undefined): void {
    this.#record({ hook: 'finishing', closedBy, gaveUp });
  }
  protected finished(): void {
    this.#record({ hook: 'finished' });
  }
  protected override constructorThrew(error: unknown, current: () => boolean): void {
    if (this.onConstructorThrew === undefined) super.constructorThrew(error, current);
    else this.onConstructorThrew(error, current);
  }
}

/** A heartbeat feature that only records: when each connection's heartbeat started, heard something, stopped. */
function fakeHeartbeat(log: string[]) {
  const beats: Array<{ connection: Connection; encode: (value: string) => unknown; presumedDead: (detail: string) => void }> = [];
  const feature: FeatureSlots<string, string> = {
    heartbeat: (connection, encode, presumedDead) => {
      beats.push({ connection, encode, presumedDead });
      log.push('heartbeat started');
      return { received: () => log.push('heartbeat received'), stop: () => log.push('heartbeat stopped') };
    },
  };
  return { feature, beats };
}

interface Options {
  /** A feature as use holds it, or its places filled by hand. */
  readonly features?: SocketFeature<string, string> | FeatureSlots<string, string>;
  readonly lazy?: boolean;
  readonly target?: () => AttemptTarget | PromiseLike<AttemptTarget>;
  readonly connectTimeout?: number;
  readonly binaryType?: string;
  readonly make?: (url: string, protocols?: string | string[]) => FakeSocket;
  /** The log to record in: pass a fake heartbeat's, to see both in one order. */
  readonly log?: string[];
  /** Whether to call `start()`. Default true. */
  readonly start?: boolean;
}

const engines: RecordingEngine[] = [];
const sockets: FakeSocket[][] = [];
const subscriptions: Subscription[] = [];

/** An engine over fake sockets, started, with what it made and its shared log. */
function engine(options: Options = {}) {
  const { WebSocketCtor, made, args } = options.make === undefined ? fakeSockets() : fakeSockets(options.make);
  const log = options.log ?? [];
  const recorder = new RecordingEngine(
    {
      WebSocketCtor,
      binaryType: options.binaryType,
      connectTimeout: options.connectTimeout ?? Infinity,
      // A feature's public type hides its places; they are what the engine reads.
      features: (options.features ?? {}) as FeatureSlots<string, string>,
      lazy: options.lazy ?? false,
    },
    log,
    options.target ?? (() => ({ url: URL_, protocols: undefined })),
  );
  engines.push(recorder);
  sockets.push(made);
  if (options.start !== false) recorder.start();
  return { engine: recorder, made, args, log };
}

/** A counted subscriber of a lazy engine, unsubscribed after the test if it has not been. */
function subscribe(recorder: RecordingEngine): Subscription {
  const subscription = recorder.refs!.counted(NEVER).subscribe();
  subscriptions.push(subscription);
  return subscription;
}

/** One turn of the event loop: queued microtasks and promise continuations run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A target that answers when the spec says, one promise per attempt. */
function pendingTargets() {
  const pending: Array<{ resolve: (target: AttemptTarget) => void; reject: (error: unknown) => void }> = [];
  const target = () =>
    new Promise<AttemptTarget>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { target, pending };
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
});
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  for (const recorder of engines.splice(0)) {
    for (const hook of Object.keys(recorder.during) as Hook[]) delete recorder.during[hook];
    recorder.requestClose();
  }
  for (const made of sockets.splice(0)) for (const socket of made) if (socket.readyState < 3) socket.closed();
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('Engine: an attempt and its connection', () => {
  it('makes one attempt at start(), with the URL, protocols and binaryType given, and is connecting', () => {
    const {
      engine: socket,
      made,
      args,
    } = engine({
      target: () => ({ url: URL_, protocols: ['v2', 'v1'] }),
      binaryType: 'arraybuffer',
    });
    expect(args).toEqual([[URL_, ['v2', 'v1']]]);
    expect(made[0].binaryType).toBe('arraybuffer');
    expect(socket.connection?.socket).toBe(made[0]);
    expect(socket.lifecycle.state).toBe('connecting');
    expect(socket.refs).toBeUndefined();
    expect(socket.calls).toEqual([]);
  });

  it('makes no attempt at construction, only at start()', () => {
    const { engine: socket, made } = engine({ start: false });
    expect(made).toEqual([]);
    expect(socket.lifecycle.state).toBe('connecting');
    socket.start();
    expect(made).toHaveLength(1);
  });

  it('starts the heartbeat of a connection that opens, with the encoder, then tells opened with the connection', () => {
    const log: string[] = [];
    const { feature, beats } = fakeHeartbeat(log);
    const { engine: socket, made, log: told } = engine({ features: feature });
    made[0].open();
    expect(told).toEqual(['opened']);
    expect(log).toEqual(['heartbeat started']);
    expect(socket.lifecycle.state).toBe('open');
    const [opened] = socket.told('opened');
    expect(opened.connection).toBe(socket.connection);
    expect(opened.state).toBe('open');
    expect(opened.connection.socket).toBe(made[0]);
    expect(beats).toHaveLength(1);
    expect(beats[0].connection).toBe(socket.connection);
    expect(beats[0].encode('ping')).toBe('encoded ping');
  });

  it('tells the heartbeat that something arrived, then received, for each message, with the runtime’s event', () => {
    const log: string[] = [];
    const { feature } = fakeHeartbeat(log);
    const { engine: socket, made } = engine({ features: feature, log });
    made[0].open();
    const first = made[0].receive('a');
    const second = made[0].receive('b');
    expect(log).toEqual(['heartbeat started', 'opened', 'heartbeat received', 'received', 'heartbeat received', 'received']);
    expect(socket.told('received').map((call) => call.event)).toEqual([first, second]);
    expect(socket.told('received')[0].event).toBe(first);
    expect(socket.told('received')[1].event).toBe(second);
  });

  it('receives messages all the same without a heartbeat', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    const event = made[0].receive('c');
    expect(socket.told('received').map((call) => call.event)).toEqual([event]);
  });

  it('stops the heartbeat before stopSending when the connection closes', () => {
    const log: string[] = [];
    const { feature } = fakeHeartbeat(log);
    const { made } = engine({ features: feature, log });
    made[0].open();
    made[0].receive('a');
    made[0].closed(1000, '', true);
    expect(log).toEqual([
      'heartbeat started',
      'opened',
      'heartbeat received',
      'received',
      'heartbeat stopped',
      'stopSending',
      'closed',
      'finishing',
      'finished',
    ]);
  });

  it('ignores an open the lifecycle refuses (one reported after close()): no heartbeat, no opened', () => {
    const log: string[] = [];
    const { feature, beats } = fakeHeartbeat(log);
    const { engine: socket } = engine({ features: feature });
    const connection = socket.connection!;
    socket.requestClose();
    socket.open(connection);
    expect(beats).toEqual([]);
    expect(socket.told('opened')).toEqual([]);
    expect(socket.lifecycle.state).toBe('closing');
  });

  it('abandons an attempt that has not opened within connectTimeout, as a failure', () => {
    const { engine: socket, made, log } = engine({ connectTimeout: 500 });
    jest.advanceTimersByTime(499);
    expect(log).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(log).toEqual(['stopSending', 'failed', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(socket.told('failed')[0].error.message).toMatch(/did not open within 500 ms \(connectTimeout\)/);
    expect(made[0].closes).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('Engine: a failure', () => {
  it('stops sending, then reports a ConnectionError with the runtime’s detail, its HTTP status and its event, then the close', () => {
    const log: string[] = [];
    const { feature } = fakeHeartbeat(log);
    const { engine: socket, made } = engine({ features: feature });
    made[0].open();
    const connection = socket.connection!;
    const event = made[0].fail({ type: 'error', message: 'Unexpected server response: 401' });
    expect(socket.log).toEqual(['opened', 'stopSending', 'failed', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(log).toEqual(['heartbeat started', 'heartbeat stopped']);
    expect(socket.told('stopSending').map((call) => call.connection)).toEqual([connection, connection]);
    const [failed] = socket.told('failed');
    expect(failed.error).toBeInstanceOf(ConnectionError);
    expect(failed.error.message).toMatch(
      /^reactive-websocket: the connection to ws:\/\/example\.test\/feed failed: Unexpected server response: 401\. The server refused the handshake with HTTP 401/,
    );
    expect((failed.error as ConnectionError).status).toBe(401);
    expect('cause' in failed.error).toBe(false);
    expect(failed.event).toBe(event);
    expect(failed.state).toBe('open');
  });

  it('gives the runtime’s error as the cause, and no status where the detail names none', () => {
    const { engine: socket, made } = engine();
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:9');
    made[0].fail({ type: 'error', error: refused });
    const error = socket.told('failed')[0].error as ConnectionError;
    expect(error.message).toMatch(/failed: connect ECONNREFUSED 127\.0\.0\.1:9\. Check that the server is running/);
    expect(error.cause).toBe(refused);
    expect(error.status).toBeUndefined();
  });

  it('says the runtime gave no detail for an error event without one', () => {
    const { engine: socket, made } = engine();
    made[0].fail();
    expect(socket.told('failed')[0].error.message).toMatch(/failed \(the runtime gave no detail\)/);
  });

  it('ends the connection the error came from: closed at once with 1006, unclean, by the network', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    made[0].fail();
    const [closed] = socket.told('closed');
    expect(closed.close).toEqual({ type: 'close', code: 1006, reason: '', wasClean: false });
    expect(closed.final).toBe(true);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'network', code: 1006, reason: '', reconnect: 'off' });
    expect(socket.connection).toBeUndefined();
  });

  it('reports a heartbeat’s verdict as a ConnectionError without an event, then the connection closes with 4010', () => {
    const { engine: socket, made, log } = engine({ features: heartbeat({ interval: 100, timeout: 100, message: 'ping' }) });
    made[0].open();
    jest.advanceTimersByTime(100);
    expect(made[0].sent).toEqual(['encoded ping']);
    jest.advanceTimersByTime(99);
    expect(log).toEqual(['opened']);
    jest.advanceTimersByTime(1);
    expect(log).toEqual(['opened', 'stopSending', 'failed', 'stopSending', 'closed', 'finishing', 'finished']);
    const [failed] = socket.told('failed');
    expect(failed.error).toBeInstanceOf(ConnectionError);
    expect(failed.error.message).toMatch(/failed: nothing arrived for 200 ms \(heartbeat\.interval \+ heartbeat\.timeout\)/);
    expect((failed.error as ConnectionError).status).toBeUndefined();
    expect(failed.event).toBeUndefined();
    expect(socket.told('closed')[0].close).toEqual({ type: 'close', code: 4010, reason: 'heartbeat timeout', wasClean: false });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps a connection whose messages keep arriving, as its heartbeat hears of each', () => {
    const { made, log } = engine({ features: heartbeat({ interval: 100, timeout: 100, message: 'ping' }) });
    made[0].open();
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(90);
      made[0].receive('news');
    }
    expect(made[0].sent).toEqual([]);
    expect(log.filter((hook) => hook === 'failed')).toEqual([]);
  });
});

describe('Engine: a close without requestClose()', () => {
  it('stops sending, tells closed (final) with the runtime’s event, then finishing and finished: by the server when clean', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    const event = made[0].closed(1000, 'bye', true);
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'finishing', 'finished']);
    const [closed] = socket.told('closed');
    expect(closed.close).toEqual({ type: 'close', code: 1000, reason: 'bye', wasClean: true });
    expect(closed.event).toBe(event);
    expect(closed.final).toBe(true);
    const closedBy = { by: 'server', code: 1000, reason: 'bye', reconnect: 'off' };
    // The end is decided before closed is told: the lifecycle already takes no more messages.
    expect(closed.ending).toBe(true);
    expect(socket.told('finishing')).toEqual([{ hook: 'finishing', closedBy, gaveUp: undefined, state: 'open', ending: true }]);
    expect(socket.told('finished')).toEqual([{ hook: 'finished', state: 'closed', ending: true }]);
    expect(socket.lifecycle.state).toBe('closed');
    expect(socket.lifecycle.closedFor).toEqual(closedBy);
    expect(socket.connection).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('says the network closed it when the close was not clean', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    made[0].closed(1011, 'oops', false);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'network', code: 1011, reason: 'oops', reconnect: 'off' });
  });

  it('reads a close event without fields as 1005, no reason, unclean', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    made[0].closedWith({});
    expect(socket.told('closed')[0].close).toEqual({ type: 'close', code: 1005, reason: '', wasClean: false });
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'network', code: 1005, reason: '', reconnect: 'off' });
  });

  it('with a reconnect policy, tells closed (not final), then reconnecting, and attempts again after the wait', () => {
    const { engine: socket, made } = engine({ features: reconnect(RETRY) });
    made[0].open();
    const event = made[0].closed(1006, '', false);
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'reconnecting']);
    const [closed] = socket.told('closed');
    expect(closed).toEqual({
      hook: 'closed',
      close: { type: 'close', code: 1006, reason: '', wasClean: false },
      event,
      final: false,
      state: 'open',
      ending: false,
    });
    expect(socket.told('reconnecting')).toEqual([
      { hook: 'reconnecting', next: { attempt: 1, delay: WAIT }, state: 'reconnecting', ending: false },
    ]);
    expect(socket.lifecycle.state).toBe('reconnecting');
    expect(socket.connection).toBeUndefined();
    jest.advanceTimersByTime(WAIT - 1);
    expect(made).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(made).toHaveLength(2);
    // The state stays reconnecting while the attempt is made, then opens.
    expect(socket.lifecycle.state).toBe('reconnecting');
    made[1].open();
    expect(socket.lifecycle.state).toBe('open');
    expect(socket.told('opened').map((call) => call.connection.socket)).toEqual([made[0], made[1]]);
  });

  it('numbers each attempt that fails in a row: 1, 2, 3, each after its own wait', () => {
    const { engine: socket, made } = engine({ features: reconnect({ initialDelay: 200, maxDelay: 1000, random: () => 0.5 }) });
    made[0].fail();
    jest.advanceTimersByTime(100);
    made[1].fail();
    jest.advanceTimersByTime(200);
    made[2].fail();
    expect(socket.told('reconnecting').map((call) => call.next)).toEqual([
      { attempt: 1, delay: 100 },
      { attempt: 2, delay: 200 },
      { attempt: 3, delay: 400 },
    ]);
    expect(made).toHaveLength(3);
    expect(socket.lifecycle.state).toBe('reconnecting');
  });

  it('makes the reconnect policy once, when a connection first ends', () => {
    const made = jest.fn(() => mergeFeatures([reconnect(RETRY)]).reconnect!());
    const { made: attempts } = engine({ features: { reconnect: made } });
    expect(made).not.toHaveBeenCalled();
    attempts[0].fail();
    jest.advanceTimersByTime(WAIT);
    attempts[1].fail();
    expect(made).toHaveBeenCalledTimes(1);
  });

  it('ends for good when a closed subscriber calls requestClose(), with no reconnect scheduled', () => {
    const { engine: socket, made } = engine({ features: reconnect(RETRY) });
    socket.during.closed = () => socket.requestClose(4000, 'enough');
    made[0].open();
    made[0].closed(1006, '', false);
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4000, reason: 'enough' });
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('schedules nothing when a reconnecting subscriber calls requestClose()', () => {
    const { engine: socket, made } = engine({ features: reconnect(RETRY) });
    socket.during.reconnecting = () => socket.requestClose();
    made[0].open();
    made[0].closed(1006, '', false);
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'reconnecting', 'finishing', 'finished']);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * WAIT);
    expect(made).toHaveLength(1);
  });
});

describe('Engine: requestClose()', () => {
  it('while connecting: stops sending, closes the socket with 1000, and ends when its close arrives', () => {
    const { engine: socket, made } = engine();
    const connection = socket.connection!;
    socket.requestClose();
    expect(socket.log).toEqual(['stopSending']);
    expect(socket.told('stopSending')[0].connection).toBe(connection);
    expect(made[0].closes).toEqual([[1000, '']]);
    expect(socket.lifecycle.state).toBe('closing');
    expect(socket.lifecycle.closeRequest).toEqual({ code: 1000, reason: '' });
    const event = made[0].closed(1000, '', true);
    expect(socket.log).toEqual(['stopSending', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(socket.told('closed')[0]).toMatchObject({ event, final: true, state: 'closing' });
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 1000, reason: '' });
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('while open: stops the heartbeat and sends the code and reason asked for; the end names them, not the echo', () => {
    const log: string[] = [];
    const { feature } = fakeHeartbeat(log);
    const { engine: socket, made } = engine({ features: feature });
    made[0].open();
    socket.requestClose(4000, 'done');
    expect(log).toEqual(['heartbeat started', 'heartbeat stopped']);
    expect(made[0].closes).toEqual([[4000, 'done']]);
    made[0].closed(1005, '', true);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4000, reason: 'done' });
  });

  it('while open, with reconnect on: does not reconnect after the close it asked for', () => {
    const { engine: socket, made } = engine({ features: reconnect(RETRY) });
    made[0].open();
    socket.requestClose();
    made[0].closed(1000, '', true);
    expect(socket.told('reconnecting')).toEqual([]);
    expect(socket.told('closed')[0].final).toBe(true);
    jest.advanceTimersByTime(10 * WAIT);
    expect(made).toHaveLength(1);
  });

  it('ends an unanswered closing handshake after a second, still as the client’s close', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    socket.requestClose(4001, 'bye');
    jest.advanceTimersByTime(1000);
    expect(socket.told('closed')[0].close).toEqual({ type: 'close', code: 4001, reason: 'bye', wasClean: false });
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4001, reason: 'bye' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('while waiting to reconnect: ends at once, with no close told and no attempt or timer left', () => {
    const { engine: socket, made } = engine({ features: reconnect(RETRY) });
    made[0].open();
    made[0].closed(1006, '', false);
    socket.requestClose();
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'reconnecting', 'finishing', 'finished']);
    expect(socket.told('finishing')[0]).toMatchObject({ closedBy: { by: 'client', code: 1000, reason: '' }, gaveUp: undefined });
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * WAIT);
    expect(made).toHaveLength(1);
  });

  it('before any attempt: ends at once', () => {
    const { engine: socket, made } = engine({ start: false });
    socket.requestClose(4002, 'never mind');
    expect(socket.log).toEqual(['finishing', 'finished']);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4002, reason: 'never mind' });
    expect(made).toEqual([]);
  });

  it('twice: the second call does nothing, and the first one’s code is the one sent', () => {
    const { engine: socket, made } = engine();
    made[0].open();
    socket.requestClose(4000);
    socket.requestClose(4001, 'again');
    expect(made[0].closes).toEqual([[4000, '']]);
    expect(socket.lifecycle.closeRequest).toEqual({ code: 4000, reason: '' });
    made[0].closed(4000, '', true);
    const told = socket.log.length;
    socket.requestClose();
    expect(socket.log).toHaveLength(told);
    expect(socket.told('finished')).toHaveLength(1);
  });
});

describe('Engine: a WebSocket constructor that throws', () => {
  const throwing = (error: Error) => () => {
    throw error;
  };

  it('by default, reports it on a later turn as a failed attempt, with what it threw as the cause', async () => {
    const thrown = new TypeError('no sockets here');
    const { engine: socket } = engine({ make: throwing(thrown) });
    expect(socket.log).toEqual([]);
    expect(socket.connection).toBeUndefined();
    await nextTurn();
    expect(socket.log).toEqual(['failed', 'closed', 'finishing', 'finished']);
    const [failed] = socket.told('failed');
    expect(failed.error).toBeInstanceOf(ConnectionError);
    expect(failed.error.message).toMatch(
      /the connection to ws:\/\/example\.test\/feed failed: could not start the connection: TypeError: no sockets here/,
    );
    expect(failed.error.cause).toBe(thrown);
    expect(failed.event).toBeUndefined();
    expect(socket.told('closed')[0]).toMatchObject({
      close: { type: 'close', code: 1006, reason: '', wasClean: false },
      event: undefined,
      final: true,
    });
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'network', code: 1006, reason: '', reconnect: 'off' });
  });

  it('by default, lets the reconnect policy try again, and tells shouldReconnect of the failure', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const { engine: socket, made } = engine({
      features: reconnect({ ...RETRY, shouldReconnect: (_close, error) => errors.push(error) > 0 }),
      make: (url) => {
        if (++calls === 1) throw new TypeError('not yet');
        return new FakeSocket(url);
      },
    });
    await nextTurn();
    expect(socket.log).toEqual(['failed', 'closed', 'reconnecting']);
    expect(errors).toEqual([socket.told('failed')[0].error]);
    expect(made).toEqual([]);
    jest.advanceTimersByTime(WAIT);
    expect(calls).toBe(2);
    made[0].open();
    expect(socket.lifecycle.state).toBe('open');
  });

  it('ends the socket on a SyntaxError (a malformed URL will not mend), even with reconnect on', async () => {
    const thrown = new SyntaxError('bad URL');
    const { engine: socket } = engine({ make: throwing(thrown), features: reconnect(RETRY) });
    await nextTurn();
    expect(socket.log).toEqual(['failed', 'finishing', 'finished']);
    expect(socket.told('failed')[0].error).toBe(thrown);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', reason: 'invalid URL' });
    // Ending already when finishing is told, so that nothing more is taken while it reports.
    expect(socket.told('finishing')[0].ending).toBe(true);
    expect(socket.lifecycle.closedFor).toEqual({ by: 'client', reason: 'invalid URL' });
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports nothing when the attempt is no longer wanted by that later turn', async () => {
    const { engine: socket } = engine({ make: throwing(new TypeError('no sockets here')) });
    socket.requestClose();
    await nextTurn();
    expect(socket.log).toEqual(['finishing', 'finished']);
  });

  it('hands a subclass what was thrown and whether the attempt is still wanted, when it overrides constructorThrew', () => {
    const thrown = new TypeError('no sockets here');
    const { engine: socket } = engine({ make: throwing(thrown), start: false });
    const seen: Array<[unknown, () => boolean]> = [];
    socket.onConstructorThrew = (error, current) => seen.push([error, current]);
    socket.start();
    expect(seen).toHaveLength(1);
    const [error, current] = seen[0];
    expect(error).toBe(thrown);
    expect(current()).toBe(true);
    socket.requestClose();
    expect(current()).toBe(false);
    expect(socket.log).toEqual(['finishing', 'finished']);
  });
});

describe('Engine: the target', () => {
  it('waits for a target that returns a promise, then connects to what it resolves to; errors name it redacted', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made, args } = engine({ target });
    expect(socket.lifecycle.state).toBe('connecting');
    expect(made).toEqual([]);
    expect(socket.url).toBe(URL_);
    pending[0].resolve({ url: 'ws://user:secret@example.test/feed', protocols: 'chat' });
    await nextTurn();
    expect(args).toEqual([['ws://user:secret@example.test/feed', 'chat']]);
    expect(socket.url).toBe('ws://***@example.test/feed');
    made[0].fail();
    expect(socket.told('failed')[0].error.message).toMatch(
      /^reactive-websocket: the connection to ws:\/\/\*\*\*@example\.test\/feed failed/,
    );
    expect(socket.told('failed')[0].error.message).not.toMatch(/secret/);
  });

  it('reports a target that rejects as a failed attempt, which the reconnect policy retries by asking the target again', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made } = engine({ target, features: reconnect(RETRY) });
    const refused = new Error('no token');
    pending[0].reject(refused);
    await nextTurn();
    expect(socket.log).toEqual(['failed', 'closed', 'reconnecting']);
    const [failed] = socket.told('failed');
    expect(failed.error.message).toMatch(/failed: could not start the connection: Error: no token/);
    expect(failed.error.cause).toBe(refused);
    expect(socket.told('closed')[0]).toMatchObject({ close: { code: 1006, wasClean: false }, event: undefined, final: false });
    jest.advanceTimersByTime(WAIT);
    expect(pending).toHaveLength(2);
    pending[1].resolve({ url: URL_, protocols: undefined });
    await nextTurn();
    expect(made).toHaveLength(1);
  });

  it('reports a target that throws on a later turn, as an Error even when what it threw was not one', async () => {
    const { engine: socket } = engine({
      target: () => {
        // What some code throws: not an Error.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'nope';
      },
    });
    expect(socket.log).toEqual([]);
    await nextTurn();
    const { error } = socket.told('failed')[0];
    expect(error.message).toMatch(/could not start the connection: Error: nope/);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('nope');
    expect((error.cause as Error).cause).toBe('nope');
  });

  it('keeps an Error a target throws as it is', async () => {
    const thrown = new RangeError('out of tokens');
    const { engine: socket } = engine({
      target: () => {
        throw thrown;
      },
    });
    await nextTurn();
    expect(socket.told('failed')[0].error.cause).toBe(thrown);
  });

  it('ends the socket when the target rejects with a SyntaxError', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket } = engine({ target, features: reconnect(RETRY) });
    const invalid = new SyntaxError('not a WebSocket URL');
    pending[0].reject(invalid);
    await nextTurn();
    expect(socket.log).toEqual(['failed', 'finishing', 'finished']);
    expect(socket.told('failed')[0].error).toBe(invalid);
  });

  it('makes no socket for a target that resolves after requestClose(), and reports none that rejects after it', async () => {
    const resolving = pendingTargets();
    const late = engine({ target: resolving.target });
    late.engine.requestClose();
    expect(late.engine.log).toEqual(['finishing', 'finished']);
    resolving.pending[0].resolve({ url: URL_, protocols: undefined });
    await nextTurn();
    expect(late.made).toEqual([]);

    const rejecting = pendingTargets();
    const refused = engine({ target: rejecting.target });
    refused.engine.requestClose();
    rejecting.pending[0].reject(new Error('too late'));
    await nextTurn();
    expect(refused.engine.log).toEqual(['finishing', 'finished']);
  });

  it('ignores a target that answers late for an attempt a lazy socket gave up, and connects with the current one', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made, args } = engine({ target, lazy: true });
    const first = subscribe(socket);
    first.unsubscribe();
    await nextTurn();
    expect(socket.lifecycle.state).toBe('closed');
    subscribe(socket);
    expect(pending).toHaveLength(2);
    pending[0].resolve({ url: 'ws://example.test/stale', protocols: undefined });
    await nextTurn();
    expect(made).toEqual([]);
    pending[1].resolve({ url: URL_, protocols: undefined });
    await nextTurn();
    expect(args).toEqual([[URL_]]);
    pending[0].reject(new Error('stale'));
    await nextTurn();
    expect(socket.told('failed')).toEqual([]);
  });
});

describe('Engine: lazy', () => {
  it('makes no attempt at start(), and is closed (not for good) until the first counted subscriber', () => {
    const { engine: socket, made } = engine({ lazy: true });
    expect(made).toEqual([]);
    expect(socket.lifecycle.state).toBe('closed');
    expect(socket.lifecycle.ending).toBe(false);
    subscribe(socket);
    expect(made).toHaveLength(1);
    expect(socket.lifecycle.state).toBe('connecting');
    subscribe(socket);
    expect(made).toHaveLength(1);
  });

  it('closes with 1000 on a later turn after the last subscriber leaves, without ending; a new subscriber connects again', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    const subscribers = [subscribe(socket), subscribe(socket)];
    made[0].open();
    subscribers[0].unsubscribe();
    await nextTurn();
    expect(made[0].closes).toEqual([]);
    subscribers[1].unsubscribe();
    expect(made[0].closes).toEqual([]);
    await nextTurn();
    expect(made[0].closes).toEqual([[1000, '']]);
    expect(socket.lifecycle.state).toBe('closing');
    const event = made[0].closed(1000, '', true);
    expect(socket.log).toEqual(['opened', 'stopSending', 'stopSending', 'closed']);
    expect(socket.told('closed')[0]).toMatchObject({ event, final: false, ending: false });
    expect(socket.lifecycle.state).toBe('closed');
    expect(socket.lifecycle.ending).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    subscribe(socket);
    expect(made).toHaveLength(2);
    expect(socket.lifecycle.state).toBe('connecting');
  });

  it('treats a later close of the next connection as any other: the end, without a reconnect policy', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    subscribe(socket).unsubscribe();
    made[0].open();
    await nextTurn();
    made[0].closed(1000, '', true);
    subscribe(socket);
    made[1].open();
    made[1].closed(1001, 'restart', true);
    expect(made).toHaveLength(2);
    expect(socket.told('closed').map((call) => call.final)).toEqual([false, true]);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'server', code: 1001, reason: 'restart', reconnect: 'off' });
  });

  it('does not reconnect after its own idle close, even with reconnect on', async () => {
    const { engine: socket, made } = engine({ lazy: true, features: reconnect(RETRY) });
    const only = subscribe(socket);
    made[0].open();
    only.unsubscribe();
    await nextTurn();
    made[0].closed(1000, '', true);
    expect(socket.told('reconnecting')).toEqual([]);
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps the connection of a subscriber that comes back within the same turn', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    const first = subscribe(socket);
    made[0].open();
    first.unsubscribe();
    subscribe(socket);
    await nextTurn();
    expect(made[0].closes).toEqual([]);
    expect(made).toHaveLength(1);
    expect(socket.lifecycle.state).toBe('open');
  });

  it('does not attempt twice for a subscriber that comes back within the same turn while connecting', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    subscribe(socket).unsubscribe();
    subscribe(socket);
    await nextTurn();
    expect(made).toHaveLength(1);
    expect(socket.lifecycle.state).toBe('connecting');
  });

  it('connects again once the idle close ends when a subscriber came back during it', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    subscribe(socket).unsubscribe();
    made[0].open();
    await nextTurn();
    expect(made[0].closes).toEqual([[1000, '']]);
    subscribe(socket);
    expect(made).toHaveLength(1);
    made[0].closed(1000, '', true);
    expect(socket.told('closed')[0].final).toBe(false);
    expect(made).toHaveLength(2);
    expect(socket.lifecycle.state).toBe('connecting');
  });

  it('ends for good, without connecting again, when a closed subscriber of the idle close calls requestClose()', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    subscribe(socket).unsubscribe();
    made[0].open();
    await nextTurn();
    subscribe(socket);
    socket.during.closed = () => socket.requestClose(4000, 'stop');
    made[0].closed(1000, '', true);
    expect(made).toHaveLength(1);
    expect(socket.log).toEqual(['opened', 'stopSending', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4000, reason: 'stop' });
  });

  it('ends as asked when requestClose() comes during the idle close', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    subscribe(socket).unsubscribe();
    made[0].open();
    await nextTurn();
    socket.requestClose(4000, 'stop');
    expect(made[0].closes).toEqual([[1000, '']]);
    made[0].closed(1000, '', true);
    expect(socket.told('closed')[0].final).toBe(true);
    expect(socket.told('finishing')[0].closedBy).toEqual({ by: 'client', code: 4000, reason: 'stop' });
  });

  it('stops waiting to reconnect when the last subscriber leaves, and connects at once for the next', async () => {
    const { engine: socket, made } = engine({ lazy: true, features: reconnect(RETRY) });
    const first = subscribe(socket);
    made[0].open();
    made[0].closed(1006, '', false);
    expect(socket.lifecycle.state).toBe('reconnecting');
    first.unsubscribe();
    await nextTurn();
    expect(socket.lifecycle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * WAIT);
    expect(made).toHaveLength(1);
    subscribe(socket);
    expect(made).toHaveLength(2);
  });

  it('keeps the reconnect wait, and makes one attempt, for a subscriber that comes back within the same turn', async () => {
    const { engine: socket, made } = engine({ lazy: true, features: reconnect(RETRY) });
    const first = subscribe(socket);
    made[0].open();
    made[0].closed(1006, '', false);
    first.unsubscribe();
    subscribe(socket);
    await nextTurn();
    expect(made).toHaveLength(1);
    expect(socket.lifecycle.state).toBe('reconnecting');
    jest.advanceTimersByTime(WAIT);
    expect(made).toHaveLength(2);
  });

  it('stops waiting for the target when the last subscriber leaves', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made } = engine({ lazy: true, target });
    subscribe(socket).unsubscribe();
    await nextTurn();
    expect(socket.lifecycle.state).toBe('closed');
    pending[0].resolve({ url: URL_, protocols: undefined });
    await nextTurn();
    expect(made).toEqual([]);
  });

  it('makes no socket for a target that answers in the turn the last subscriber left', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made } = engine({ lazy: true, target });
    const only = subscribe(socket);
    pending[0].resolve({ url: URL_, protocols: undefined });
    only.unsubscribe();
    await nextTurn();
    expect(made).toEqual([]);
    expect(socket.lifecycle.state).toBe('closed');
  });

  it('connects once for a subscriber that left and came back in one turn while the target was answering', async () => {
    const { target, pending } = pendingTargets();
    const { engine: socket, made } = engine({ lazy: true, target });
    subscribe(socket).unsubscribe();
    pending[0].resolve({ url: URL_, protocols: undefined });
    subscribe(socket);
    pending.at(-1)!.resolve({ url: URL_, protocols: undefined });
    await nextTurn();
    expect(made).toHaveLength(1);
    expect(socket.lifecycle.state).toBe('connecting');
  });

  it('does nothing when the last subscriber leaves after requestClose()', async () => {
    const { engine: socket, made } = engine({ lazy: true });
    const first = subscribe(socket);
    made[0].open();
    socket.requestClose(4000);
    first.unsubscribe();
    await nextTurn();
    expect(made[0].closes).toEqual([[4000, '']]);
    expect(socket.log).toEqual(['opened', 'stopSending']);
    expect(socket.lifecycle.state).toBe('closing');
  });

  it('ends at once on requestClose() while idle', () => {
    const { engine: socket } = engine({ lazy: true });
    socket.requestClose();
    expect(socket.log).toEqual(['finishing', 'finished']);
    expect(socket.lifecycle.state).toBe('closed');
  });
});

describe('Engine: shouldReconnect and the end of reconnecting', () => {
  it('hands shouldReconnect the failure of the attempt that just ended, and never a stale one', () => {
    const asked: Array<[number, ConnectionError | undefined]> = [];
    const { engine: socket, made } = engine({
      features: reconnect({ ...RETRY, shouldReconnect: (close, error) => asked.push([close.code, error]) > 0 }),
    });
    made[0].fail({ type: 'error', message: 'Unexpected server response: 503' });
    jest.advanceTimersByTime(WAIT);
    made[1].open();
    made[1].closed(1001, 'going away', true);
    jest.advanceTimersByTime(WAIT);
    made[2].open();
    made[2].closed(1012, '', true);
    expect(asked).toEqual([
      [1006, socket.told('failed')[0].error],
      [1001, undefined],
      [1012, undefined],
    ]);
    expect(asked[0][1]?.status).toBe(503);
  });

  it('hands shouldReconnect the heartbeat’s verdict for the connection it ended', () => {
    const asked: unknown[] = [];
    const { made } = engine({
      features: {
        ...reconnect({ ...RETRY, shouldReconnect: (_close, error) => asked.push(error) > 0 }),
        ...heartbeat({ interval: 100, timeout: 100, message: 'ping' }),
      },
    });
    made[0].open();
    jest.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
    expect((asked[0] as Error).message).toMatch(/nothing arrived for 200 ms/);
  });

  it('ends, by the server, when shouldReconnect declines: no ReconnectError', () => {
    const { engine: socket, made } = engine({ features: reconnect({ ...RETRY, shouldReconnect: () => false }) });
    made[0].open();
    made[0].closed(4001, 'banned', true);
    expect(socket.log).toEqual(['opened', 'stopSending', 'closed', 'finishing', 'finished']);
    expect(socket.told('closed')[0].final).toBe(true);
    expect(socket.told('finishing')[0]).toMatchObject({
      closedBy: { by: 'server', code: 4001, reason: 'banned', reconnect: 'declined' },
      gaveUp: undefined,
    });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up after `attempts` failed attempts with a ReconnectError whose cause is the last failure', () => {
    const { engine: socket, made } = engine({ features: reconnect({ ...RETRY, attempts: 2 }) });
    made[0].fail();
    jest.advanceTimersByTime(WAIT);
    made[1].fail();
    jest.advanceTimersByTime(WAIT);
    made[2].fail({ type: 'error', message: 'connection refused' });
    expect(socket.told('reconnecting').map((call) => call.next.attempt)).toEqual([1, 2]);
    expect(socket.log.slice(-6)).toEqual(['stopSending', 'failed', 'stopSending', 'closed', 'finishing', 'finished']);
    const [finishing] = socket.told('finishing');
    expect(finishing.closedBy).toEqual({ by: 'network', code: 1006, reason: '', reconnect: 'exhausted' });
    expect(finishing.gaveUp).toBeInstanceOf(ReconnectError);
    expect(finishing.gaveUp?.attempts).toBe(2);
    expect(finishing.gaveUp?.message).toBe(
      'reactive-websocket: gave up reconnecting to ws://example.test/feed after 2 attempts: the last close had code 1006; ' +
        'raise reconnect.attempts or check the server.',
    );
    expect(finishing.gaveUp?.cause).toBe(socket.told('failed')[2].error);
    expect(socket.told('closed').map((call) => call.final)).toEqual([false, false, true]);
    expect(made).toHaveLength(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives the runtime’s close event as the cause when no failure ended the last connection', () => {
    const { engine: socket, made } = engine({ features: reconnect({ ...RETRY, attempts: 1 }) });
    made[0].open();
    made[0].closed(1011, '', true);
    jest.advanceTimersByTime(WAIT);
    made[1].open();
    const event = made[1].closed(1011, 'again', true);
    const [finishing] = socket.told('finishing');
    expect(finishing.closedBy).toEqual({ by: 'server', code: 1011, reason: 'again', reconnect: 'exhausted' });
    expect(finishing.gaveUp?.message).toMatch(/after 1 attempt: the last close had code 1011/);
    expect(finishing.gaveUp?.cause).toBe(event);
  });

  it('counts again from 1 after a connection that stayed open stableAfter ms, and not after a shorter one', () => {
    const { engine: socket, made } = engine({ features: reconnect({ ...RETRY, attempts: 1, stableAfter: 1000 }) });
    made[0].open();
    made[0].closed(1006, '', false);
    jest.advanceTimersByTime(WAIT);
    made[1].open();
    jest.advanceTimersByTime(1000);
    made[1].closed(1006, '', false);
    expect(socket.told('reconnecting').map((call) => call.next.attempt)).toEqual([1, 1]);
    jest.advanceTimersByTime(WAIT);
    made[2].open();
    jest.advanceTimersByTime(999);
    made[2].closed(1006, '', false);
    expect(socket.told('reconnecting')).toHaveLength(2);
    expect(socket.told('finishing')[0].closedBy.reconnect).toBe('exhausted');
    expect(socket.told('finishing')[0].gaveUp?.attempts).toBe(1);
  });
});
