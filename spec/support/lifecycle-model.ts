/**
 * The model behind the lifecycle property tests (spec/integration/lifecycle-property.spec.ts):
 * random sequences of what a user and a misbehaving network can do to one socket, run against a
 * real `ws` server behind the chaos proxy on 127.0.0.1, with the invariants checked after each run.
 *
 * One `World` per run: a {@link LifecycleServer}, a {@link ChaosProxy} in front of it, one client
 * of the kind under test (`ReactiveWebSocket`, the facade `websocket()` or the drop-in
 * `webSocket(resilient())`) and a {@link Ledger} of what the client was given and what it said.
 * The ledger watches the runtime's sockets through a `WebSocketCtor` that records each one, so
 * it knows which connection was open when each message was sent and how each connection ended.
 */
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { WebSocket } from 'ws';
import {
  BufferOverflowError,
  ConnectionError,
  ReactiveWebSocket,
  SocketClosedError,
  jsonDeserializer,
  jsonSerializer,
  websocket,
  type CallbackWebSocket,
  type OverflowPolicy,
  type SocketState,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { TRANSITIONS } from '../../lib/lifecycle.js';
import { resilient, webSocket, type WebSocketSubject } from '../../lib/rxjs.js';
import { ChaosProxy } from './chaos-proxy.js';
import { startLifecycleServer, type LifecycleServer } from './lifecycle-server.js';
import { until } from './wait.js';

/** The three ways to make a socket that the property tests drive. */
export type Kind = 'ReactiveWebSocket' | 'websocket()' | 'webSocket(resilient())';

/** How the socket of one run is configured. */
export interface RunConfig {
  readonly kind: Kind;
  /** `ReactiveWebSocket` only: connect while subscribed. */
  readonly lazy: boolean;
  /** Reconnect with small delays, or not at all (the drop-in always reconnects here). */
  readonly reconnect: boolean;
  /** A small outbox, or the default. */
  readonly buffer: { readonly limit: number; readonly overflow: OverflowPolicy } | undefined;
  /** At-least-once delivery, the server acknowledging each message. */
  readonly delivery: boolean;
}

/** What the client sends: data messages with increasing ids, and the drop-in's topic messages. */
type Message = { readonly id: number } | { readonly sub: string } | { readonly unsub: string };
/** What the server sends back: acknowledgements. */
interface Reply {
  readonly ack?: number;
  readonly topic?: string;
}

// Small enough that a run with several reconnects takes tens of milliseconds.
const RECONNECT = { initialDelay: 5, maxDelay: 30, random: () => 0.5 };
const CONNECT_TIMEOUT = 1000;
/** Bound on each wait for something the run has just caused (a close frame to arrive, a socket to open). */
const STEP_MS = 3000;
/** Bound on the waits of the end of a run (the last messages arriving, handles released). */
const SETTLE_MS = 3000;
/** Bound on the wait for the drop-in to deliver and restore its topics once healed: a failing run waits all of it. */
const DELIVER_MS = 1500;
/** ws's readyState values. */
const OPEN = 1;
const CLOSED = 3;

// ---- the ledger --------------------------------------------------------------------------------

/** One connection that opened, as the client's runtime socket told it. */
interface ClientConnection {
  /** 1 for the first connection that opened in the run, then 2, 3, … */
  readonly index: number;
  readonly raw: WebSocket;
  /** Whether it ended with a close frame (code other than 1006); `undefined` while it lasts. */
  clean: boolean | undefined;
  /** The run dropped it abruptly (terminate, cut, reset) while it lasted: what was in flight may be lost. */
  cut: boolean;
}

/** What became of one message given to send/next. */
interface SendRecord {
  readonly id: number;
  /**
   * The first connection that may carry it: the open one when it was sent, else the next to open.
   * A message can only ever be handed to this connection or a later one.
   */
  readonly target: number;
  /** `accepted`: send returned; `overflow`: it threw BufferOverflowError; `closed`: it threw SocketClosedError. */
  readonly outcome: 'accepted' | 'overflow' | 'closed';
}

/**
 * Everything a run observed: the runtime sockets and the connections among them, each message
 * and its fate, the reports (dropped, unsent at close), the states, and every problem seen on the way.
 */
export class Ledger {
  readonly made: WebSocket[] = [];
  readonly connections: ClientConnection[] = [];
  /** The connection open now (its close event not yet fired), if any. */
  current: ClientConnection | undefined;
  readonly sends: SendRecord[] = [];
  /** Ids reported as not sent, with how. */
  readonly reported = new Map<number, string>();
  /** Topic messages reported dropped by the outbox, by topic name. */
  readonly droppedTopicMessages: string[] = [];
  readonly states: SocketState[] = [];
  stateCompleted = false;
  /** Set when close() is called: from then on the state only goes to closing and closed. */
  closeCalled = false;
  /** Invariant violations seen during the run; the run fails at its end if there is any. */
  readonly problems: string[] = [];
  /** Figures for the summary line. */
  readonly figures = { connectionErrors: 0, lostInCuts: 0 };
  #nextId = 0;

  /** A WebSocket constructor (ws) that records every socket it makes and listens to it before anyone else. */
  tracker(): WebSocketConstructor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below needs the ledger, not the socket
    const ledger = this;
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        ledger.#track(this);
      }
    }
    return TrackedWebSocket;
  }

  #track(raw: WebSocket): void {
    this.made.push(raw);
    let connection: ClientConnection | undefined;
    const open = (): void => {
      connection = { index: this.connections.length + 1, raw, clean: undefined, cut: false };
      this.connections.push(connection);
      this.current = connection;
    };
    const close = (code: number): void => {
      raw.off('open', open);
      raw.off('close', close);
      if (connection === undefined) return;
      connection.clean = code !== 1006;
      if (this.current === connection) this.current = undefined;
    };
    raw.on('open', open);
    raw.on('close', close);
  }

  /** The next message to send, and its record once `send` has returned or thrown. */
  nextMessage(): { id: number } {
    return { id: this.#nextId++ };
  }

  /** Sends one message through `send`, recording its fate. */
  send(message: { id: number }, send: (message: { id: number }) => void): void {
    const target = this.current?.index ?? this.connections.length + 1;
    try {
      send(message);
      this.sends.push({ id: message.id, target, outcome: 'accepted' });
    } catch (error) {
      if (error instanceof BufferOverflowError) this.sends.push({ id: message.id, target, outcome: 'overflow' });
      else if (error instanceof SocketClosedError) {
        this.sends.push({ id: message.id, target, outcome: 'closed' });
        if (!this.closeCalled && !this.stateCompleted)
          this.problems.push(`send(${message.id}) threw SocketClosedError while the socket was not closed`);
      } else this.problems.push(`send(${message.id}) threw ${describe(error)}`);
    }
  }

  /** A value reported as not sent: dropped by the outbox, or listed unsent at close. */
  report(value: unknown, how: string): void {
    const message = value as Partial<{ id: number; sub: string; unsub: string }>;
    if (typeof message.id === 'number') this.reported.set(message.id, how);
    else if (message.sub !== undefined || message.unsub !== undefined) this.droppedTopicMessages.push(message.sub ?? message.unsub!);
    else this.problems.push(`a report named a value that was never sent: ${JSON.stringify(value)}`);
  }

  /** An error the socket reported (error$, the facade's error handler, a subscriber's error). */
  error(error: unknown): void {
    if (error instanceof SocketClosedError) for (const value of error.unsent) this.report(value, 'unsent at close');
    else if (error instanceof ConnectionError) this.figures.connectionErrors++;
    else this.problems.push(`unexpected error reported: ${describe(error)}`);
  }

  /** Watches `state$`: every change must be one the lifecycle table lists, and after close() only towards closed. */
  watchStates(state$: { subscribe(observer: { next(state: SocketState): void; complete(): void }): unknown }): void {
    state$.subscribe({
      next: (state) => {
        const previous = this.states.at(-1);
        if (this.stateCompleted) this.problems.push(`state$ emitted ${state} after it completed`);
        if (previous !== undefined && !TRANSITIONS[previous].includes(state)) {
          this.problems.push(`state$ went ${previous} → ${state}, a transition the lifecycle table does not list`);
        }
        if (this.closeCalled && state !== 'closing' && state !== 'closed') this.problems.push(`state$ went to ${state} after close()`);
        this.states.push(state);
      },
      complete: () => {
        this.stateCompleted = true;
      },
    });
  }

  /** Whether a connection is open and neither side has begun to close it. */
  get liveConnection(): boolean {
    return this.current?.raw.readyState === OPEN;
  }

  /** Marks the open connection as dropped abruptly by the run. */
  cutCurrent(): void {
    if (this.current !== undefined) this.current.cut = true;
  }

  /** Whether a message meant for connection `target` or later may have been lost in a connection that ended abruptly. */
  excused(target: number): boolean {
    return this.connections.some((c) => c.index >= target && (c.cut || c.clean === false));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// ---- the clients -------------------------------------------------------------------------------

/** One client under test, as the commands drive it. */
interface Driver {
  /** Sends one message; throws as the client's send/next does. */
  send(message: Message): void;
  /** close() (the drop-in: complete()). */
  close(): void;
  /** Subscribers now: a lazy socket's error$ subscribers, the drop-in's plain subscribers. */
  readonly listeners: number;
  subscribe(): void;
  unsubscribe(pick: number): void;
  /** The drop-in's live multiplex subscriptions. */
  readonly topics: number;
  subscribeTopic(): void;
  unsubscribeTopic(pick: number): void;
  /** Whether the client says it is open, on a connection neither side has begun to close. */
  readonly open: boolean;
  /** Whether it is closed for good: it will not open again. */
  readonly done: boolean;
  /** Messages not yet acknowledged (delivery), or queued. */
  readonly pending: number;
  /** The end of the run: makes sure someone listens, closes, and waits until it is closed. */
  finish(world: World): Promise<void>;
  /** After a failed run: closes whatever the state, so that nothing outlives the run. */
  abort(): void;
}

const quickReconnect = (config: RunConfig) => (config.reconnect ? RECONNECT : false);
const deliveryOf = (config: RunConfig) =>
  config.delivery
    ? { id: (message: Message) => ('id' in message ? message.id : JSON.stringify(message)), ackOf: (reply: Reply) => reply.ack }
    : undefined;

/** `ReactiveWebSocket`, lazy or not. */
class ReactiveDriver implements Driver {
  readonly socket: ReactiveWebSocket<Reply, Message>;
  readonly #subscriptions: Subscription[] = [];
  #errors: Subscription | undefined;
  readonly topics = 0;

  constructor(
    readonly config: RunConfig,
    url: string,
    private readonly ledger: Ledger,
  ) {
    this.socket = new ReactiveWebSocket<Reply, Message>({
      url,
      WebSocketCtor: ledger.tracker(),
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
      reconnect: quickReconnect(config),
      buffer: config.buffer,
      delivery: deliveryOf(config),
      connectTimeout: CONNECT_TIMEOUT,
      lazy: config.lazy,
    });
    ledger.watchStates(this.socket.state$);
    this.socket.dropped$.subscribe((value) => ledger.report(value, 'dropped$'));
    // A lazy socket counts error$ subscribers: there, only the subscribe command makes them.
    if (!config.lazy) this.#errors = this.socket.error$.subscribe((event) => ledger.error(event.error));
  }

  get listeners(): number {
    return this.#subscriptions.filter((subscription) => !subscription.closed).length;
  }
  get open(): boolean {
    return this.socket.state === 'open' && this.ledger.liveConnection;
  }
  get done(): boolean {
    return this.ledger.stateCompleted;
  }
  get pending(): number {
    return this.socket.pending;
  }

  send(message: Message): void {
    this.socket.send(message);
  }

  close(): void {
    // close() returns what waits in the outbox; with delivery, messages sent and not acknowledged are
    // reported on error$ only: on a lazy socket someone must listen to it then (which connects it).
    if (this.config.delivery && this.#errors === undefined && this.listeners === 0) this.subscribe();
    this.ledger.closeCalled = true;
    for (const value of this.socket.close()) this.ledger.report(value, 'returned by close()');
  }

  subscribe(): void {
    this.#subscriptions.push(this.socket.error$.subscribe((event) => this.ledger.error(event.error)));
  }

  unsubscribe(pick: number): void {
    const live = this.#subscriptions.filter((subscription) => !subscription.closed);
    live[pick % live.length]?.unsubscribe();
  }

  subscribeTopic(): void {}
  unsubscribeTopic(): void {}

  async finish(world: World): Promise<void> {
    if (!this.ledger.closeCalled) this.close();
    await until(() => this.ledger.stateCompleted, SETTLE_MS, 'state$ to complete after close()');
    if (this.ledger.states.at(-1) !== 'closed') world.ledger.problems.push(`state$ completed in ${this.ledger.states.at(-1)}, not closed`);
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#errors?.unsubscribe();
  }

  abort(): void {
    this.socket.close();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#errors?.unsubscribe();
  }
}

/** The facade `websocket(host, options)`. */
class FacadeDriver implements Driver {
  readonly ws: CallbackWebSocket<Reply, Message>;
  readonly listeners = 0;
  readonly topics = 0;

  constructor(
    readonly config: RunConfig,
    url: string,
    private readonly ledger: Ledger,
  ) {
    this.ws = websocket<Reply, Message>(url, {
      WebSocketCtor: ledger.tracker(),
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
      reconnect: quickReconnect(config),
      buffer: config.buffer,
      delivery: deliveryOf(config),
      connectTimeout: CONNECT_TIMEOUT,
    });
    ledger.watchStates(this.ws.socket.state$);
    this.ws.socket.dropped$.subscribe((value) => ledger.report(value, 'dropped$'));
    this.ws.bind('error', (event) => ledger.error(event.error));
    this.ws.bind('message', () => undefined);
  }

  get open(): boolean {
    return this.ws.socket.state === 'open' && this.ledger.liveConnection;
  }
  get done(): boolean {
    return this.ledger.stateCompleted;
  }
  get pending(): number {
    return this.ws.socket.pending;
  }

  send(message: Message): void {
    this.ws.send(message);
  }

  close(): void {
    this.ledger.closeCalled = true;
    for (const value of this.ws.close()) this.ledger.report(value, 'returned by close()');
  }

  subscribe(): void {}
  unsubscribe(): void {}
  subscribeTopic(): void {}
  unsubscribeTopic(): void {}

  async finish(world: World): Promise<void> {
    if (!this.ledger.closeCalled) this.close();
    await until(() => this.ledger.stateCompleted, SETTLE_MS, 'state$ to complete after close()');
    if (this.ledger.states.at(-1) !== 'closed') world.ledger.problems.push(`state$ completed in ${this.ledger.states.at(-1)}, not closed`);
    this.ws.unbind('error');
    this.ws.unbind('message');
  }

  abort(): void {
    this.ws.close();
  }
}

/** One multiplex subscription of the drop-in, on its own topic. */
interface Topic {
  readonly name: string;
  subscription: Subscription | undefined;
  /** What ended it: `undefined` while live. */
  ended: 'unsubscribed' | 'completed' | 'errored' | undefined;
}

/** The drop-in `webSocket(resilient({ reconnect, buffer?, delivery? }))`. */
class DropInDriver implements Driver {
  readonly subject: WebSocketSubject<Reply, Message>;
  readonly #listeners: Subscription[] = [];
  readonly topicList: Topic[] = [];

  constructor(
    readonly config: RunConfig,
    url: string,
    private readonly ledger: Ledger,
  ) {
    this.subject = webSocket<Reply, Message>(
      resilient<Reply, Message>({
        url,
        WebSocketCtor: ledger.tracker(),
        reconnect: RECONNECT,
        connectTimeout: CONNECT_TIMEOUT,
        buffer: config.buffer,
        delivery: deliveryOf(config),
        droppedObserver: { next: (value) => ledger.report(value, 'droppedObserver') },
      }),
    );
  }

  get listeners(): number {
    return this.#listeners.filter((subscription) => !subscription.closed).length;
  }
  get topics(): number {
    return this.live().length;
  }
  // A socket of the drop-in that opens is the one it writes to (one that opens after its session stopped is closed again at once).
  get open(): boolean {
    return this.ledger.liveConnection;
  }
  readonly done = false;
  get pending(): number {
    return 0;
  }

  /** The topics still subscribed. */
  live(): Topic[] {
    return this.topicList.filter((topic) => topic.ended === undefined && topic.subscription?.closed === false);
  }

  send(message: Message): void {
    this.subject.next(message);
  }

  close(): void {
    this.subject.complete();
  }

  subscribe(): void {
    this.#listeners.push(this.subject.subscribe({ error: (error: unknown) => this.ledger.error(error) }));
  }

  unsubscribe(pick: number): void {
    const live = this.#listeners.filter((subscription) => !subscription.closed);
    live[pick % live.length]?.unsubscribe();
  }

  subscribeTopic(): void {
    const topic: Topic = { name: `t${this.topicList.length + 1}`, subscription: undefined, ended: undefined };
    this.topicList.push(topic);
    topic.subscription = this.subject
      .multiplex(
        () => ({ sub: topic.name }),
        () => ({ unsub: topic.name }),
        (reply) => reply.topic === topic.name,
      )
      .subscribe({
        // Its sub message may not fit the outbox: then the subscription errors at once, which is a report.
        error: (error: unknown) => {
          topic.ended = 'errored';
          if (!(error instanceof BufferOverflowError)) this.ledger.error(error);
        },
        complete: () => (topic.ended ??= 'completed'),
      });
  }

  unsubscribeTopic(pick: number): void {
    const live = this.live();
    const topic = live[pick % live.length];
    if (topic === undefined) return;
    topic.ended = 'unsubscribed';
    topic.subscription?.unsubscribe();
  }

  /**
   * Subscribes if nobody is, waits until the server has every message it must get and every live
   * topic is subscribed on the connection, checks the topics, then ends every subscription.
   */
  async finish(world: World): Promise<void> {
    const settled = (): boolean => {
      // A complete() still pending ends the subscriptions once the socket opens: subscribe again then.
      if (this.listeners === 0 && this.topics === 0) this.subscribe();
      return world.missing().length === 0 && this.open && world.server.clients === 1 && this.topicProblems(world).length === 0;
    };
    await until(settled, DELIVER_MS, 'the drop-in to deliver what it holds and restore its topics').catch(() => undefined);
    if (!this.open) world.ledger.problems.push('the drop-in did not open again once the link was healed');
    else world.ledger.problems.push(...this.topicProblems(world));
    for (const topic of this.live()) {
      topic.ended = 'unsubscribed';
      topic.subscription?.unsubscribe();
    }
    for (const subscription of this.#listeners) subscription.unsubscribe();
    this.subject.unsubscribe();
  }

  abort(): void {
    for (const topic of this.topicList) topic.subscription?.unsubscribe();
    for (const subscription of this.#listeners) subscription.unsubscribe();
    this.subject.unsubscribe();
  }

  /** Live topics not subscribed exactly once on the open connection, and ended ones still subscribed there. */
  topicProblems(world: World): string[] {
    // The newest: one the proxy cut may still look open to the server for a moment.
    const connection = world.server.connections.filter((c) => c.socket.readyState === OPEN).at(-1);
    if (connection === undefined) return ['no connection is open on the server'];
    const problems: string[] = [];
    for (const topic of this.topicList) {
      const net = (connection.topics.get(topic.name) ?? []).reduce((sum, change) => sum + change, 0);
      const live = topic.ended === undefined && topic.subscription?.closed === false;
      if (live && net !== 1) problems.push(`live topic ${topic.name} is subscribed ${net} times on server connection ${connection.number}`);
      // An unsubscription message reported dropped cannot have reached the server.
      if (!live && net > 0 && !this.ledger.droppedTopicMessages.includes(topic.name)) {
        problems.push(
          `topic ${topic.name} ended (${topic.ended ?? 'closed'}) but is still subscribed on server connection ${connection.number}`,
        );
      }
    }
    return problems;
  }
}

// ---- the world of one run ----------------------------------------------------------------------

/** The handles that keep the event loop alive and that a socket could leave behind. */
function handles(): { sockets: number; timers: number } {
  const kinds = process.getActiveResourcesInfo();
  return { sockets: kinds.filter((kind) => kind === 'TCPSocketWrap').length, timers: kinds.filter((kind) => kind === 'Timeout').length };
}

/** The server, the proxy, the client and the ledger of one run. */
export class World {
  readonly ledger = new Ledger();
  driver!: Driver;
  #baseline = { sockets: 0, timers: 0 };

  private constructor(
    readonly config: RunConfig,
    readonly server: LifecycleServer,
    readonly proxy: ChaosProxy,
  ) {}

  static async start(config: RunConfig): Promise<World> {
    const server = await startLifecycleServer({ acknowledge: config.delivery });
    const proxy = await ChaosProxy.start(server.port);
    const world = new World(config, server, proxy);
    world.#baseline = handles();
    const Driver = config.kind === 'ReactiveWebSocket' ? ReactiveDriver : config.kind === 'websocket()' ? FacadeDriver : DropInDriver;
    world.driver = new Driver(config, proxy.url, world.ledger);
    return world;
  }

  /** Accepted messages, neither reported nor arrived, that the run cannot excuse: none may remain at the end. */
  missing(): number[] {
    const arrived = new Set(this.server.connections.flatMap((c) => c.ids));
    return this.ledger.sends
      .filter((s) => s.outcome === 'accepted' && !arrived.has(s.id) && !this.ledger.reported.has(s.id))
      .filter((s) => this.config.delivery || !this.ledger.excused(s.target))
      .map((s) => s.id);
  }

  /**
   * The end of a run: heals the link, lets delivery finish, closes the client, waits until nothing
   * is left, and checks every invariant. Fails (throws) with every problem the run saw.
   */
  async finish(): Promise<void> {
    const { ledger, driver, server, proxy } = this;
    proxy.resume();
    server.accept();
    if (this.config.delivery && !driver.done && this.config.kind !== 'webSocket(resilient())') {
      if (driver.listeners === 0 && this.config.lazy && !ledger.closeCalled) driver.subscribe();
      await until(() => driver.pending === 0 || driver.done, SETTLE_MS, 'delivery to be acknowledged').catch(() => undefined);
      if (driver.pending > 0 && !driver.done)
        ledger.problems.push(`delivery: ${driver.pending} messages still unacknowledged once the link was healed`);
    }
    await driver.finish(this);
    const made = ledger.made.length;
    await until(() => server.clients === 0 && proxy.open === 0, SETTLE_MS, 'the server and the proxy to see every client go').catch(() => {
      const left = server.connections
        .filter((c) => c.socket.readyState !== CLOSED)
        .map((c) => `${c.number} in readyState ${c.socket.readyState}`);
      const runtime = ledger.made.map((raw) => raw.readyState).join(',');
      ledger.problems.push(
        `after close(), the server still has ${server.clients} clients (connections ${left.join(', ')}) and the proxy ${proxy.open} connections; ` +
          `the client's runtime sockets are in readyStates ${runtime}`,
      );
    });
    const released = (): boolean => handles().sockets <= this.#baseline.sockets && handles().timers <= this.#baseline.timers;
    await until(released, SETTLE_MS, 'timers and sockets to be released').catch(() =>
      ledger.problems.push(`after close(), handles ${JSON.stringify(handles())} exceed the baseline ${JSON.stringify(this.#baseline)}`),
    );
    if (ledger.made.length > made) ledger.problems.push(`${ledger.made.length - made} sockets were made after the socket was closed`);
    for (const raw of ledger.made) {
      if (raw.readyState !== CLOSED) ledger.problems.push(`a runtime socket is left in readyState ${raw.readyState}`);
      const left = (['open', 'message', 'close'] as const).filter((type) => raw.listenerCount(type) > 0);
      // terminate() leaves one listener that ignores late errors, on a socket nobody holds.
      if (raw.listenerCount('error') > 1) left.push('error' as never);
      if (left.length > 0) ledger.problems.push(`a closed runtime socket still has listeners for ${left.join(', ')}`);
    }
    this.#checkMessages();
    if (server.unreadable.length > 0)
      ledger.problems.push(`the server got messages it cannot read: ${server.unreadable.slice(0, 3).join(', ')}`);
    if (ledger.problems.length > 0) throw new Error(`${this.config.kind}: ${ledger.problems.join('\n')}`);
  }

  /** Closes the client, the proxy and the server, whatever happened, and waits until the client's sockets are closed. */
  async dispose(): Promise<void> {
    this.proxy.resume();
    this.driver.abort();
    await until(
      () => this.ledger.made.every((raw) => raw.readyState === CLOSED),
      SETTLE_MS,
      'the client to close after a failed run',
    ).catch(() => undefined);
    await this.proxy.close();
    await this.server.close();
  }

  #checkMessages(): void {
    const { ledger, server } = this;
    const fates = new Map(ledger.sends.map((s) => [s.id, s]));
    const arrivals = new Map<number, number>();
    for (const connection of server.connections) {
      // Per connection, in send order: increasing ids (re-sends with delivery start over on a new connection).
      const outOfOrder = connection.ids.findIndex((id, i) => i > 0 && id <= connection.ids[i - 1]);
      if (outOfOrder > 0) {
        ledger.problems.push(`server connection ${connection.number} received ids out of order: ${connection.ids.join(',')}`);
      }
      for (const id of connection.ids) {
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        const fate = fates.get(id);
        if (fate === undefined || fate.outcome !== 'accepted') {
          ledger.problems.push(
            `message ${id} reached the server though send ${fate ? `threw (${fate.outcome})` : 'was never called for it'}`,
          );
        }
      }
      for (const [name, changes] of connection.topics) {
        let net = 0;
        for (const change of changes)
          if ((net += change) > 1) ledger.problems.push(`topic ${name} was subscribed twice on server connection ${connection.number}`);
      }
    }
    if (!this.config.delivery) {
      const twice = [...arrivals].filter(([, count]) => count > 1).map(([id]) => id);
      if (twice.length > 0) ledger.problems.push(`messages reached the server more than once without delivery: ${twice.join(',')}`);
    }
    for (const s of ledger.sends) {
      if (s.outcome !== 'accepted' || arrivals.has(s.id) || ledger.reported.has(s.id)) continue;
      if (this.config.delivery) ledger.problems.push(`message ${s.id} never arrived, with delivery on, and was not reported`);
      else if (ledger.excused(s.target)) ledger.figures.lostInCuts++;
      else {
        const how = ledger.connections
          .filter((c) => c.index >= s.target)
          .map((c) => `${c.index}:${c.clean ? 'clean' : 'unclean'}`)
          .join(' ');
        ledger.problems.push(
          `message ${s.id} was lost without a report: sent for connection ${s.target} or later, and every such connection closed cleanly (${how || 'none opened'})`,
        );
      }
    }
  }
}

// ---- the commands ------------------------------------------------------------------------------

/** What the commands' preconditions look at: what the run did, and what the client says of itself. */
export interface Model {
  closed: boolean;
  refusing: boolean;
  stalled: boolean;
}

type Command = fc.AsyncCommand<Model, World>;

/** Waits until the open connection, if any, is no longer open (the runtime saw the close frame or the cut). */
async function leftOpen(world: World, what: string): Promise<void> {
  const raw = world.ledger.current?.raw;
  if (raw !== undefined) await until(() => raw.readyState !== OPEN, STEP_MS, what);
}

class Send implements Command {
  constructor(readonly count: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    for (let i = 0; i < this.count; i++) world.ledger.send(world.ledger.nextMessage(), (message) => world.driver.send(message));
    await Promise.resolve();
  }
  toString = (): string => `send×${this.count}`;
}

class Close implements Command {
  check = (model: Model): boolean => !model.closed;
  async run(model: Model, world: World): Promise<void> {
    const { driver } = world;
    driver.close();
    if (world.config.kind !== 'webSocket(resilient())') {
      model.closed = true;
      await until(() => world.ledger.stateCompleted, STEP_MS, 'state$ to complete after close()');
    } else if (!model.refusing && !model.stalled) {
      // complete() ends the session once its socket has opened: later subscriptions make a new one.
      await until(() => driver.listeners === 0 && driver.topics === 0, STEP_MS, 'complete() to end every subscription');
    }
  }
  toString = (): string => 'close()';
}

class Subscribe implements Command {
  check = (model: Model): boolean => !model.closed;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.subscribe();
    await Promise.resolve();
  }
  toString = (): string => 'subscribe';
}

class Unsubscribe implements Command {
  constructor(readonly pick: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.unsubscribe(this.pick);
    await Promise.resolve();
  }
  toString = (): string => `unsubscribe(${this.pick})`;
}

class SubscribeTopic implements Command {
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.subscribeTopic();
    await Promise.resolve();
  }
  toString = (): string => 'multiplex';
}

class UnsubscribeTopic implements Command {
  constructor(readonly pick: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.unsubscribeTopic(this.pick);
    await Promise.resolve();
  }
  toString = (): string => `unsubscribe topic(${this.pick})`;
}

class ServerClose implements Command {
  constructor(readonly code: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.server.closeAll(this.code);
    await leftOpen(world, `the client to see the server's close frame (${this.code})`);
  }
  toString = (): string => `server close(${this.code})`;
}

class ServerTerminate implements Command {
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.ledger.cutCurrent();
    world.server.terminateAll();
    await leftOpen(world, 'the client to see the server drop the connection');
  }
  toString = (): string => 'server terminate()';
}

class ProxyCut implements Command {
  constructor(readonly reset: boolean) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.ledger.cutCurrent();
    if (this.reset) world.proxy.reset();
    else world.proxy.cut();
    await leftOpen(world, 'the client to see the link cut');
  }
  toString = (): string => (this.reset ? 'proxy reset' : 'proxy cut');
}

class Stall implements Command {
  check = (model: Model): boolean => !model.stalled;
  async run(model: Model, world: World): Promise<void> {
    model.stalled = true;
    world.proxy.stall();
    await Promise.resolve();
  }
  toString = (): string => 'proxy stall';
}

class Resume implements Command {
  check = (model: Model): boolean => model.stalled;
  async run(model: Model, world: World): Promise<void> {
    model.stalled = false;
    world.proxy.resume();
    await Promise.resolve();
  }
  toString = (): string => 'proxy resume';
}

class Refuse implements Command {
  constructor(readonly status: number) {}
  check = (model: Model): boolean => !model.refusing;
  async run(model: Model, world: World): Promise<void> {
    model.refusing = true;
    world.server.refuse(this.status);
    await Promise.resolve();
  }
  toString = (): string => `server refuses upgrades (${this.status})`;
}

class Accept implements Command {
  check = (model: Model): boolean => model.refusing;
  async run(model: Model, world: World): Promise<void> {
    model.refusing = false;
    world.server.accept();
    await Promise.resolve();
  }
  toString = (): string => 'server accepts upgrades';
}

/** Waits until the client is open, when nothing keeps it from opening: reconnecting must get there. */
class WaitOpen implements Command {
  check = (model: Model): boolean => !model.closed && !model.refusing && !model.stalled;
  async run(_model: Model, world: World): Promise<void> {
    const { driver, config } = world;
    // A lazy socket, or the drop-in, with nobody subscribed stays closed (also once a pending complete() has ended every subscription).
    const idle = (): boolean => (config.lazy || config.kind === 'webSocket(resilient())') && driver.listeners === 0 && driver.topics === 0;
    await until(() => driver.open || driver.done || idle(), STEP_MS, 'the socket to open (reconnecting, with nothing in the way)');
    // On every connection the drop-in opens, each live topic is subscribed once, and only live ones.
    if (driver instanceof DropInDriver && driver.open) {
      await until(() => !driver.open || driver.topicProblems(world).length === 0, STEP_MS, 'the topics to be subscribed').catch(() => {
        throw new Error(driver.topicProblems(world).join('\n'));
      });
    }
  }
  toString = (): string => 'wait open';
}

/** The commands a run of `kind` draws from, weighted so that most runs connect, send and meet faults before any close(). */
export function commandsFor(kind: Kind): Array<fc.Arbitrary<Command>> {
  const weighted = (weight: number, arbitrary: fc.Arbitrary<Command>) => ({ weight, arbitrary });
  const choices = [
    weighted(
      12,
      fc.integer({ min: 1, max: 3 }).map((count) => new Send(count)),
    ),
    weighted(12, fc.constant(new WaitOpen())),
    weighted(
      6,
      fc.constantFrom(1000, 1001, 1011, 4000, 4001).map((code) => new ServerClose(code)),
    ),
    weighted(2, fc.constant(new ServerTerminate())),
    weighted(
      2,
      fc.boolean().map((reset) => new ProxyCut(reset)),
    ),
    weighted(2, fc.constant(new Stall())),
    weighted(4, fc.constant(new Resume())),
    weighted(
      2,
      fc.constantFrom(401, 503).map((status) => new Refuse(status)),
    ),
    weighted(4, fc.constant(new Accept())),
    // Rare: after close() a run has little left to do.
    weighted(1, fc.constant(new Close())),
  ];
  // Subscribers count on a lazy ReactiveWebSocket and on the drop-in; elsewhere they are extra error$ subscribers.
  if (kind !== 'websocket()') {
    choices.push(
      weighted(6, fc.constant(new Subscribe())),
      weighted(
        2,
        fc.nat(7).map((pick) => new Unsubscribe(pick)),
      ),
    );
  }
  if (kind === 'webSocket(resilient())') {
    choices.push(
      weighted(6, fc.constant(new SubscribeTopic())),
      weighted(
        4,
        fc.nat(7).map((pick) => new UnsubscribeTopic(pick)),
      ),
    );
  }
  return [fc.oneof(...choices)];
}

/** A configuration for a run of `kind`. */
export function configFor(kind: Kind): fc.Arbitrary<RunConfig> {
  return fc.record({
    kind: fc.constant(kind),
    lazy: kind === 'ReactiveWebSocket' ? fc.boolean() : fc.constant(false),
    reconnect:
      kind === 'webSocket(resilient())' ? fc.constant(true) : fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    buffer: fc.option(
      fc.record({
        limit: fc.integer({ min: 2, max: 6 }),
        overflow: fc.constantFrom<OverflowPolicy>('error', 'drop-oldest', 'drop-newest'),
      }),
      { nil: undefined },
    ),
    delivery: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true)),
  });
}

/** One run: a world for `config`, the commands, then the end of the run and its checks. */
export async function runScenario(config: RunConfig, commands: Iterable<Command>, log: (world: World) => void): Promise<void> {
  const world = await World.start(config);
  try {
    await fc.asyncModelRun(() => ({ model: { closed: false, refusing: false, stalled: false }, real: world }), commands);
    await world.finish();
    log(world);
  } finally {
    await world.dispose();
  }
}
