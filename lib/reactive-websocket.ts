import { Observable, type Observer } from 'rxjs';
import { CLOSE_CODE_OBSERVER_ERROR, validateClose } from './close-code.js';
import type { WebSocketData } from './codec.js';
import { isPromiseLike, resolveConfig, resolveTarget, shownUrl } from './config.js';
import type { ReactiveWebSocketConfig, ResolvedConfig, Target } from './config.js';
import { Connection, type ConnectionObserver } from './connection.js';
import { ConnectionError, ReconnectError, SocketClosedError, describeError, type ClosedBy } from './errors.js';
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
import { startHeartbeat } from './heartbeat.js';
import { INSPECT, inspectSummary } from './inspect.js';
import { Receiver } from './receiver.js';
import { Lifecycle, RefCount, type SocketState } from './lifecycle.js';
import { nativeErrorDetail, type NativeEvent } from './native-socket.js';
import { Retry, type ReconnectEvent } from './retry.js';
import { Sender } from './sender.js';
import { Streams } from './streams.js';
import { redactUrl } from './url.js';

const OPEN_EVENT: SocketOpenEvent = Object.freeze({ type: 'open' });
const ABNORMAL_CLOSURE: SocketCloseEvent = Object.freeze({ type: 'close', code: 1006, reason: '', wasClean: false });
/**
 * A WebSocket as RxJS streams. It is an `Observable<In>` of decoded messages and an
 * `Observer<Out>` that sends, so `socket.pipe(…)`, `from(socket)` and `source$.subscribe(socket)` work.
 *
 * Every event enters at one point and is `events$`; `open$`, `message$`, `error$` and `close$` are
 * its events of one type (routed by type, so a subscriber sees only its type), and `messages$` its
 * message events decoded once for all subscribers. It reconnects by default, and subscriptions
 * survive reconnects. Nothing is dropped silently: sends while not open are queued
 * (bounded) and flushed in order on open; a full queue, a send after close and an unencodable
 * value throw at the call; faults of the network or the server are events on `error$`.
 *
 * It composes one piece per concept: {@link Connection} (one attempt), the lifecycle (the state
 * machine behind `state$`), the sender (outbox and backpressure), delivery, the heartbeat and the
 * reconnect policy.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 *
 * @example
 * import { WebSocket } from 'ws'; // Node before 22 only
 * const socket = new ReactiveWebSocket<Reply, Request>({
 *   url: 'ws://127.0.0.1:8080',
 *   WebSocketCtor: WebSocket,
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 * });
 * socket.messages$.subscribe((reply) => console.log(reply));
 * socket.send({ op: 'hello' }); // queued until open
 */
export class ReactiveWebSocket<In = unknown, Out = unknown> extends Observable<In> implements Observer<Out> {
  readonly #config: ResolvedConfig<In, Out>;
  readonly #streams = new Streams<In, Out>();
  readonly #lifecycle: Lifecycle;
  readonly #sender: Sender<In, Out>;
  readonly #retry: Retry;
  readonly #observer: ConnectionObserver;
  readonly #receiver: Receiver<In, Out>;
  #url: string;
  #connection: Connection | undefined;
  // The number of the current attempt, so that a URL provider answering late for an abandoned attempt is ignored.
  #attemptSeq = 0;
  readonly #refs: RefCount | undefined;
  #idleClosing = false;

  /**
   * @param urlOrConfig - a URL, or the full {@link ReactiveWebSocketConfig}.
   * @throws SyntaxError for a URL or subprotocol a browser would reject.
   * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` was given.
   * @throws TypeError or RangeError for an unknown option or a setting of the wrong type or range.
   */
  constructor(urlOrConfig: string | URL | ReactiveWebSocketConfig<In, Out>) {
    // `this` cannot be named before super() returns; subscribers arrive later, through the holder.
    const holder: { socket?: ReactiveWebSocket<In, Out> } = {};
    super((subscriber) => holder.socket!.messages$.subscribe(subscriber));
    holder.socket = this;
    const config = (this.#config = resolveConfig(urlOrConfig));
    this.#url = shownUrl(config);
    this.#lifecycle = new Lifecycle(config.lazy ? 'closed' : 'connecting');
    this.#retry = new Retry(config.reconnect);
    this.#sender = new Sender(config.serializer, config.buffer, config.delivery, this.#url, this.#streams);
    this.#receiver = new Receiver(this.#streams, config.deserializer, this.#sender.delivery, config.heartbeat?.isPong);
    this.#observer = {
      open: (connection) => this.#opened(connection),
      message: (event) => this.#receiver.received(event),
      error: (event) => this.#connectionFailed(nativeErrorDetail(event)),
      close: (event) => this.#closed(event),
    };
    const refs = config.lazy
      ? new RefCount(
          () => this.#acquired(),
          () => this.#idle(),
        )
      : undefined;
    this.#refs = refs;
    if (refs === undefined) this.#connect();
  }

  /** Every event, in order: `open`, `message` (raw), `error`, `close`, across reconnects. Completes when the socket is closed for good. */
  get events$(): Observable<SocketEvent> {
    return this.#streams.view('events$', () => this.#counted(this.#streams.events.observable));
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
    return this.#streams.view('messages$', () => this.#counted(this.#streams.decoded.observable));
  }

  /** The connection state; each subscriber first gets the current state. Completes after `'closed'` when closed for good. */
  get state$(): Observable<SocketState> {
    return this.#lifecycle.state$;
  }

  /** Emits each time a reconnect attempt is scheduled, with its number and delay. */
  get reconnect$(): Observable<ReconnectEvent> {
    return this.#streams.extra('reconnect').observable;
  }

  /** Messages the outbox dropped under the `'drop-oldest'` or `'drop-newest'` overflow policy. */
  get dropped$(): Observable<Out> {
    return this.#streams.extra('dropped').observable;
  }

  /** Emits when the socket, having been above `buffer.highWaterMark`, has taken everything waiting. */
  get drained$(): Observable<void> {
    return this.#streams.extra('drained').observable;
  }

  /** The socket's URL as last resolved (`ws:`/`wss:`), with any user name and password replaced by `***`. */
  get url(): string {
    return this.#url;
  }

  /** The current connection state, as `state$` last emitted it. */
  get state(): SocketState {
    return this.#lifecycle.state;
  }

  /** The subprotocol the server chose, or `''` when none was or the socket is not connected. */
  get protocol(): string {
    return this.#connection?.socket.protocol ?? '';
  }

  /** Messages waiting in the outbox to be handed to a socket. */
  get queued(): number {
    return this.#sender.outbox.queued;
  }

  /** Messages not yet known to be delivered: with `delivery`, every one not acknowledged; otherwise the queued ones. */
  get pending(): number {
    return this.#sender.outbox.size;
  }

  /** Bytes the current connection has accepted but not yet written to the network (0 when not connected). */
  get bufferedAmount(): number {
    return this.#connection?.socket.bufferedAmount ?? 0;
  }

  /**
   * The events of one type, typed to match: `on('close')` is an `Observable<SocketCloseEvent>`.
   * @throws TypeError for a name that is not `'open'`, `'message'`, `'error'` or `'close'`.
   */
  on<T extends SocketEventType>(type: T): Observable<SocketEventOf<T>> {
    assertEventType(type);
    return this.#streams.view(type, () => this.#counted(this.#streams.typed(type).observable));
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
    const lifecycle = this.#lifecycle;
    if (lifecycle.ending) throw new SocketClosedError(this.#url, lifecycle.closedFor ?? { by: 'client', ...lifecycle.closeRequest });
    this.#sender.send(value);
  }

  /**
   * Closes the connection for good and stops reconnecting, also while waiting between attempts;
   * calling it again does nothing. Streams complete once the socket has closed, after the `close`
   * event. Messages still held are reported on `error$` as a `SocketClosedError` listing them.
   *
   * @param code - 1000 (default) or 3000-4999, the codes browsers let a client send.
   * @param reason - at most 123 bytes of UTF-8.
   * @throws RangeError or TypeError for a code or reason out of range, before touching the socket.
   */
  close(code?: number, reason?: string): void {
    validateClose(code, reason);
    const lifecycle = this.#lifecycle;
    if (lifecycle.ending) return;
    const request = (lifecycle.closeRequest = { code: code ?? 1000, reason: reason ?? '' });
    this.#cancelAttempts();
    const connection = this.#connection;
    if (connection === undefined) this.#finish({ by: 'client', ...request });
    else this.#beginClosing(connection, request.code, request.reason);
  }

  /**
   * How `console.log` and `util.inspect` show the socket in Node: its URL with any user name and
   * password replaced by `***`, its state and the messages queued; never the runtime socket.
   */
  [INSPECT](_depth: number, options?: object, inspect?: (value: unknown, options?: object) => string): string {
    return inspectSummary(this.constructor.name, { url: this.#url, state: this.state, queued: this.queued }, options, inspect);
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

  // ---- attempts ---------------------------------------------------------------------------

  #connect(): void {
    const seq = ++this.#attemptSeq;
    const current = (): boolean => seq === this.#attemptSeq && this.#wantsConnection();
    if (this.#lifecycle.state !== 'reconnecting') this.#lifecycle.to('connecting');
    const target = resolveTarget(this.#config);
    if (!isPromiseLike(target)) return this.#open(target, current);
    target.then(
      (resolved) => current() && this.#open(resolved, current),
      (error: unknown) => current() && this.#attemptFailed(error),
    );
  }

  #wantsConnection(): boolean {
    return this.#connection === undefined && !this.#lifecycle.ending && (this.#refs === undefined || this.#refs.count > 0);
  }

  #open(target: Target, current: () => boolean): void {
    const { WebSocketCtor, binaryType, connectTimeout } = this.#config;
    this.#url = redactUrl(target.href);
    const protocols = target.protocols.length > 0 ? [...target.protocols] : undefined;
    try {
      this.#connection = new Connection({ WebSocketCtor, url: target.href, protocols, binaryType, connectTimeout }, this.#observer);
    } catch (error) {
      queueMicrotask(() => current() && this.#attemptFailed(error)); // a later turn, as above
    }
  }

  /** An attempt failed before there was a socket: the URL provider or the constructor threw. */
  #attemptFailed(error: unknown): void {
    if (error instanceof SyntaxError) {
      // A malformed URL will not get better by retrying.
      this.#reportError(error);
      this.#finish({ by: 'client', reason: 'invalid URL' });
      return;
    }
    this.#reportError(new ConnectionError(this.#url, `could not start the connection: ${describeError(error)}`, { cause: error }));
    this.#ended(ABNORMAL_CLOSURE, undefined);
  }

  // ---- a connection's events --------------------------------------------------------------

  #opened(connection: Connection): void {
    if (!this.#lifecycle.to('open')) return;
    const heartbeat = this.#config.heartbeat;
    const encode = (value: Out): WebSocketData => this.#sender.encode(value);
    const dead = (detail: string): void => this.#connectionFailed(detail);
    if (heartbeat !== undefined) this.#receiver.heartbeat = startHeartbeat(heartbeat, connection, encode, dead);
    this.#sender.open(connection.socket);
    this.#streams.emit(OPEN_EVENT);
  }

  /** The connection is failing and its close follows at once: nothing more is handed to it, even from an error$ subscriber. */
  #connectionFailed(detail: string | undefined): void {
    this.#stopSending();
    this.#reportError(new ConnectionError(this.#url, detail));
  }

  #closed(native: NativeEvent): void {
    const openedAt = this.#connection?.openedAt;
    this.#connection = undefined;
    this.#stopSending();
    this.#ended({ type: 'close', code: native.code ?? 1005, reason: native.reason ?? '', wasClean: native.wasClean ?? false }, openedAt);
  }

  /**
   * A connection (or an attempt) ended: decides what follows (the end, an idle wait, or a
   * reconnect) before emitting `close`, so that a `close$` subscriber's `send` is refused when
   * the end is final and queued when a reconnect follows.
   */
  #ended(close: SocketCloseEvent, openedAt: number | undefined): void {
    const lifecycle = this.#lifecycle;
    const request = lifecycle.closeRequest;
    if (request === undefined && this.#idleClosing) {
      this.#idleClosing = false;
      this.#streams.emit(close);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      if (this.#refs!.count > 0) this.#connect();
      else lifecycle.to('closed');
      return;
    }
    const next = request === undefined ? this.#retry.next(close, openedAt) : undefined;
    if (typeof next === 'object') {
      this.#streams.emit(close);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      lifecycle.to('reconnecting');
      this.#streams.nextExtra('reconnect', next);
      if (!lifecycle.ending) this.#retry.schedule(next.delay, () => this.#connect()); // unless a reconnect$ subscriber called close()
      return;
    }
    // Retry.next gave no attempt: reconnect is off, shouldReconnect declined, or (a number) the attempts ran out.
    const reconnect = this.#config.reconnect === undefined ? 'off' : next === undefined ? 'declined' : 'exhausted';
    const closedBy: ClosedBy =
      request === undefined
        ? { by: close.wasClean ? 'server' : 'network', code: close.code, reason: close.reason, reconnect }
        : { by: 'client', ...request };
    lifecycle.closing(closedBy);
    this.#streams.emit(close);
    const why = `the last close had code ${close.code}; raise reconnect.attempts or check the server`;
    if (next !== undefined) this.#reportError(new ReconnectError(this.#url, next, why));
    this.#finish(closedBy);
  }

  // ---- closing ----------------------------------------------------------------------------

  #beginClosing(connection: Connection, code: number, reason: string): void {
    this.#lifecycle.to('closing');
    this.#stopSending();
    connection.close(code, reason);
  }

  #stopSending(): void {
    this.#receiver.heartbeat?.stop();
    this.#receiver.heartbeat = undefined;
    this.#sender.close();
  }

  #finish(closedBy: ClosedBy): void {
    this.#cancelAttempts();
    const unsent = this.#sender.outbox.takeAll().map((entry) => entry.value);
    if (unsent.length > 0) this.#reportError(new SocketClosedError(this.#url, closedBy, unsent));
    this.#lifecycle.finish(closedBy);
    this.#streams.complete();
  }

  #cancelAttempts(): void {
    this.#retry.cancel();
    this.#attemptSeq++;
  }

  #reportError(error: Error): void {
    this.#streams.emit({ type: 'error', error });
  }

  // ---- lazy: subscribers open and close the connection ------------------------------------

  #counted<T>(source: Observable<T>): Observable<T> {
    return this.#refs?.counted(source) ?? source;
  }

  #acquired(): void {
    if (this.#wantsConnection() && !this.#retry.waiting && !this.#idleClosing) this.#connect();
  }

  #idle(): void {
    if (this.#lifecycle.ending) return;
    const connection = this.#connection;
    if (connection !== undefined) {
      this.#idleClosing = true;
      this.#beginClosing(connection, 1000, '');
      return;
    }
    // Between attempts, or waiting for the URL provider: stop trying until someone subscribes.
    this.#cancelAttempts();
    this.#lifecycle.to('closed');
  }
}
