/**
 * The clients a lifecycle property run drives (see lifecycle-model.ts), behind one interface:
 * `ReactiveWebSocket` (lazy or not), the facade `websocket()` and the drop-in
 * `webSocket(resilient())`. Each reports to the run's {@link Ledger} what it says of itself.
 */
import type { Subscription } from 'rxjs';
import { ReactiveWebSocket as CoreWebSocket } from '../../lib/core.js';
import {
  ReactiveWebSocket,
  buffer,
  delivery,
  jsonDeserializer,
  jsonSerializer,
  reconnect,
  websocket,
  type CallbackWebSocket,
  type OverflowPolicy,
  type ReactiveWebSocketConfig,
  type SocketFeature,
} from '../../lib/index.js';
import { resilient, webSocket, type WebSocketSubject } from '../../lib/rxjs.js';
import { OPEN, type Ledger } from './lifecycle-ledger.js';
import type { World } from './lifecycle-model.js';
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
  /**
   * `ReactiveWebSocket` and the facade: the features as config keys, or made by their functions in
   * `use`; `core`: the `ReactiveWebSocket` of `reactive-websocket/core`, which runs only what `use`
   * names (without `buffer()`, an unbounded queue).
   */
  readonly features: 'keys' | 'use' | 'core';
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
/** Bound on the waits of the end of a run (the last messages arriving, handles released). */
export const SETTLE_MS = 3000;
/** Bound on the wait for the drop-in to deliver and restore its topics once healed: a failing run waits all of it. */
const DELIVER_MS = 1500;

/** One client under test, as the commands drive it. */
export interface Driver {
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

const deliveryOf = (config: RunConfig) =>
  config.delivery
    ? { id: (message: Message) => ('id' in message ? message.id : JSON.stringify(message)), ackOf: (reply: Reply) => reply.ack }
    : undefined;

/** The features of `config`, made by their functions. */
function featureList(config: RunConfig): Array<SocketFeature<Reply, Message>> {
  const settings = deliveryOf(config);
  const use: Array<SocketFeature<Reply, Message>> = [];
  if (config.reconnect) use.push(reconnect(RECONNECT));
  // Delivery keeps messages in buffer()'s outbox, so it needs buffer() named.
  if (config.buffer !== undefined || settings !== undefined) use.push(buffer(config.buffer));
  if (settings !== undefined) use.push(delivery(settings));
  return use;
}

/** The reconnect, outbox and delivery settings of `config` for the main entry's socket, as keys or in `use`. */
function featuresOf(config: RunConfig): Pick<ReactiveWebSocketConfig<Reply, Message>, 'reconnect' | 'buffer' | 'delivery' | 'use'> {
  if (config.features === 'keys') {
    return { reconnect: config.reconnect ? RECONNECT : false, buffer: config.buffer, delivery: deliveryOf(config) };
  }
  // Without buffer() in use, the main entry's default outbox applies; its default reconnect, unless turned off.
  return config.reconnect ? { use: featureList(config) } : { reconnect: false, use: featureList(config) };
}

/** `ReactiveWebSocket`, lazy or not. */
class ReactiveDriver implements Driver {
  readonly socket: CoreWebSocket<Reply, Message>;
  readonly #subscriptions: Subscription[] = [];
  #errors: Subscription | undefined;
  readonly topics = 0;

  constructor(
    readonly config: RunConfig,
    url: string,
    private readonly ledger: Ledger,
  ) {
    const options = {
      url,
      WebSocketCtor: ledger.tracker(),
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
      connectTimeout: CONNECT_TIMEOUT,
      lazy: config.lazy,
    };
    this.socket =
      config.features === 'core'
        ? new CoreWebSocket<Reply, Message>({ ...options, use: featureList(config) })
        : new ReactiveWebSocket<Reply, Message>({ ...options, ...featuresOf(config) });
    ledger.watchStates(this.socket.state$);
    this.socket.dropped$.subscribe((value) => ledger.report(value, 'dropped$'));
    // A lazy socket counts error$ subscribers: there, only the subscribe command makes them.
    if (!config.lazy) {
      this.#errors = this.socket.error$.subscribe((event) => ledger.error(event.error));
      ledger.opensReported = 0;
      this.#errors.add(this.socket.open$.subscribe(() => ledger.lifecycleEvent('open')));
      this.#errors.add(this.socket.close$.subscribe(() => ledger.lifecycleEvent('close')));
    }
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
      ...featuresOf(config),
      connectTimeout: CONNECT_TIMEOUT,
    });
    ledger.watchStates(this.ws.socket.state$);
    this.ws.socket.dropped$.subscribe((value) => ledger.report(value, 'dropped$'));
    this.ws.bind('error', (event) => ledger.error(event.error));
    ledger.opensReported = 0;
    this.ws.bind('open', () => ledger.lifecycleEvent('open'));
    this.ws.bind('close', () => ledger.lifecycleEvent('close'));
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
    this.ws.unbind('open');
    this.ws.unbind('close');
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
export class DropInDriver implements Driver {
  readonly subject: WebSocketSubject<Reply, Message>;
  readonly #listeners: Subscription[] = [];
  readonly topicList: Topic[] = [];

  constructor(
    readonly config: RunConfig,
    url: string,
    private readonly ledger: Ledger,
  ) {
    ledger.opensReported = 0;
    this.subject = webSocket<Reply, Message>(
      resilient<Reply, Message>({
        url,
        WebSocketCtor: ledger.tracker(),
        reconnect: RECONNECT,
        connectTimeout: CONNECT_TIMEOUT,
        buffer: config.buffer,
        delivery: deliveryOf(config),
        droppedObserver: { next: (value) => ledger.report(value, 'droppedObserver') },
        openObserver: { next: () => ledger.lifecycleEvent('open', false) },
        closeObserver: { next: () => ledger.lifecycleEvent('close', false) },
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
        error: (error: unknown) => {
          topic.ended = 'errored';
          this.ledger.error(error);
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
      if (!live && net > 0) {
        problems.push(
          `topic ${topic.name} ended (${topic.ended ?? 'closed'}) but is still subscribed on server connection ${connection.number}`,
        );
      }
    }
    return problems;
  }
}

/** The client of `config.kind`, connecting to `url`. */
export function makeDriver(config: RunConfig, url: string, ledger: Ledger): Driver {
  if (config.kind === 'ReactiveWebSocket') return new ReactiveDriver(config, url, ledger);
  if (config.kind === 'websocket()') return new FacadeDriver(config, url, ledger);
  return new DropInDriver(config, url, ledger);
}
