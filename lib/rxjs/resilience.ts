import type { Subscriber } from 'rxjs';
import { check, resolveReconnectConfig, type ReconnectConfig, type ResolvedReconnectConfig } from '../backoff.js';
import { CLOSE_CODE_HEARTBEAT_TIMEOUT } from '../close-code.js';
import type { Serializer, WebSocketData } from '../codec.js';
import { Connection, type ConnectionObserver, type ConnectionOptions } from '../connection.js';
import { resolveDeliveryConfig, type DeliveryConfig } from '../delivery.js';
import { ReconnectError } from '../errors.js';
import { Heartbeat, validateHeartbeatConfig, type HeartbeatConfig } from '../heartbeat.js';
import type { NativeEvent, WebSocketLike } from '../native-socket.js';
import { resolveBufferConfig, type BufferConfig } from '../outbox.js';
import { askSafely, reportError } from '../report.js';
import { Retry, type ReconnectEvent } from '../retry.js';
import { Sender } from '../sender.js';
import { redactUrl } from '../url.js';
import { EXTENSION, type EventObserver, type ExtensionContext, type WebSocketSubjectConfig } from './config.js';
import type { ConnectionLike, Extension, Outgoing } from './extension.js';
import { Queue } from './queue.js';

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
  readonly reconnect: ResolvedReconnectConfig | undefined;
  readonly connectTimeout: number;
  readonly heartbeat: HeartbeatConfig<In, Out> | undefined;
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
 * import { webSocket, resilient } from 'reactive-websocket/rxjs';
 *
 * const subject = webSocket<Update, Command>(resilient({ url: 'wss://example.test/feed', reconnect: true }));
 * // Subscribed on the server while observed, and again after every reconnect:
 * const prices$ = subject.multiplex(() => ({ sub: 'prices' }), () => ({ unsub: 'prices' }), (update) => update.topic === 'prices');
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
    reconnect: resolveReconnectConfig(reconnect, false),
    connectTimeout,
    heartbeat: validateHeartbeatConfig(heartbeat),
    // Delivery keeps values in the outbox until acknowledged, so it needs one even without `buffer`.
    buffer: buffer === undefined && delivery === undefined ? undefined : resolveBufferConfig(buffer),
    delivery: resolveDeliveryConfig(delivery),
    reconnectObserver,
    droppedObserver,
  };
  const extend = (serializer: (value: Out) => unknown, encode: (value: Out) => WebSocketData): Resilience<In, Out> =>
    new Resilience(settings, { serializer, encode, url: String(core.url), closeObserver: core.closeObserver });
  return { ...core, [EXTENSION]: extend } as WebSocketSubjectConfig<In, Out>;
}

/** A live `multiplex` subscription. */
interface Topic {
  readonly subMsg: () => unknown;
  readonly subscriber: Subscriber<unknown>;
  /** The number of the socket its subscription message went (or goes) out on. */
  sentOn: number;
}

/** The resilience of one subject: its outbox and its live topics, shared by its successive sessions. */
class Resilience<In, Out> implements Extension<In, Out> {
  readonly outgoing: Outgoing<Out>;
  readonly #topics = new Set<Topic>();
  // Sockets opened so far: a topic whose subscription message went out on an earlier one subscribes again.
  #opened = 0;
  // The connection the outgoing path writes to, if one is open.
  #attached: ResilientConnection<In, Out> | undefined;

  constructor(
    readonly settings: Settings<In, Out>,
    readonly context: ExtensionContext<Out>,
  ) {
    this.outgoing =
      settings.buffer === undefined
        ? new Queue(context.encode)
        : new Sender<In, Out>(context.serializer as Serializer<Out>, settings.buffer, settings.delivery, redactUrl(context.url), {
            dropped: (value) => settings.droppedObserver?.next(value),
            writable: () => undefined,
          });
  }

  connect(options: ConnectionOptions, observer: ConnectionObserver): ConnectionLike {
    return new ResilientConnection(this, options, observer);
  }

  received(value: In): boolean {
    (this.outgoing as Partial<Sender<In, Out>>).delivery?.received(value);
    const isPong = this.settings.heartbeat?.isPong;
    return isPong === undefined || !askSafely(isPong, value, false);
  }

  track(subMsg: () => unknown, subscriber: Subscriber<unknown>): () => void {
    // Sent on the open socket, or queued for the next to open, which must not send it twice.
    const topic: Topic = { subMsg, subscriber, sentOn: this.#opened + (this.#attached ? 0 : 1) };
    this.#topics.add(topic);
    return () => this.#topics.delete(topic);
  }

  /** A socket opened: topics subscribed on an earlier one subscribe again, before anything queued goes out. */
  attach(connection: ResilientConnection<In, Out>, socket: WebSocketLike): void {
    const epoch = ++this.#opened;
    this.#attached = connection;
    for (const topic of this.#topics) {
      if (topic.sentOn >= epoch) continue;
      topic.sentOn = epoch;
      try {
        socket.send(this.context.encode(topic.subMsg() as Out) as string);
      } catch (error) {
        topic.subscriber.error(error);
      }
    }
  }

  /** A socket closed: hold what is sent until the next one opens (unless another is open already). */
  detach(connection: ResilientConnection<In, Out>): void {
    if (this.#attached !== connection) return;
    this.#attached = undefined;
    this.outgoing.close();
  }
}

/**
 * What the subscribers of one session share in place of a single connection: one `Connection`
 * after another, by the reconnect policy, each with its heartbeat. It reports every socket's
 * `open` and every message, and `close` (or a final `error`) only when it ends for good.
 */
class ResilientConnection<In, Out> implements ConnectionLike {
  #connection: Connection | undefined;
  #heartbeat: Heartbeat | undefined;
  readonly #retry: Retry;
  #closing = false;

  constructor(
    private readonly resilience: Resilience<In, Out>,
    private readonly options: ConnectionOptions,
    private readonly observer: ConnectionObserver,
  ) {
    this.#retry = new Retry(resilience.settings.reconnect);
    this.#connect();
  }

  get socket(): WebSocketLike | undefined {
    return this.#connection?.socket;
  }

  close(code?: number, reason?: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#retry.cancel();
    if (this.#connection) this.#connection.close(code, reason);
    // Waiting to reconnect: there is no socket to close, so the close is told at once.
    else this.observer.close({ type: 'close', code, reason, wasClean: true });
  }

  /** @throws what the constructor throws, on the first attempt only: later, it ends the session as an error. */
  #connect(): void {
    const { settings } = this.resilience;
    this.#connection = new Connection(
      { ...this.options, connectTimeout: settings.connectTimeout },
      {
        open: (connection) => {
          this.resilience.attach(this, connection.socket);
          const heartbeat = settings.heartbeat;
          if (heartbeat) {
            this.#heartbeat = new Heartbeat(
              heartbeat.interval,
              heartbeat.timeout,
              () => {
                try {
                  const { message } = heartbeat;
                  connection.socket.send(
                    this.resilience.context.encode(typeof message == 'function' ? (message as () => Out)() : message) as string,
                  );
                } catch (error) {
                  reportError(error);
                }
              },
              () => connection.abandon(CLOSE_CODE_HEARTBEAT_TIMEOUT, 'heartbeat timeout'),
            );
            this.#heartbeat.start();
          }
          this.observer.open(connection);
        },
        message: (event) => {
          this.#heartbeat?.received();
          this.observer.message(event);
        },
        // With reconnect on, the close that follows decides.
        error: (event) => settings.reconnect || this.observer.error(event),
        close: (event) => this.#closed(event),
      },
    );
  }

  #closed(event: NativeEvent): void {
    const openedAt = this.#connection?.openedAt;
    this.#connection = undefined;
    this.#heartbeat?.stop();
    this.resilience.detach(this);
    const { settings, context } = this.resilience;
    const close = { type: 'close' as const, code: event.code ?? 1005, reason: event.reason ?? '', wasClean: event.wasClean ?? false };
    const next = this.#closing ? undefined : this.#retry.next(close, openedAt);
    if (typeof next === 'object') {
      context.closeObserver?.next(event);
      this.#retry.schedule(next.delay, () => {
        try {
          this.#connect();
        } catch (error) {
          this.#closing = true;
          this.observer.error(error as NativeEvent);
        }
      });
      settings.reconnectObserver?.next(next);
      return;
    }
    if (next !== undefined) {
      const why = `the last close had code ${close.code}; raise reconnect.attempts or check the server`;
      this.observer.error(new ReconnectError(redactUrl(context.url), next, why, { cause: event }));
    }
    this.observer.close(event);
  }
}
