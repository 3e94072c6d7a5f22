import { Subscription, type Observable } from 'rxjs';
import type { WebSocketData } from './codec.js';
import { isPromiseLike, resolveTarget, shownUrl, type ResolvedConfig, type Target } from './config.js';
import { Connection, type ConnectionObserver } from './connection.js';
import { ConnectionError, ReconnectError, SocketClosedError, describeError, type ClosedBy } from './errors.js';
import type { SocketCloseEvent, SocketOpenEvent } from './events.js';
import { startHeartbeat } from './heartbeat.js';
import { Lifecycle, RefCount } from './lifecycle.js';
import { handshakeStatus, nativeErrorDetail, type NativeEvent } from './native-socket.js';
import { Receiver } from './receiver.js';
import { Retry } from './retry.js';
import { Sender } from './sender.js';
import { Streams } from './streams.js';
import { redactUrl } from './url.js';

type AttemptConfig<In, Out> = Pick<
  ResolvedConfig<In, Out>,
  'href' | 'urlProvider' | 'protocols' | 'protocolsProvider' | 'WebSocketCtor' | 'binaryType' | 'connectTimeout' | 'heartbeat' | 'reconnect'
>;

const OPEN_EVENT: SocketOpenEvent = Object.freeze({ type: 'open' });
const ABNORMAL_CLOSURE: SocketCloseEvent = Object.freeze({ type: 'close', code: 1006, reason: '', wasClean: false });

/**
 * The life of one socket across its connections: the attempts, what each connection's events do
 * to the lifecycle (open, fail, close), reconnecting, the lazy idle close and the end.
 * `ReactiveWebSocket` is the public API over it.
 *
 * It is the observer of every connection it makes: messages, the hot path, go straight to the
 * receiver it extends; `open`, `error` and `close` drive the lifecycle. One object per socket,
 * with no closure per connection.
 */
export class Session<In, Out> extends Receiver<In, Out> implements ConnectionObserver {
  /** The one state machine (`state$`). */
  readonly lifecycle: Lifecycle;
  /** The outgoing path. */
  readonly sender: Sender<In, Out>;
  /** Subscribers of a lazy socket, or `undefined` for one that connects at once. */
  readonly refs: RefCount | undefined;
  /** The URL as last resolved, credentials redacted. */
  url: string;
  /** The connection now being attempted or open. */
  connection: Connection | undefined;
  // What later attempts need of the config; the rest went to the sender and the receiver.
  readonly #config: AttemptConfig<In, Out>;
  // Made when a connection first ends: most sockets never reconnect.
  #retry: Retry | undefined;
  // The number of the current attempt, so that a URL provider answering late for an abandoned attempt is ignored.
  #attemptSeq = 0;
  #idleClosing = false;
  // Why the connection or attempt now ending failed, for shouldReconnect; taken by #ended.
  #failure: ConnectionError | undefined;

  constructor(config: ResolvedConfig<In, Out>) {
    const streams = new Streams<In, Out>();
    const url = shownUrl(config);
    const sender = new Sender(config.serializer, config.buffer, config.delivery, url, streams);
    super(streams, config.deserializer, sender.delivery, config.heartbeat?.isPong);
    this.sender = sender;
    this.url = url;
    const { href, urlProvider, protocols, protocolsProvider, WebSocketCtor, binaryType, connectTimeout, heartbeat, reconnect } = config;
    this.#config = { href, urlProvider, protocols, protocolsProvider, WebSocketCtor, binaryType, connectTimeout, heartbeat, reconnect };
    this.lifecycle = new Lifecycle(config.lazy ? 'closed' : 'connecting');
    this.refs = config.lazy ? new RefCount((active) => (active ? this.#acquired() : this.#idle())) : undefined;
    if (this.refs === undefined) this.#connect();
  }

  /** `source`, counting its subscribers when the socket is lazy. */
  counted<T>(source: Observable<T>): Observable<T> {
    return this.refs?.counted(source) ?? source;
  }

  /** Sends or queues a message; throws as `ReactiveWebSocket.send` documents. */
  send(value: Out): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.ending) throw this.#closedError();
    this.sender.send(value);
  }

  /** Resolves when the socket is writable; as `ReactiveWebSocket.whenWritable` documents. */
  whenWritable(): Promise<void> {
    if (this.sender.writable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const subscription = new Subscription();
      const settle = (): void => {
        const lifecycle = this.lifecycle;
        if (lifecycle.ending) reject(this.#closedError());
        else if (this.sender.writable) resolve();
        else return;
        subscription.unsubscribe();
      };
      subscription.add(this.streams.extra('writable').observable.subscribe(settle));
      // The state replays at once (a socket already closing rejects) and tells of close() while waiting.
      subscription.add(this.lifecycle.state$.subscribe({ next: settle, complete: settle }));
    });
  }

  /** Closes for good; as `ReactiveWebSocket.close` documents. @returns the messages left waiting, which no socket will get. */
  requestClose(code?: number, reason?: string): Out[] {
    const lifecycle = this.lifecycle;
    if (lifecycle.ending) return [];
    const unsent = this.sender.outbox.waiting();
    const request = (lifecycle.closeRequest = { code: code ?? 1000, reason: reason ?? '' });
    this.#cancelAttempts();
    const connection = this.connection;
    if (connection === undefined) this.#finish({ by: 'client', ...request });
    else this.#beginClosing(connection, request.code, request.reason);
    return unsent;
  }

  /** What `send` throws once the socket takes no more messages. */
  #closedError(): SocketClosedError {
    const { closedFor, closeRequest } = this.lifecycle;
    return new SocketClosedError(this.url, closedFor ?? { by: 'client', ...closeRequest });
  }

  // ---- attempts ---------------------------------------------------------------------------

  #connect(): void {
    const seq = ++this.#attemptSeq;
    const current = (): boolean => seq === this.#attemptSeq && this.#wantsConnection();
    if (this.lifecycle.state !== 'reconnecting') this.lifecycle.to('connecting');
    const target = resolveTarget(this.#config);
    if (!isPromiseLike(target)) return this.#open(target, current);
    target.then(
      (resolved) => current() && this.#open(resolved, current),
      (error: unknown) => current() && this.#attemptFailed(error),
    );
  }

  #wantsConnection(): boolean {
    return this.connection === undefined && !this.lifecycle.ending && (this.refs === undefined || this.refs.count > 0);
  }

  #open(target: Target, current: () => boolean): void {
    const { WebSocketCtor, binaryType, connectTimeout } = this.#config;
    this.url = redactUrl(target.href);
    const protocols = target.protocols.length > 0 ? [...target.protocols] : undefined;
    try {
      this.connection = new Connection({ WebSocketCtor, url: target.href, protocols, binaryType, connectTimeout }, this);
    } catch (error) {
      queueMicrotask(() => current() && this.#attemptFailed(error)); // on a later turn: at construction nobody listens to error$ yet
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
    this.#reportError(
      (this.#failure = new ConnectionError(this.url, `could not start the connection: ${describeError(error)}`, { cause: error })),
    );
    this.#ended(ABNORMAL_CLOSURE, undefined);
  }

  // ---- a connection's events --------------------------------------------------------------

  /** @internal A connection opened. */
  open(connection: Connection): void {
    if (!this.lifecycle.to('open')) return;
    const heartbeat = this.#config.heartbeat;
    const encode = (value: Out): WebSocketData => this.sender.encode(value);
    const dead = (detail: string): void => this.#connectionFailed(detail);
    if (heartbeat !== undefined) this.heartbeat = startHeartbeat(heartbeat, connection, encode, dead);
    this.sender.open(connection.socket);
    this.streams.emit(OPEN_EVENT);
  }

  /** @internal The connection failed; its close follows at once. */
  error(event: NativeEvent): void {
    this.#connectionFailed(nativeErrorDetail(event), event.error);
  }

  /** The connection is failing and its close follows at once: nothing more is handed to it, even from an error$ subscriber. */
  #connectionFailed(detail: string | undefined, cause?: unknown): void {
    this.#stopSending();
    this.#reportError((this.#failure = new ConnectionError(this.url, detail, { cause, status: handshakeStatus(detail) })));
  }

  /** @internal A connection ended. */
  close(native: NativeEvent): void {
    const openedAt = this.connection?.openedAt;
    this.connection = undefined;
    this.#stopSending();
    this.#ended({ type: 'close', code: native.code ?? 1005, reason: native.reason ?? '', wasClean: native.wasClean ?? false }, openedAt);
  }

  /**
   * A connection (or an attempt) ended: decides what follows (the end, an idle wait, or a
   * reconnect) before emitting `close`, so that a `close$` subscriber's `send` is refused when
   * the end is final and queued when a reconnect follows.
   */
  #ended(close: SocketCloseEvent, openedAt: number | undefined): void {
    const lifecycle = this.lifecycle;
    const request = lifecycle.closeRequest;
    const failure = this.#failure;
    this.#failure = undefined;
    if (request === undefined && this.#idleClosing) {
      this.#idleClosing = false;
      this.streams.emit(close);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      if (this.refs!.count > 0) this.#connect();
      else lifecycle.to('closed');
      return;
    }
    const next = request === undefined ? (this.#retry ??= new Retry(this.#config.reconnect)).next(close, openedAt, failure) : undefined;
    if (typeof next === 'object') {
      this.streams.emit(close);
      if (lifecycle.ending) return; // a close$ subscriber called close()
      lifecycle.to('reconnecting');
      this.streams.nextExtra('reconnect', next);
      if (!lifecycle.ending) this.#retry!.schedule(next.delay, () => this.#connect()); // unless a reconnect$ subscriber called close()
      return;
    }
    // Retry.next gave no attempt: reconnect is off, shouldReconnect declined, or (a number) the attempts ran out.
    const reconnect = this.#config.reconnect === undefined ? 'off' : next === undefined ? 'declined' : 'exhausted';
    const closedBy: ClosedBy =
      request === undefined
        ? { by: close.wasClean ? 'server' : 'network', code: close.code, reason: close.reason, reconnect }
        : { by: 'client', ...request };
    lifecycle.closing(closedBy);
    this.streams.emit(close);
    const why = `the last close had code ${close.code}; raise reconnect.attempts or check the server`;
    if (next !== undefined) this.#reportError(new ReconnectError(this.url, next, why, { cause: failure }));
    this.#finish(closedBy);
  }

  // ---- closing ----------------------------------------------------------------------------

  #beginClosing(connection: Connection, code: number, reason: string): void {
    this.lifecycle.to('closing');
    this.#stopSending();
    connection.close(code, reason);
  }

  #stopSending(): void {
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.sender.close();
  }

  #finish(closedBy: ClosedBy): void {
    this.#cancelAttempts();
    const unsent = this.sender.outbox.takeAll().map((entry) => entry.value);
    if (unsent.length > 0) this.#reportError(new SocketClosedError(this.url, closedBy, unsent));
    this.lifecycle.finish(closedBy);
    this.streams.complete();
  }

  #cancelAttempts(): void {
    this.#retry?.cancel();
    this.#attemptSeq++;
  }

  #reportError(error: Error): void {
    this.streams.emit({ type: 'error', error });
  }

  // ---- lazy: subscribers open and close the connection ------------------------------------

  #acquired(): void {
    if (this.#wantsConnection() && this.#retry?.waiting !== true && !this.#idleClosing) this.#connect();
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
