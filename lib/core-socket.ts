import { Observable, type Observer, type Subscriber, type TeardownLogic } from 'rxjs';
import { CLOSE_CODE_OBSERVER_ERROR, validateClose } from './close-code.js';
import { resolveConfig, type FeatureKeys, type ReactiveWebSocketOptions } from './config.js';
import { assertEventType } from './events.js';
import type {
  SocketCloseEvent,
  SocketErrorEvent,
  SocketEvent,
  SocketEventOf,
  SocketEventType,
  SocketMessageEvent,
  SocketOpenEvent,
} from './events.js';
import type { SocketState } from './lifecycle.js';
import type { ReconnectEvent } from './reconnect.js';
import { INSPECT, inspectSummary } from './inspect.js';
import { request, type RequestOptions } from './request.js';
import { Session } from './session.js';

/**
 * A WebSocket as RxJS streams. It is an `Observable<In>` of decoded messages and an
 * `Observer<Out>` that sends, so `socket.pipe(…)`, `from(socket)` and `source$.subscribe(socket)` work.
 *
 * Every event enters at one point and is `events$`; `open$`, `message$`, `error$` and `close$` are
 * its events of one type (routed by type, so a subscriber sees only its type), and `messages$` its
 * message events decoded once for all subscribers. Subscriptions survive reconnects. Nothing is
 * dropped silently: sends while not open are queued and flushed in order on open; a full queue,
 * a send after close and an unencodable value throw at the call; faults of the network or the
 * server are events on `error$`.
 *
 * This is the socket of `reactive-websocket/core`: it runs only the features named in `use`
 * (`reconnect()`, `buffer()`, `heartbeat()`, `delivery()`), so a bundle carries no other. The
 * `ReactiveWebSocket` of `reactive-websocket` is the same socket that also takes them as config
 * keys, with reconnect and a bounded outbox on by default.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws'; // Node before 22 only: browsers and Node 22 have a WebSocket
 * import { ReactiveWebSocket, jsonDeserializer, jsonSerializer, reconnect } from 'reactive-websocket/core';
 *
 * interface Request {
 *   readonly op: string;
 * }
 * interface Reply {
 *   readonly result: string;
 * }
 *
 * const socket = new ReactiveWebSocket<Reply, Request>({
 *   url: 'ws://127.0.0.1:8080',
 *   WebSocketCtor: WebSocket,
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 *   use: [reconnect()],
 * });
 * socket.messages$.subscribe((reply) => console.log(reply.result));
 * socket.send({ op: 'hello' }); // queued until open
 * ```
 */
export class ReactiveWebSocket<In = unknown, Out = unknown> extends Observable<In> implements Observer<Out> {
  readonly #session: Session<In, Out>;

  /**
   * @param urlOrConfig - a URL, or the {@link ReactiveWebSocketOptions}.
   * @throws SyntaxError for a URL or subprotocol a browser would reject.
   * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` was given.
   * @throws TypeError or RangeError for an unknown option or a setting of the wrong type or range.
   */
  constructor(urlOrConfig: string | URL | ReactiveWebSocketOptions<In, Out>) {
    super(subscribeToMessages);
    this.#session = new Session(resolveConfig(urlOrConfig, this.featureKeys()));
  }

  /** Every event, in order: `open`, `message` (raw), `error`, `close`, across reconnects. Completes when the socket is closed for good. */
  get events$(): Observable<SocketEvent> {
    return this.#session.streams.view('events$', () => this.#session.counted(this.#session.streams.events.observable));
  }

  /** Emits each time a connection opens. */
  get open$(): Observable<SocketOpenEvent> {
    return this.on('open');
  }

  /** The raw message events, before decoding. */
  get message$(): Observable<SocketMessageEvent> {
    return this.on('message');
  }

  /** Connection failures, messages that could not be decoded, queued messages lost at close. Never errors as a stream. */
  get error$(): Observable<SocketErrorEvent> {
    return this.on('error');
  }

  /** Emits each time a connection closes (or an attempt fails), with its code and reason. */
  get close$(): Observable<SocketCloseEvent> {
    return this.on('close');
  }

  /**
   * Incoming messages, decoded once by the `deserializer` however many subscribe. A message the
   * deserializer rejects is skipped and reported on `error$`. Completes when the socket is closed for good.
   */
  get messages$(): Observable<In> {
    return this.#session.streams.view('messages$', () => this.#session.counted(this.#session.streams.decoded.observable));
  }

  /** The connection state; each subscriber first gets the current state. Completes after `'closed'` when closed for good. */
  get state$(): Observable<SocketState> {
    return this.#session.lifecycle.state$;
  }

  /** Emits each time a reconnect attempt is scheduled, with its number and delay. */
  get reconnect$(): Observable<ReconnectEvent> {
    return this.#session.streams.extra('reconnect').observable;
  }

  /** Messages the outbox dropped under the `'drop-oldest'` or `'drop-newest'` overflow policy. */
  get dropped$(): Observable<Out> {
    return this.#session.streams.extra('dropped').observable;
  }

  /**
   * Emits each time the socket becomes writable again (see {@link ReactiveWebSocket.writable$}):
   * when a connection opens and the queued messages have been handed to it, and when its buffer,
   * having reached `buffer.highWaterMark`, has fallen below it with nothing left queued. It does not
   * replay: to wait without a race, use {@link ReactiveWebSocket.whenWritable} or `writable$`.
   */
  get drained$(): Observable<void> {
    return this.#session.streams.extra('drained').observable;
  }

  /**
   * Whether the socket is writable: open, nothing queued in the outbox, and its buffer below
   * `buffer.highWaterMark` after the last message handed to it, so a message sent now goes
   * straight to the network. Each new subscriber gets the current value first, then each change;
   * completes (after `false`) when the socket is closed for good. Without a high-water mark, it
   * is `true` exactly while a connection is open and its outbox is empty.
   *
   * @example
   * ```ts
   * import { concatMap, first, from, map } from 'rxjs';
   * import { ReactiveWebSocket, buffer } from 'reactive-websocket/core';
   *
   * const socket = new ReactiveWebSocket<string, Uint8Array>({
   *   url: 'ws://127.0.0.1:8080/upload',
   *   use: [buffer({ highWaterMark: 1_000_000 })],
   * });
   * const chunks$ = from([new Uint8Array(65_536), new Uint8Array(65_536)]);
   *
   * // Send each chunk once the socket can take it (at once while it can).
   * chunks$
   *   .pipe(concatMap((chunk) => socket.writable$.pipe(first((writable) => writable), map(() => chunk))))
   *   .subscribe((chunk) => socket.send(chunk));
   * ```
   */
  get writable$(): Observable<boolean> {
    return this.#session.streams.view(
      'writable$',
      () =>
        new Observable<boolean>((subscriber) => {
          const now = this.#session.sender.writable;
          subscriber.next(now);
          const teardown = this.#session.streams.extra('writable').add(subscriber);
          // The subscriber's own send, on seeing `now`, may have changed it before it was added.
          if (this.#session.sender.writable !== now) subscriber.next(!now);
          return teardown;
        }),
    );
  }

  /** The socket's URL as last resolved (`ws:`/`wss:`), with any user name and password replaced by `***`. */
  get url(): string {
    return this.#session.url;
  }

  /** The current connection state, as `state$` last emitted it. */
  get state(): SocketState {
    return this.#session.lifecycle.state;
  }

  /** The subprotocol the server chose, or `''` when none was or the socket is not connected. */
  get protocol(): string {
    return this.#session.connection?.socket.protocol ?? '';
  }

  /** Messages waiting in the outbox to be handed to a socket. */
  get queued(): number {
    return this.#session.sender.queued;
  }

  /** Messages not yet known to be delivered: with `delivery`, every one not acknowledged; otherwise the queued ones. */
  get pending(): number {
    return this.#session.sender.pending;
  }

  /** Whether the socket is writable now, as `writable$` last emitted. */
  get writable(): boolean {
    return this.#session.sender.writable;
  }

  /** Bytes the current connection has accepted but not yet written to the network (0 when not connected). */
  get bufferedAmount(): number {
    return this.#session.connection?.socket.bufferedAmount ?? 0;
  }

  /**
   * The events of one type, typed to match: `on('close')` is an `Observable<SocketCloseEvent>`.
   * @throws TypeError for a name that is not `'open'`, `'message'`, `'error'` or `'close'`.
   */
  on<T extends SocketEventType>(type: T): Observable<SocketEventOf<T>> {
    assertEventType(type);
    return this.#session.streams.view(type, () => this.#session.counted(this.#session.streams.typed(type).observable));
  }

  /**
   * Sends a message: encoded by the `serializer`, then handed to the socket at once if it is
   * open and below its high-water mark, or queued and sent in order when it can be. Binary data
   * is taken as it is at the call, as `WebSocket.send` takes it: writing to the buffer afterwards
   * does not change a queued message.
   *
   * @throws TypeError when the serializer throws or produces something a socket cannot send, or
   *   (with `delivery`) the message has no id or one already pending; nothing is queued then.
   * @throws BufferOverflowError when the outbox is full and `buffer.overflow` is `'error'`.
   * @throws SocketClosedError after `close()`, or once the socket has closed for good.
   */
  send(value: Out): void {
    this.#session.send(value);
  }

  /**
   * Resolves when the socket is writable (see {@link ReactiveWebSocket.writable$}): at once if it
   * is, else when a connection opens and takes what is queued, or its buffer drains below
   * `buffer.highWaterMark`. It checks and waits on the same fact, so there is no race with an
   * `open` or a drain that happens first. On a lazy socket, it waits for a subscriber to connect it.
   *
   * @returns a promise that rejects with a `SocketClosedError` once `close()` was called or the
   *   socket closed for good, as `send` would throw then.
   *
   * @example
   * ```ts
   * import { ReactiveWebSocket, buffer } from 'reactive-websocket/core';
   *
   * const socket = new ReactiveWebSocket<string, Uint8Array>({
   *   url: 'ws://127.0.0.1:8080/upload',
   *   use: [buffer({ highWaterMark: 1_000_000 })],
   * });
   * const chunks = [new Uint8Array(65_536), new Uint8Array(65_536)];
   *
   * // A producer that keeps memory bounded: wait before each send while the socket is full.
   * for (const chunk of chunks) {
   *   if (!socket.writable) await socket.whenWritable();
   *   socket.send(chunk);
   * }
   * ```
   */
  whenWritable(): Promise<void> {
    return this.#session.whenWritable();
  }

  /**
   * Sends `message` when subscribed and emits the first incoming message `options.match` accepts,
   * then completes: request/response over the socket (see {@link request}). Fails with a
   * `RequestTimeoutError` after `options.timeout`; unsubscribing before the reply cancels the wait.
   */
  request(message: Out, options: RequestOptions<In>): Observable<In> {
    return request(this, message, options);
  }

  /**
   * Closes the connection for good and stops reconnecting, also while waiting between attempts;
   * calling it again does nothing. Streams complete once the socket has closed, after the `close`
   * event.
   *
   * Nothing sent is lost without a word: the messages still waiting in the outbox are returned,
   * as no socket will get them, and once the close completes `error$` gets a `SocketClosedError`
   * listing every message held (those returned, and with `delivery` those sent but never
   * acknowledged). The return value is the only report a lazy socket nobody observes can give.
   *
   * @param code - 1000 (default) or 3000-4999, the codes browsers let a client send.
   * @param reason - at most 123 bytes of UTF-8.
   * @returns the messages that were waiting to be sent, oldest first; empty when none were, or when already closed.
   * @throws RangeError or TypeError for a code or reason out of range, before touching the socket.
   */
  close(code?: number, reason?: string): Out[] {
    validateClose(code, reason);
    return this.#session.requestClose(code, reason);
  }

  /** @internal The config keys that name features, where this socket takes them: none here. */
  protected featureKeys(): FeatureKeys | undefined {
    return undefined;
  }

  /**
   * @internal How `console.log` and `util.inspect` show the socket in Node: its URL with any user name and
   * password replaced by `***`, its state and the messages queued; never the runtime socket.
   */
  [INSPECT](_depth: number, options?: object, inspect?: (value: unknown, options?: object) => string): string {
    return inspectSummary(this.constructor.name, { url: this.url, state: this.state, queued: this.queued }, options, inspect);
  }

  /** Sends a value; the `Observer` side of the socket, so `source$.subscribe(socket)` sends what `source$` emits. */
  next(value: Out): void {
    this.send(value);
  }

  /** Closes the socket with code 1000, as an `Observer` would when its source completes. */
  complete(): void {
    this.close();
  }

  /** Closes the socket with code 4000, as an `Observer` would when its source errors. */
  error(_error: unknown): void {
    this.close(CLOSE_CODE_OBSERVER_ERROR, 'source errored');
  }
}

/**
 * Subscribing to the socket itself is subscribing to `messages$`. RxJS calls the subscribe
 * function as a method of the observable, so this one function serves every socket.
 */
function subscribeToMessages<In>(this: Observable<In>, subscriber: Subscriber<In>): TeardownLogic {
  return (this as ReactiveWebSocket<In, unknown>).messages$.subscribe(subscriber);
}
