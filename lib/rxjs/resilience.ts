import type { Subscriber } from 'rxjs';
import { reconnect as reconnectFeature, type ReconnectConfig, type ReconnectEvent } from '../reconnect.js';
import { mergeFeatures, type FeatureSlots } from '../feature.js';
import type { WebSocketData } from '../codec.js';
import type { Connection, ConnectionOptions } from '../connection.js';
import { Engine, type AttemptTarget } from '../engine.js';
import { resolveDeliveryConfig, type DeliveryConfig } from '../delivery.js';
import type { ClosedBy, ReconnectError } from '../errors.js';
import type { SocketCloseEvent } from '../events.js';
import { heartbeat as heartbeatFeature, type HeartbeatConfig } from '../heartbeat.js';
import { OPEN, type NativeEvent, type WebSocketLike } from '../native-socket.js';
import { resolveBufferConfig, type BufferConfig } from '../outbox.js';
import { askSafely, reportError } from '../report.js';
import { Sender } from '../sender.js';
import { redactUrl } from '../url.js';
import { EXTENSION, type CloseEventLike, type EventObserver, type ExtensionContext, type WebSocketSubjectConfig } from './config.js';
import type { ConnectionLike, Extension, ExtensionObserver } from './extension.js';
import type { Outgoing } from '../feature.js';
import { Queue } from '../queue.js';
import { check } from '../check.js';

// As ReactiveWebSocket's default.
const DEFAULT_CONNECT_TIMEOUT = 10_000;

/**
 * The settings of {@link webSocket} plus this library's resilience, all off unless given (but for
 * a 10 s `connectTimeout`): what {@link resilient} takes.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing values before encoding.
 */
export interface ResilientWebSocketSubjectConfig<In, Out = In> extends WebSocketSubjectConfig<In, Out> {
  /**
   * Reconnect, with exponential backoff and full jitter, when a connection ends without the client
   * closing it (`complete()`, `error()`, the last subscriber leaving). Subscribers stay subscribed
   * across reconnects instead of completing or erroring, and each live `multiplex` subscription
   * sends its subscription message again on every new connection. `true` or `{ initialDelay = 500,
   * maxDelay = 30000, factor = 2, attempts = Infinity, stableAfter = 5000, shouldReconnect?, random? }`.
   * When attempts run out, subscribers error with a `ReconnectError`. Default: off.
   */
  reconnect?: boolean | ReconnectConfig;
  /**
   * How long (ms) a socket may stay connecting before the attempt is dropped: an error (and, with
   * `reconnect`, another attempt). A server that accepts the TCP connection but never answers the
   * handshake would otherwise hold an attempt forever. Default: 10,000, as `ReactiveWebSocket`'s;
   * `Infinity` waits as long as the runtime does.
   */
  connectTimeout?: number;
  /** Ping when idle and drop a connection that stays silent (close code 4010), which `reconnect` then replaces. Default: off. */
  heartbeat?: HeartbeatConfig<In, Out>;
  /**
   * Bound the queue of values waiting for an open socket: `{ limit = 1000, maxBytes = Infinity,
   * overflow = 'error' | 'drop-oldest' | 'drop-newest', highWaterMark = Infinity }`. Under `'error'`,
   * `next()` throws `BufferOverflowError`; dropped values go to `droppedObserver`. Default: unbounded, as in RxJS.
   */
  buffer?: BufferConfig;
  /** At-least-once delivery: values are held until the server acknowledges them, and sent again on each new connection. Default: off. */
  delivery?: DeliveryConfig<In, Out>;
  /** Told `{ attempt, delay }` each time a reconnect attempt is scheduled. */
  reconnectObserver?: EventObserver<ReconnectEvent>;
  /** Told each value the `buffer` overflow policy drops. */
  droppedObserver?: EventObserver<Out>;
}

interface Settings<In, Out> {
  /** Reconnect and heartbeat, for the engine. */
  readonly features: FeatureSlots<In, Out>;
  readonly connectTimeout: number;
  readonly buffer: ReturnType<typeof resolveBufferConfig> | undefined;
  readonly delivery: ReturnType<typeof resolveDeliveryConfig<In, Out>>;
  readonly reconnectObserver: EventObserver<ReconnectEvent> | undefined;
  readonly droppedObserver: EventObserver<Out> | undefined;
}

/**
 * Adds this library's `reconnect`, `connectTimeout`, `heartbeat`, `buffer` and `delivery` to a
 * {@link webSocket} config. They live here, not in `webSocket()`, so that a bundle includes them
 * only where `resilient` is imported.
 *
 * @example
 * ```ts
 * import { resilient, webSocket } from 'reactive-websocket/rxjs';
 *
 * interface Update {
 *   readonly topic: string;
 *   readonly value: number;
 * }
 * type Command = { readonly sub: string } | { readonly unsub: string };
 *
 * const subject = webSocket<Update, Command>(resilient({ url: 'ws://127.0.0.1:8080/feed', reconnect: true }));
 * // Subscribed on the server while observed, and again after every reconnect:
 * const prices$ = subject.multiplex(
 *   () => ({ sub: 'prices' }),
 *   () => ({ unsub: 'prices' }),
 *   (update) => update.topic === 'prices',
 * );
 * prices$.subscribe((update) => console.log(update.value));
 * ```
 *
 * @returns a config for `webSocket()`.
 * @throws TypeError or RangeError at once for a setting of the wrong type or range, naming it.
 */
export function resilient<In, Out = In>(config: ResilientWebSocketSubjectConfig<In, Out>): WebSocketSubjectConfig<In, Out> {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: resilient() takes a config such as { url, reconnect: true }, not ${String(config)}.`);
  }
  const {
    reconnect,
    connectTimeout = DEFAULT_CONNECT_TIMEOUT,
    heartbeat,
    buffer,
    delivery,
    reconnectObserver,
    droppedObserver,
    ...core
  } = config;
  check(typeof connectTimeout == 'number' && connectTimeout > 0, 'connectTimeout', connectTimeout, 'a number of ms above 0, or Infinity');
  const settings: Settings<In, Out> = {
    features: mergeFeatures<In, Out>([reconnectFeature(reconnect ?? false), heartbeat === undefined ? {} : heartbeatFeature(heartbeat)]),
    connectTimeout,
    // Delivery keeps values in the outbox until acknowledged, so it needs one even without `buffer`.
    buffer: buffer === undefined && delivery === undefined ? undefined : resolveBufferConfig(buffer),
    delivery: resolveDeliveryConfig(delivery),
    reconnectObserver,
    droppedObserver,
  };
  const extend = (encode: (value: Out) => WebSocketData): Resilience<In, Out> =>
    new Resilience(settings, { encode, url: String(core.url), closeObserver: core.closeObserver });
  return { ...core, [EXTENSION]: extend } as WebSocketSubjectConfig<In, Out>;
}

/** A live `multiplex` subscription: state the server must hold on every connection, not a message to queue. */
interface Topic {
  readonly subMsg: () => unknown;
  readonly subscriber: Subscriber<unknown>;
  /** The number of the socket its subscription message went out on; 0 while it waits for one to open. */
  sentOn: number;
}

/** The resilience of one subject: its outbox and its live topics, shared by its successive shares (the subscribers of one socket, or of one engine). */
class Resilience<In, Out> implements Extension<In, Out> {
  readonly outgoing: Outgoing<Out>;
  readonly #topics = new Set<Topic>();
  // Sockets opened so far: a topic whose subscription message went out on an earlier one subscribes again.
  #opened = 0;
  // The socket the outgoing path writes to, if one has opened and not yet closed.
  #attached: WebSocketLike | undefined;

  constructor(
    readonly settings: Settings<In, Out>,
    readonly context: ExtensionContext<Out>,
  ) {
    this.outgoing =
      settings.buffer === undefined
        ? new Queue(context.encode)
        : new Sender<In, Out>(context.encode, settings.buffer, settings.delivery, redactUrl(context.url), {
            dropped: (value) => settings.droppedObserver?.next(value),
            writable: () => undefined,
          });
  }

  connect(options: ConnectionOptions, observer: ExtensionObserver): ConnectionLike {
    const engine = new ResilientEngine(this, options, observer);
    return {
      get socket() {
        return engine.connection?.socket;
      },
      close: (code, reason) => engine.requestClose(code, reason),
    };
  }

  received(value: In): boolean {
    (this.outgoing as Partial<Sender<In, Out>>).acknowledge?.(value);
    const isPong = this.settings.features.isPong;
    return isPong === undefined || !askSafely(isPong, value, false);
  }

  /**
   * Topic messages bypass the outbox: no overflow policy may drop them and no queue holds a copy
   * for a later socket, so each live topic is subscribed exactly once on every connection.
   */
  track(subMsg: () => unknown, unsubMsg: () => unknown, subscriber: Subscriber<unknown>): () => void {
    const topic: Topic = { subMsg, subscriber, sentOn: 0 };
    this.#topics.add(topic);
    const socket = this.#attached;
    // A closing socket would drop it: the next one to open sends it.
    if (socket?.readyState === OPEN) this.#subscribe(topic, socket);
    // subMsg() threw and errored the subscriber before it could keep what untracks it.
    if (subscriber.closed) this.#topics.delete(topic);
    return () => {
      this.#topics.delete(topic);
      const current = this.#attached;
      // Only the connection that holds the subscription needs to hear its end; a new one never had it.
      if (topic.sentOn === this.#opened && current?.readyState === OPEN) {
        try {
          current.send(this.context.encode(unsubMsg() as Out) as string);
        } catch (error) {
          // The subscription is over: there is no one left to tell.
          reportError(error);
        }
      }
    };
  }

  /** A socket opened: every live topic subscribes on it, before anything queued goes out. */
  attach(socket: WebSocketLike): void {
    this.#opened++;
    this.#attached = socket;
    for (const topic of this.#topics) if (topic.sentOn < this.#opened) this.#subscribe(topic, socket);
  }

  /** A socket closed: hold what is sent until the next one opens (unless another is open already). */
  detach(socket: WebSocketLike): void {
    if (this.#attached !== socket) return;
    this.#attached = undefined;
    this.outgoing.close();
  }

  #subscribe(topic: Topic, socket: WebSocketLike): void {
    topic.sentOn = this.#opened;
    try {
      socket.send(this.context.encode(topic.subMsg() as Out) as string);
    } catch (error) {
      topic.subscriber.error(error);
    }
  }
}

/**
 * What the subscribers of one share have in place of a single connection: the engine, making
 * one `Connection` after another by the reconnect policy, each with its heartbeat. It tells the
 * subject of every socket's `open` and every message, and `close` (or a final `error`) only when
 * it ends for good.
 */
class ResilientEngine<In, Out> extends Engine<In, Out> {
  // The runtime's last close event, for the subscribers when the end comes.
  #lastClose: NativeEvent | undefined;
  readonly #options: ConnectionOptions;
  readonly #resilience: Resilience<In, Out>;
  readonly #observer: ExtensionObserver;

  constructor(resilience: Resilience<In, Out>, options: ConnectionOptions, observer: ExtensionObserver) {
    const { settings, context } = resilience;
    super(
      {
        WebSocketCtor: options.WebSocketCtor,
        binaryType: options.binaryType,
        connectTimeout: settings.connectTimeout,
        features: settings.features,
        lazy: false,
      },
      redactUrl(context.url),
    );
    this.#resilience = resilience;
    this.#observer = observer;
    this.#options = options;
    this.start();
  }

  protected target(): AttemptTarget {
    return this.#options;
  }

  protected encode(value: Out): WebSocketData {
    return this.#resilience.context.encode(value);
  }

  protected opened(connection: Connection): void {
    this.#resilience.attach(connection.socket);
    this.#observer.open(connection);
  }

  protected received(event: NativeEvent): void {
    this.#observer.message(event);
  }

  protected stopSending(connection: Connection): void {
    this.#resilience.detach(connection.socket);
  }

  protected failed(_error: Error, event?: NativeEvent): void {
    // Without reconnect, the runtime's error event errors the subscribers, as in RxJS; with it, the close that follows decides.
    if (event !== undefined && !this.#resilience.settings.features.reconnect) this.#observer.error(event);
  }

  /** A throwing constructor errors the subscribers with what it threw, as in RxJS, and ends the share. */
  protected override constructorThrew(error: unknown): void {
    this.#observer.error(error as NativeEvent);
    this.requestClose();
  }

  protected closed(_close: SocketCloseEvent, event: NativeEvent | undefined, final: boolean): void {
    if (final) this.#lastClose = event;
    else this.#resilience.context.closeObserver?.next(event as CloseEventLike);
  }

  protected reconnecting(next: ReconnectEvent): void {
    this.#resilience.settings.reconnectObserver?.next(next);
  }

  protected finishing(_closedBy: ClosedBy, gaveUp: ReconnectError | undefined): void {
    const last = this.#lastClose;
    if (gaveUp === undefined) {
      // Closed by the client while waiting to reconnect there is no socket, and no close to tell of: `last` is undefined then.
      this.#observer.close(last);
      return;
    }
    // closeObserver hears of the last close before the subscribers of the end, as of every other.
    if (last !== undefined) this.#resilience.context.closeObserver?.next(last);
    this.#observer.error(gaveUp);
  }

  protected finished(): void {}
}
