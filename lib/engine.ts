import { isPromiseLike } from './config.js';
import type { WebSocketData } from './codec.js';
import { Connection, type ConnectionObserver, type ConnectionOptions } from './connection.js';
import { ConnectionError, describeError, type ClosedBy, type ReconnectError } from './errors.js';
import type { FeatureSlots, HeartbeatLike, ReconnectPolicy } from './feature.js';
import type { SocketCloseEvent } from './events.js';
import { Lifecycle, RefCount } from './lifecycle.js';
import { handshakeStatus, nativeErrorDetail, type NativeEvent } from './native-socket.js';
import type { ReconnectEvent } from './reconnect.js';
import { redactUrl } from './url.js';

/** Where one attempt connects: the URL and subprotocols exactly as the constructor gets them. */
export type AttemptTarget = Pick<ConnectionOptions, 'url' | 'protocols'>;

/**
 * What drives the attempts of one engine: the same for `ReactiveWebSocket` and the drop-in's
 * `resilient()`. A `ReactiveWebSocket`'s resolved config is one as it is, so no copy is kept.
 */
export interface EngineConfig<In, Out> {
  readonly WebSocketCtor: ConnectionOptions['WebSocketCtor'];
  readonly binaryType: string | undefined;
  readonly connectTimeout: number;
  /** The features the engine runs: the reconnect policy and the heartbeat, each where given. */
  readonly features: FeatureSlots<In, Out>;
  /** Connect on the first counted subscriber and close after the last; else at `start()`. */
  readonly lazy: boolean;
}

const ABNORMAL_CLOSURE: SocketCloseEvent = Object.freeze({ type: 'close', code: 1006, reason: '', wasClean: false });

/**
 * The one engine of a socket's life across its connections: the attempts, what each connection's
 * events do to the lifecycle (open, fail, close), the reconnect policy and its wait, the
 * heartbeat of each open connection, the lazy idle close and the end.
 *
 * It knows nothing of outboxes, decoding or subscribers: a subclass says what each step means to
 * its users, through the protected hooks. `Session` publishes them on `ReactiveWebSocket`'s
 * streams; the drop-in's `resilient()` tells a `WebSocketSubject`'s subscribers. It is the
 * observer of every connection it makes, so there is no closure per connection.
 */
export abstract class Engine<In, Out, Config extends EngineConfig<In, Out> = EngineConfig<In, Out>> implements ConnectionObserver {
  /** The one state machine (`state$`). */
  readonly lifecycle: Lifecycle;
  /** Subscribers of a lazy socket, or `undefined` for one that connects at `start()`. */
  readonly refs: RefCount | undefined;
  /** The URL as last resolved, credentials redacted. */
  url: string;
  /** The connection now being attempted or open. */
  connection: Connection | undefined;
  /** What drives the attempts; a subclass reads the rest of its own config here too. */
  protected readonly config: Config;
  // Made when a connection first ends: most sockets never reconnect.
  #reconnect: ReconnectPolicy | undefined;
  #heartbeat: HeartbeatLike | undefined;
  // The number of the current attempt, so that a target answering late for an abandoned attempt is ignored.
  #attemptSeq = 0;
  #idleClosing = false;
  // Why the connection or attempt now ending failed, for shouldReconnect; taken by #ended.
  #failure: ConnectionError | undefined;

  /**
   * @param config - what drives the attempts.
   * @param url - the URL to name in errors before an attempt resolves one, credentials redacted.
   */
  constructor(config: Config, url: string) {
    this.config = config;
    this.url = url;
    this.lifecycle = new Lifecycle(config.lazy ? 'closed' : 'connecting');
    this.refs = config.lazy ? new RefCount((active) => (active ? this.#acquired() : this.#idle())) : undefined;
  }

  /** Makes the first attempt, unless the engine is lazy (then the first counted subscriber does). */
  start(): void {
    if (this.refs === undefined) this.#connect();
  }

  /** Closes for good: the connection's closing handshake, or at once when there is none. Calling it again does nothing. */
  requestClose(code?: number, reason?: string): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.ending) return;
    const request = (lifecycle.closeRequest = { code: code ?? 1000, reason: reason ?? '' });
    this.#cancelAttempts();
    const connection = this.connection;
    if (connection === undefined) this.#finish({ by: 'client', ...request }, undefined);
    else this.#beginClosing(connection, request.code, request.reason);
  }

  // ---- what a subclass makes of each step --------------------------------------------------

  /** The URL and subprotocols for the next attempt; a throw or a rejection fails the attempt. */
  protected abstract target(): AttemptTarget | PromiseLike<AttemptTarget>;
  /** Encodes the heartbeat's ping. @throws for a value the serializer cannot encode (reported, never thrown out of a timer). */
  protected abstract encode(value: Out): WebSocketData;

  /** A connection opened and its heartbeat runs: hand the socket to the outgoing path and tell of it. */
  protected abstract opened(connection: Connection): void;
  /** A message arrived on the open connection: the hot path. */
  protected abstract received(event: NativeEvent): void;
  /** The connection is failing or closing: hand it nothing more. */
  protected abstract stopSending(connection: Connection): void;
  /** A failure to report: a connection's `ConnectionError` (with the runtime's event, where it gave one), or an attempt that could not start. */
  protected abstract failed(error: Error, event?: NativeEvent): void;
  /** A connection or an attempt ended (`event`: the runtime's own close event, where there was one); `final` when no reconnect follows. */
  protected abstract closed(close: SocketCloseEvent, event: NativeEvent | undefined, final: boolean): void;
  /** A reconnect attempt is scheduled. */
  protected abstract reconnecting(next: ReconnectEvent): void;
  /** Closing for good, after giving up on reconnecting when `gaveUp` is given: report what must be reported while the state is not yet `closed`. */
  protected abstract finishing(closedBy: ClosedBy, gaveUp: ReconnectError | undefined): void;
  /** Closed for good: the state is `closed` and has completed. */
  protected abstract finished(): void;

  /**
   * The WebSocket constructor threw. By default this is reported on a later turn (at
   * construction nobody listens yet) as an attempt that failed, if the attempt is still wanted.
   */
  protected constructorThrew(error: unknown, current: () => boolean): void {
    queueMicrotask(() => current() && this.#attemptFailed(error));
  }

  /**
   * An attempt failed before there was a socket: the target or the constructor threw. A malformed
   * URL (SyntaxError) ends the socket, since retrying will not mend it; anything else counts as
   * a failed attempt, which the reconnect policy may retry.
   */
  #attemptFailed(error: unknown): void {
    if (error instanceof SyntaxError) {
      this.failed(error);
      this.#finish({ by: 'client', reason: 'invalid URL' }, undefined);
      return;
    }
    this.failed(
      (this.#failure = new ConnectionError(this.url, `could not start the connection: ${describeError(error)}`, { cause: error })),
    );
    this.#ended(ABNORMAL_CLOSURE, undefined, undefined);
  }

  // ---- attempts ---------------------------------------------------------------------------

  #connect(): void {
    const seq = ++this.#attemptSeq;
    const current = (): boolean => seq === this.#attemptSeq && this.#wantsConnection();
    if (this.lifecycle.state !== 'reconnecting') this.lifecycle.to('connecting');
    let target: AttemptTarget | PromiseLike<AttemptTarget>;
    try {
      target = this.target();
    } catch (error) {
      target = Promise.reject(error instanceof Error ? error : new Error(String(error), { cause: error }));
    }
    if (!isPromiseLike(target)) return this.#open(target, current);
    target.then(
      (resolved) => current() && this.#open(resolved, current),
      (error: unknown) => current() && this.#attemptFailed(error),
    );
  }

  #wantsConnection(): boolean {
    return this.connection === undefined && !this.lifecycle.ending && (this.refs === undefined || this.refs.count > 0);
  }

  #open(target: AttemptTarget, current: () => boolean): void {
    this.url = redactUrl(String(target.url));
    try {
      // The config has the rest of the options; the connection reads them once and keeps none.
      this.connection = new Connection({ ...this.config, url: target.url, protocols: target.protocols }, this);
    } catch (error) {
      this.constructorThrew(error, current);
    }
  }

  // ---- a connection's events --------------------------------------------------------------

  /** @internal A connection opened. */
  open(connection: Connection): void {
    if (!this.lifecycle.to('open')) return;
    this.#heartbeat = this.config.features.heartbeat?.(
      connection,
      (value) => this.encode(value),
      (detail) => this.#connectionFailed(detail),
    );
    this.opened(connection);
  }

  /** @internal A message arrived. */
  message(event: NativeEvent): void {
    this.#heartbeat?.received();
    this.received(event);
  }

  /** @internal The connection failed; its close follows at once. */
  error(event: NativeEvent): void {
    this.#connectionFailed(nativeErrorDetail(event), event);
  }

  /** The connection is failing and its close follows at once: nothing more is handed to it, even from a subscriber told of the error. */
  #connectionFailed(detail: string | undefined, event?: NativeEvent): void {
    this.#stopSending();
    this.failed((this.#failure = new ConnectionError(this.url, detail, { cause: event?.error, status: handshakeStatus(detail) })), event);
  }

  /** @internal A connection ended. */
  close(event: NativeEvent): void {
    const openedAt = this.connection?.openedAt;
    this.#stopSending();
    this.connection = undefined;
    this.#ended(
      { type: 'close', code: event.code ?? 1005, reason: event.reason ?? '', wasClean: event.wasClean ?? false },
      event,
      openedAt,
    );
  }

  /**
   * A connection (or an attempt) ended: decides what follows (the end, an idle wait, or a
   * reconnect) before telling of the close, so that a `close$` subscriber's `send` is refused when
   * the end is final and queued when a reconnect follows.
   */
  #ended(close: SocketCloseEvent, event: NativeEvent | undefined, openedAt: number | undefined): void {
    const lifecycle = this.lifecycle;
    const request = lifecycle.closeRequest;
    const failure = this.#failure;
    this.#failure = undefined;
    if (request === undefined && this.#idleClosing) {
      this.#idleClosing = false;
      this.closed(close, event, false);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      if (this.refs!.count > 0) this.#connect();
      else lifecycle.to('closed');
      return;
    }
    const makePolicy = this.config.features.reconnect;
    const policy = request === undefined && makePolicy !== undefined ? (this.#reconnect ??= makePolicy()) : undefined;
    const next = policy?.next(close, openedAt, failure);
    if (next !== undefined) {
      this.closed(close, event, false);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      lifecycle.to('reconnecting');
      this.reconnecting(next);
      if (!lifecycle.ending) policy!.schedule(next.delay, () => this.#connect()); // unless a reconnect$ subscriber called close()
      return;
    }
    // No attempt follows: reconnect is off, shouldReconnect declined, or the attempts ran out.
    const gaveUp = policy?.gaveUp(this.url, close, failure ?? event);
    const closedBy: ClosedBy =
      request === undefined
        ? {
            by: close.wasClean ? 'server' : 'network',
            code: close.code,
            reason: close.reason,
            reconnect: policy === undefined ? 'off' : gaveUp === undefined ? 'declined' : 'exhausted',
          }
        : { by: 'client', ...request };
    lifecycle.closing(closedBy);
    this.closed(close, event, true);
    this.#finish(closedBy, gaveUp);
  }

  // ---- closing ----------------------------------------------------------------------------

  #beginClosing(connection: Connection, code: number, reason: string): void {
    this.lifecycle.to('closing');
    this.#stopSending();
    connection.close(code, reason);
  }

  #stopSending(): void {
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    if (this.connection !== undefined) this.stopSending(this.connection);
  }

  #finish(closedBy: ClosedBy, gaveUp: ReconnectError | undefined): void {
    this.#cancelAttempts();
    this.lifecycle.closing(closedBy);
    this.finishing(closedBy, gaveUp);
    this.lifecycle.finish(closedBy);
    this.finished();
  }

  #cancelAttempts(): void {
    this.#reconnect?.cancel();
    this.#attemptSeq++;
  }

  // ---- lazy: subscribers open and close the connection ------------------------------------

  #acquired(): void {
    if (this.#wantsConnection() && this.#reconnect?.waiting !== true && !this.#idleClosing) this.#connect();
  }

  #idle(): void {
    if (this.lifecycle.ending) return;
    const connection = this.connection;
    if (connection !== undefined) {
      this.#idleClosing = true;
      this.#beginClosing(connection, 1000, '');
      return;
    }
    // Between attempts, or waiting for the URL provider: stop trying until someone subscribes.
    this.#cancelAttempts();
    this.lifecycle.to('closed');
  }
}
