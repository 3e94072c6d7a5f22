import { Observable, type Observer } from 'rxjs';
import { backoffDelay, check, resolveReconnectConfig, type ReconnectConfig, type ResolvedReconnectConfig } from './backoff.js';
import { CLOSE_CODE_HEARTBEAT_TIMEOUT, CLOSE_CODE_OBSERVER_ERROR, utf8ByteLength, validateClose } from './close-code.js';
import {
  dataDeserializer,
  describeType,
  identitySerializer,
  isWebSocketData,
  type Deserializer,
  type Serializer,
  type WebSocketData,
} from './codec.js';
import {
  ConnectionError,
  DeserializationError,
  NotImplementedError,
  ReconnectError,
  SocketClosedError,
  describeError,
  type ClosedBy,
} from './errors.js';
import {
  assertEventType,
  type SocketCloseEvent,
  type SocketErrorEvent,
  type SocketEvent,
  type SocketEventOf,
  type SocketEventType,
  type SocketMessageEvent,
  type SocketOpenEvent,
  type SocketState,
} from './events.js';
import { Fanout } from './fanout.js';
import { Heartbeat, validateHeartbeatConfig, type HeartbeatConfig } from './heartbeat.js';
import { Outbox, resolveBufferConfig, type BufferConfig, type OutboxEntry } from './outbox.js';
import { reportError } from './report.js';
import { normalizeProtocols, normalizeUrl, pageBaseUrl, redactUrl } from './url.js';

/**
 * The part of a WebSocket this library uses. The DOM's `WebSocket`, the `ws` package's and
 * test doubles such as mock-socket's all fit it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  binaryType: string;
  /** Blobs are also passed here; they are left out of the signature so that `ws`'s `send` fits it. */
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: SocketEventType, listener: (event: { readonly type: string }) => void): void;
  removeEventListener(type: SocketEventType, listener: (event: { readonly type: string }) => void): void;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** How binary messages are delivered: `'blob'` and `'arraybuffer'` everywhere; `'nodebuffer'` and `'fragments'` with `ws`. */
export type BinaryType = 'blob' | 'arraybuffer' | 'nodebuffer' | 'fragments';

/** Called before every connection attempt for the URL to use, so a token can be refreshed. */
export type UrlProvider = () => string | URL | PromiseLike<string | URL>;

/** Called before every connection attempt for the subprotocols to offer. */
export type ProtocolsProvider = () => string | readonly string[] | PromiseLike<string | readonly string[]>;

/**
 * At-least-once delivery: messages stay in the outbox until the server acknowledges them, are
 * sent again, in order, on every new connection, and again when not acknowledged in time.
 *
 * @typeParam In - incoming message type, for `ackOf`.
 * @typeParam Out - outgoing message type, for `id`.
 */
export interface DeliveryConfig<In = unknown, Out = unknown> {
  /** The id of an outgoing message; unique among unacknowledged messages. */
  readonly id: (message: Out) => unknown;
  /** The id an incoming message acknowledges, or `undefined` if it acknowledges none. */
  readonly ackOf: (message: In) => unknown;
  /** How long (ms) to wait for an acknowledgement on an open connection before sending again. Default 10,000. */
  readonly timeout?: number;
}

/** Emitted on `reconnect$` when a reconnect attempt is scheduled. */
export interface ReconnectEvent {
  /** 1 for the first attempt after a connection was lost, then 2, 3, … until one stays open. */
  readonly attempt: number;
  /** The wait before it, in ms. */
  readonly delay: number;
}

/**
 * Settings of a {@link ReactiveWebSocket}. The names follow RxJS's `webSocket` config where it has one.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface ReactiveWebSocketConfig<In = unknown, Out = unknown> {
  /**
   * `ws:` or `wss:` URL; `http:` and `https:` are mapped to them; in a browser a relative URL
   * resolves against the page. Or a function returning one (or a promise of one), called before
   * every attempt. A user name and password in it are never shown in errors or emitted values;
   * whether they are sent depends on the runtime (`ws` and browsers send Basic auth; undici does not).
   */
  readonly url: string | URL | UrlProvider;
  /** Subprotocols to offer the server, most preferred first; or a function returning them before every attempt. */
  readonly protocols?: string | readonly string[] | ProtocolsProvider;
  /** The WebSocket implementation. Default: `globalThis.WebSocket`. On Node before 22, pass `WebSocket` from `ws`. */
  readonly WebSocketCtor?: WebSocketConstructor;
  /** How binary messages arrive. Default: the runtime's (`'blob'` in browsers, `'nodebuffer'` with `ws`). */
  readonly binaryType?: BinaryType;
  /** Encodes outgoing values. Default: strings and binary pass unchanged; anything else is a `TypeError` at `send`. */
  readonly serializer?: Serializer<Out>;
  /** Decodes incoming message events. Default: the event's `data`. A throw is reported as a `DeserializationError` on `error$`. */
  readonly deserializer?: Deserializer<In>;
  /**
   * Reconnect when the connection ends without `close()`: exponential backoff with full jitter.
   * `true` or an object turns it on with defaults; `false` turns it off. Default: on.
   */
  readonly reconnect?: boolean | ReconnectConfig;
  /** The outbox for messages sent while the socket is not open or not writable. Default `{ limit: 1000, overflow: 'error' }`. */
  readonly buffer?: BufferConfig;
  /** At-least-once delivery with acknowledgements by id. Default: off. */
  readonly delivery?: DeliveryConfig<In, Out>;
  /** Detects dead connections by pinging when idle. Default: off. */
  readonly heartbeat?: HeartbeatConfig<In, Out>;
  /** How long (ms) an attempt may stay connecting before it is abandoned and counted as failed. Default 10,000. */
  readonly connectTimeout?: number;
  /**
   * Connect on the first subscriber and close after the last unsubscribes, as RxJS's `webSocket` does.
   * Subscribing to `state$` does not count. Default `false`: connect at construction.
   */
  readonly lazy?: boolean;
}

const CONFIG_KEYS: ReadonlySet<string> = new Set([
  'url',
  'protocols',
  'WebSocketCtor',
  'binaryType',
  'serializer',
  'deserializer',
  'reconnect',
  'buffer',
  'delivery',
  'heartbeat',
  'connectTimeout',
  'lazy',
]);
const BINARY_TYPES: ReadonlySet<string> = new Set(['blob', 'arraybuffer', 'nodebuffer', 'fragments']);
const OPEN_EVENT: SocketOpenEvent = Object.freeze({ type: 'open' });
// Listen for 'error' first: a ws socket with no error listener crashes the process.
const LISTEN_ORDER: readonly SocketEventType[] = ['error', 'open', 'message', 'close'];
const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_ACK_TIMEOUT = 10_000;
// How often a socket above its high-water mark is checked for room: browsers have no drain event.
const DRAIN_POLL_MS = 10;
// How long close() waits for the peer's close frame before dropping the connection.
const CLOSING_TIMEOUT_MS = 1000;
const ABNORMAL_CLOSURE = 1006;
const IGNORE = (): void => undefined;

/** @internal What the runtime's socket dispatches; only the fields read here. */
export interface NativeEvent {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
  readonly message?: unknown;
  readonly error?: unknown;
}

/** The streams besides the events, by name, with what they carry. */
interface Extras<Out> {
  reconnect: ReconnectEvent;
  dropped: Out;
  drained: void;
}

interface Target {
  readonly href: string;
  readonly protocols: readonly string[];
}

interface Connection {
  readonly socket: WebSocketLike;
  /** Removes every listener put on the socket. */
  readonly detach: () => void;
  openedAt: number | undefined;
  heartbeat: Heartbeat | undefined;
}

// Where a ws socket points back to the ReactiveWebSocket that listens to it.
const OWNER = Symbol('reactive-websocket owner');

/** A socket that is also a Node EventEmitter, as `ws`'s is: its own events skip the DOM-style wrappers. */
interface EmitterSocket extends WebSocketLike {
  on(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  off(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  terminate(): void;
  [OWNER]?: ReactiveWebSocket<unknown, unknown> | undefined;
}

// ws's own events, translated to the DOM shape the socket handles. Text arrives as a Buffer and is
// decoded as ws's DOM layer would; 1006 is the code of a connection that ended without a close
// frame, the one unclean close.
const EMITTER_LISTENERS: ReadonlyArray<readonly [string, (this: EmitterSocket, ...args: never[]) => void]> = [
  [
    'error',
    function (this: EmitterSocket, error: Error) {
      this[OWNER]?.handle(this, { type: 'error', message: error.message });
    },
  ],
  [
    'open',
    function (this: EmitterSocket) {
      this[OWNER]?.handle(this, OPEN_EVENT);
    },
  ],
  [
    'message',
    function (this: EmitterSocket, data: Buffer, isBinary: boolean) {
      this[OWNER]?.handle(this, { type: 'message', data: isBinary ? data : data.toString() });
    },
  ],
  [
    'close',
    function (this: EmitterSocket, code: number, reason: Buffer) {
      this[OWNER]?.handle(this, { type: 'close', code, reason: reason.toString(), wasClean: code !== ABNORMAL_CLOSURE });
    },
  ],
];

function isEmitterSocket(socket: WebSocketLike): socket is EmitterSocket {
  const candidate = socket as Partial<EmitterSocket>;
  return typeof candidate.on === 'function' && typeof candidate.off === 'function' && typeof candidate.terminate === 'function';
}

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
  // Streams are made on first use: an idle socket carries only what someone listens to.
  private readonly events = new Fanout<SocketEvent>();
  // The views of events$ by type. The dispatcher routes each event to its type's fanout with one
  // lookup, so a message never passes through the filters of open$, error$ or close$ subscribers.
  private readonly typed: { [T in SocketEventType]?: Fanout<SocketEventOf<T>> } = {};
  private readonly decoded = new Fanout<In>();
  private readonly extras: { [K in keyof Extras<Out>]?: Fanout<Extras<Out>[K]> } = {};
  private readonly views: { [name: string]: Observable<never> } = {};
  private readonly states = new Fanout<SocketState>();
  // Each of URL and subprotocols is either fixed (checked at construction) or asked for per attempt.
  private readonly fixedHref: string | undefined;
  private readonly fixedProtocols: readonly string[];
  private readonly urlProvider: UrlProvider | undefined;
  private readonly protocolsProvider: ProtocolsProvider | undefined;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly binaryType: BinaryType | undefined;
  private readonly serializer: Serializer<Out>;
  private readonly deserializer: Deserializer<In>;
  private readonly reconnectConfig: ResolvedReconnectConfig | undefined;
  private readonly highWaterMark: number;
  private readonly outbox: Outbox<Out>;
  private readonly delivery: Required<DeliveryConfig<In, Out>> | undefined;
  private readonly heartbeat: HeartbeatConfig<In, Out> | undefined;
  private readonly connectTimeout: number;
  private readonly lazy: boolean;
  // Messages must be decoded, even with no subscriber, to see acknowledgements and pongs.
  private readonly decodeAlways: boolean;
  private redactedUrl: string;
  private currentState: SocketState;
  private connection: Connection | undefined;
  private attempt = 0;
  private attemptSeq = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private closingTimer: ReturnType<typeof setTimeout> | undefined;
  private onlineListener: (() => void) | undefined;
  private blocked = false;
  private idleClosing = false;
  private closeRequest: { readonly code: number; readonly reason: string } | undefined;
  private closedFor: ClosedBy | undefined;
  private subscribers = 0;

  /**
   * @param urlOrConfig - a URL, or the full {@link ReactiveWebSocketConfig}.
   * @throws SyntaxError for a URL or subprotocol a browser would reject.
   * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` was given.
   * @throws TypeError or RangeError for an unknown option or a setting of the wrong type or range.
   */
  constructor(urlOrConfig: string | URL | ReactiveWebSocketConfig<In, Out>) {
    let self: ReactiveWebSocket<In, Out> | undefined;
    super((subscriber) => self!.messages$.subscribe(subscriber));
    self = this;

    const config = toConfig(urlOrConfig);
    if (typeof config.url === 'function') this.urlProvider = config.url;
    else this.fixedHref = normalizeUrl(config.url, pageBaseUrl());
    if (typeof config.protocols === 'function') {
      this.protocolsProvider = config.protocols;
      this.fixedProtocols = [];
    } else this.fixedProtocols = normalizeProtocols(config.protocols);
    this.redactedUrl = this.fixedHref === undefined ? '(URL from the url provider)' : redactUrl(this.fixedHref);
    this.WebSocketCtor = resolveWebSocketCtor(config.WebSocketCtor);
    this.binaryType = config.binaryType;
    this.serializer = config.serializer ?? identitySerializer<Out>;
    this.deserializer = config.deserializer ?? dataDeserializer<In>;
    this.reconnectConfig = resolveReconnectConfig(config.reconnect, true);
    this.delivery = resolveDeliveryConfig(config.delivery);
    this.heartbeat = validateHeartbeatConfig(config.heartbeat);
    this.connectTimeout = config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    check(this.connectTimeout > 0, 'connectTimeout', this.connectTimeout, 'a number of ms above 0, or Infinity');
    const buffer = resolveBufferConfig(config.buffer);
    this.highWaterMark = buffer.highWaterMark;
    this.outbox = new Outbox<Out>(buffer, this.delivery !== undefined, this.redactedUrl);
    this.lazy = config.lazy ?? false;
    this.decodeAlways = this.delivery !== undefined || this.heartbeat?.isPong !== undefined;

    this.currentState = this.lazy ? 'closed' : 'connecting';
    if (!this.lazy) this.connect();
  }

  /** Every event, in order: `open`, `message` (raw), `error`, `close`, across reconnects. Completes when the socket is closed for good. */
  get events$(): Observable<SocketEvent> {
    return this.view('events$', () => this.counted(this.events.observable));
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
    return this.view('messages$', () => this.counted(this.decoded.observable));
  }

  /** The connection state; each subscriber first gets the current state. Completes after `'closed'` when closed for good. */
  get state$(): Observable<SocketState> {
    return this.view(
      'state$',
      () =>
        // The current state first, then each change; after 'closed' for good, complete.
        new Observable<SocketState>((subscriber) => {
          subscriber.next(this.currentState);
          return this.states.add(subscriber);
        }),
    );
  }

  /** Emits each time a reconnect attempt is scheduled, with its number and delay. */
  get reconnect$(): Observable<ReconnectEvent> {
    return this.extra('reconnect').observable;
  }

  /** Messages the outbox dropped under the `'drop-oldest'` or `'drop-newest'` overflow policy. */
  get dropped$(): Observable<Out> {
    return this.extra('dropped').observable;
  }

  /** Emits when the socket, having been above `buffer.highWaterMark`, has taken everything waiting. */
  get drained$(): Observable<void> {
    return this.extra('drained').observable;
  }

  /** The socket's URL as last resolved (`ws:`/`wss:`), with any user name and password replaced by `***`. */
  get url(): string {
    return this.redactedUrl;
  }

  /** The current connection state, as `state$` last emitted it. */
  get state(): SocketState {
    return this.currentState;
  }

  /** The subprotocol the server chose, or `''` when none was or the socket is not connected. */
  get protocol(): string {
    return this.connection?.socket.protocol ?? '';
  }

  /** Messages waiting in the outbox to be handed to a socket. */
  get queued(): number {
    return this.outbox.queued;
  }

  /** Messages not yet known to be delivered: with `delivery`, every one not acknowledged; otherwise the queued ones. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Bytes the current connection has accepted but not yet written to the network (0 when not connected). */
  get bufferedAmount(): number {
    return this.connection?.socket.bufferedAmount ?? 0;
  }

  /**
   * The events of one type, typed to match: `on('close')` is an `Observable<SocketCloseEvent>`.
   * @throws TypeError for a name that is not `'open'`, `'message'`, `'error'` or `'close'`.
   */
  on<T extends SocketEventType>(type: T): Observable<SocketEventOf<T>> {
    assertEventType(type);
    return this.view(type, () => this.counted(this.fanout(type).observable));
  }

  /**
   * Sends a message: encoded by the `serializer`, then handed to the socket at once if it is
   * open and below its high-water mark, or queued and sent in order when it can be.
   *
   * @throws TypeError when the serializer throws or produces something a socket cannot send, or
   *   (with `delivery`) the message has no id or one already pending; nothing is queued then.
   * @throws BufferOverflowError when the outbox is full and `buffer.overflow` is `'error'`.
   * @throws SocketClosedError after `close()`, or once the socket has closed for good.
   */
  send(value: Out): void {
    if (this.closeRequest !== undefined || this.closedFor !== undefined) {
      throw new SocketClosedError(this.redactedUrl, this.closedFor ?? { by: 'client', ...this.closeRequest });
    }
    const data = this.encode(value);
    if (this.delivery === undefined) {
      const connection = this.connection;
      if (
        this.currentState === 'open' &&
        !this.outbox.hasQueued &&
        (this.highWaterMark === Infinity || connection!.socket.bufferedAmount < this.highWaterMark)
      ) {
        connection!.socket.send(data as string);
        return;
      }
      this.enqueue(value, data, undefined);
    } else {
      this.enqueue(value, data, this.deliveryId(value));
    }
    if (this.currentState === 'open') this.flush();
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
    if (this.closeRequest !== undefined || this.closedFor !== undefined) return;
    this.closeRequest = { code: code ?? 1000, reason: reason ?? '' };
    this.cancelRetry();
    const connection = this.connection;
    if (connection === undefined) {
      this.finish({ by: 'client', ...this.closeRequest });
      return;
    }
    this.beginClosing(connection, this.closeRequest.code, this.closeRequest.reason);
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

  // ---- connecting -------------------------------------------------------------------------

  private connect(): void {
    const seq = ++this.attemptSeq;
    if (this.currentState !== 'reconnecting') this.setState('connecting');
    let target: Target | PromiseLike<Target>;
    try {
      target = this.resolveTarget();
    } catch (error) {
      // Reported on a later turn: at construction nobody has subscribed to error$ yet.
      target = Promise.reject(error);
    }
    if (!isPromiseLike(target)) {
      this.openSocket(target);
      return;
    }
    target.then(
      (resolved) => {
        if (seq === this.attemptSeq && this.wantsConnection()) this.openSocket(resolved);
      },
      (error: unknown) => {
        if (seq === this.attemptSeq && this.wantsConnection()) this.attemptFailed(error);
      },
    );
  }

  private wantsConnection(): boolean {
    return (
      this.connection === undefined &&
      this.closeRequest === undefined &&
      this.closedFor === undefined &&
      (!this.lazy || this.subscribers > 0)
    );
  }

  private resolveTarget(): Target | PromiseLike<Target> {
    const url = this.urlProvider === undefined ? this.fixedHref! : this.urlProvider();
    const protocols = this.protocolsProvider === undefined ? this.fixedProtocols : this.protocolsProvider();
    if (isPromiseLike(url) || isPromiseLike(protocols)) {
      return Promise.all([url, protocols]).then(([resolvedUrl, resolvedProtocols]) => this.toTarget(resolvedUrl, resolvedProtocols));
    }
    return this.toTarget(url, protocols);
  }

  private toTarget(url: string | URL, protocols: string | readonly string[] | undefined): Target {
    if (typeof url !== 'string' && !(url instanceof URL)) {
      throw new SyntaxError(`reactive-websocket: the url provider returned ${describeType(url)}; it must return a ws:// or wss:// URL.`);
    }
    // A fixed URL and protocols were checked at construction; checking again is cheap and keeps one path.
    const target: Target = { href: normalizeUrl(url, pageBaseUrl()), protocols: normalizeProtocols(protocols) };
    this.redactedUrl = redactUrl(target.href);
    return target;
  }

  private openSocket(target: Target): void {
    let socket: WebSocketLike;
    try {
      socket =
        target.protocols.length > 0 ? new this.WebSocketCtor(target.href, [...target.protocols]) : new this.WebSocketCtor(target.href);
    } catch (error) {
      const seq = this.attemptSeq;
      // Reported on a later turn: at construction nobody has subscribed to error$ yet.
      queueMicrotask(() => {
        if (seq === this.attemptSeq && this.wantsConnection()) this.attemptFailed(error);
      });
      return;
    }
    const detach = this.listen(socket);
    if (this.binaryType !== undefined) socket.binaryType = this.binaryType;
    this.connection = { socket, detach, openedAt: undefined, heartbeat: undefined };
    if (this.connectTimeout !== Infinity) {
      this.connectTimer = setTimeout(() => this.connectTimedOut(socket), this.connectTimeout);
    }
  }

  /** Listens to every event of a socket, 'error' first; returns what removes the listeners. */
  private listen(socket: WebSocketLike): () => void {
    if (isEmitterSocket(socket)) {
      // ws: its EventEmitter events cost less than its DOM-style ones, which wrap every listener
      // and build a MessageEvent per message. The listeners are shared by every socket (ws calls
      // them with the socket as `this`), so a connection allocates none.
      socket[OWNER] = this as ReactiveWebSocket<unknown, unknown>;
      for (const [type, listener] of EMITTER_LISTENERS) socket.on(type, listener);
      return () => {
        for (const [type, listener] of EMITTER_LISTENERS) socket.off(type, listener);
        socket[OWNER] = undefined;
      };
    }
    const listener = (event: NativeEvent): void => this.handle(socket, event);
    for (const type of LISTEN_ORDER) socket.addEventListener(type, listener);
    return () => {
      for (const type of LISTEN_ORDER) socket.removeEventListener(type, listener);
    };
  }

  /** An attempt failed before there was a socket: the URL provider or the constructor threw. */
  private attemptFailed(error: unknown): void {
    if (error instanceof SyntaxError) {
      // A malformed URL will not get better by retrying.
      this.reportError(error);
      this.finish({ by: 'client', reason: 'invalid URL' });
      return;
    }
    this.reportError(new ConnectionError(this.redactedUrl, `could not start the connection: ${describeError(error)}`, { cause: error }));
    this.ended({ type: 'close', code: ABNORMAL_CLOSURE, reason: '', wasClean: false }, undefined);
  }

  private connectTimedOut(socket: WebSocketLike): void {
    this.connectTimer = undefined;
    if (this.connection?.socket !== socket) return;
    this.reportError(
      new ConnectionError(this.redactedUrl, `the connection did not open within ${this.connectTimeout} ms (connectTimeout)`),
    );
    this.abandon(socket);
    this.ended({ type: 'close', code: ABNORMAL_CLOSURE, reason: '', wasClean: false }, undefined);
  }

  // ---- events of the runtime's socket -----------------------------------------------------

  /** @internal The one entry point of the runtime's events (public only to the shared listeners below). */
  handle(socket: WebSocketLike, event: NativeEvent): void {
    const connection = this.connection;
    if (connection?.socket !== socket) return;
    switch (event.type) {
      case 'message':
        // The hot path. Both streams are fed from here, each only when observed; messages are
        // decoded once for all subscribers of messages$.
        connection.heartbeat?.received();
        this.emit(event as SocketMessageEvent);
        if (this.decodeAlways || this.decoded.observed) this.decode(event as SocketMessageEvent);
        return;
      case 'open':
        this.opened(connection);
        return;
      case 'error':
        // Closing a socket that is still connecting makes the runtime report the abandoned
        // handshake as an error: it is not one.
        if (this.currentState !== 'closing') this.reportError(new ConnectionError(this.redactedUrl, nativeErrorDetail(event)));
        return;
      case 'close': {
        this.detach(connection);
        const close: SocketCloseEvent = {
          type: 'close',
          code: event.code ?? 1005,
          reason: event.reason ?? '',
          wasClean: event.wasClean ?? false,
        };
        this.ended(close, connection.openedAt);
        return;
      }
    }
  }

  private opened(connection: Connection): void {
    this.clearTimer('connectTimer');
    connection.openedAt = Date.now();
    if (this.heartbeat !== undefined) {
      const { socket } = connection;
      connection.heartbeat = new Heartbeat(
        this.heartbeat.interval,
        this.heartbeat.timeout,
        () => this.ping(socket),
        (silentFor) => this.presumedDead(socket, silentFor),
      );
      connection.heartbeat.start();
    }
    this.outbox.requeueUnacknowledged();
    this.setState('open');
    this.flush();
    this.emit(OPEN_EVENT);
  }

  /** A connection (or an attempt) ended without `close()` having been asked for it, or after. */
  private ended(close: SocketCloseEvent, openedAt: number | undefined): void {
    this.emit(close);
    if (this.closedFor !== undefined) return; // a close$ subscriber called close()
    if (this.closeRequest !== undefined) {
      this.finish({ by: 'client', ...this.closeRequest });
      return;
    }
    if (this.idleClosing) {
      this.idleClosing = false;
      if (this.subscribers > 0) this.connect();
      else this.setState('closed');
      return;
    }
    const reconnect = this.reconnectConfig;
    const closedBy: ClosedBy = { by: close.wasClean ? 'server' : 'network', code: close.code, reason: close.reason };
    if (reconnect === undefined || !this.userPredicate(reconnect.shouldReconnect, close, true)) {
      this.finish(closedBy);
      return;
    }
    if (openedAt !== undefined && Date.now() - openedAt >= reconnect.stableAfter) this.attempt = 0;
    if (this.attempt >= reconnect.attempts) {
      this.reportError(
        new ReconnectError(
          this.redactedUrl,
          this.attempt,
          `the last close had code ${close.code}; raise reconnect.attempts or check the server`,
        ),
      );
      this.finish(closedBy);
      return;
    }
    this.attempt++;
    const delay = backoffDelay(this.attempt, reconnect);
    this.setState('reconnecting');
    this.extras.reconnect?.next({ attempt: this.attempt, delay });
    if (this.closedFor !== undefined || this.currentState !== 'reconnecting') return; // a reconnect$ subscriber closed it
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconnectWhenOnline();
    }, delay);
  }

  private reconnectWhenOnline(): void {
    const page = globalThis as { navigator?: { onLine?: unknown }; addEventListener?: (type: string, listener: () => void) => void };
    if (page.navigator?.onLine !== false || typeof page.addEventListener !== 'function') {
      this.connect();
      return;
    }
    // Offline: an attempt would fail at once; wait for the browser to say the network is back.
    this.onlineListener = () => {
      this.removeOnlineListener();
      this.connect();
    };
    page.addEventListener('online', this.onlineListener);
  }

  private cancelRetry(): void {
    this.clearTimer('retryTimer');
    this.removeOnlineListener();
    this.attemptSeq++;
  }

  private removeOnlineListener(): void {
    if (this.onlineListener === undefined) return;
    const page = globalThis as { removeEventListener?: (type: string, listener: () => void) => void };
    page.removeEventListener?.('online', this.onlineListener);
    this.onlineListener = undefined;
  }

  /** Stops listening to a connection's socket and drops every timer that belongs to it. */
  private detach(connection: Connection): void {
    connection.detach();
    connection.heartbeat?.stop();
    this.connection = undefined;
    this.clearTimer('connectTimer');
    this.clearTimer('drainTimer');
    this.clearTimer('ackTimer');
    this.clearTimer('closingTimer');
    this.blocked = false;
  }

  /** Gives up on a socket that is connecting too long or presumed dead, without waiting for its close handshake. */
  private abandon(socket: WebSocketLike, code?: number, reason?: string): void {
    this.detach(this.connection!);
    // Whatever it still reports must not reach an unhandled 'error' (ws would crash the process).
    socket.addEventListener('error', IGNORE);
    const terminate = (socket as { terminate?: () => void }).terminate;
    try {
      if (typeof terminate === 'function') terminate.call(socket);
      else socket.close(code, reason);
    } catch (error) {
      reportError(error);
    }
  }

  private presumedDead(socket: WebSocketLike, silentFor: number): void {
    this.reportError(
      new ConnectionError(
        this.redactedUrl,
        `nothing arrived for ${silentFor} ms (heartbeat.interval + heartbeat.timeout); the connection is presumed dead`,
      ),
    );
    const reason = 'heartbeat timeout';
    const openedAt = this.connection?.openedAt;
    this.abandon(socket, CLOSE_CODE_HEARTBEAT_TIMEOUT, reason);
    this.ended({ type: 'close', code: CLOSE_CODE_HEARTBEAT_TIMEOUT, reason, wasClean: false }, openedAt);
  }

  private ping(socket: WebSocketLike): void {
    const { message } = this.heartbeat!;
    try {
      const value = typeof message === 'function' ? (message as () => Out)() : message;
      socket.send(this.encode(value) as string);
    } catch (error) {
      reportError(error);
    }
  }

  private finish(closedBy: ClosedBy): void {
    this.closedFor = closedBy;
    this.cancelRetry();
    if (this.connection !== undefined) this.detach(this.connection);
    const unsent = this.outbox.takeAll();
    if (unsent.length > 0) {
      this.reportError(
        new SocketClosedError(
          this.redactedUrl,
          closedBy,
          unsent.map((entry) => entry.value),
        ),
      );
    }
    this.setState('closed');
    this.events.complete();
    for (const fanout of Object.values(this.typed)) fanout.complete();
    this.decoded.complete();
    this.states.complete();
    for (const fanout of Object.values(this.extras)) fanout.complete();
  }

  // ---- sending ----------------------------------------------------------------------------

  private enqueue(value: Out, data: WebSocketData, key: unknown): void {
    const entry: OutboxEntry<Out> = { value, data, bytes: byteLength(data), key, sentAt: undefined, settled: false };
    for (const dropped of this.outbox.add(entry)) this.extras.dropped?.next(dropped.value);
  }

  /** Hands queued messages to the open socket, in order, while it stays below its high-water mark. */
  private flush(): void {
    const connection = this.connection;
    if (connection === undefined || this.currentState !== 'open') return;
    const { socket } = connection;
    const now = Date.now();
    for (;;) {
      if (this.highWaterMark !== Infinity && socket.bufferedAmount >= this.highWaterMark) {
        this.blocked = true;
        this.drainTimer ??= setTimeout(() => {
          this.drainTimer = undefined;
          this.flush();
        }, DRAIN_POLL_MS);
        return;
      }
      const entry = this.outbox.next();
      if (entry === undefined) break;
      socket.send(entry.data as string);
      this.outbox.sent(entry, now);
    }
    if (this.delivery !== undefined) this.watchAcknowledgements();
    if (this.blocked) {
      this.blocked = false;
      this.extras.drained?.next();
    }
  }

  private watchAcknowledgements(): void {
    if (this.ackTimer !== undefined) return;
    const earliest = this.outbox.earliestSent();
    if (earliest === undefined) return;
    this.ackTimer = setTimeout(
      () => {
        this.ackTimer = undefined;
        this.resendUnacknowledged();
      },
      Math.max(0, earliest + this.delivery!.timeout - Date.now()),
    );
  }

  private resendUnacknowledged(): void {
    const connection = this.connection;
    if (connection === undefined || this.currentState !== 'open') return;
    const now = Date.now();
    for (const entry of this.outbox.sentBefore(now - this.delivery!.timeout)) {
      connection.socket.send(entry.data as string);
      entry.sentAt = now;
    }
    this.watchAcknowledgements();
  }

  private deliveryId(value: Out): unknown {
    const key = callForSend(this.delivery!.id, value, 'delivery.id');
    if (key === undefined || key === null) {
      throw new TypeError(
        `reactive-websocket: delivery.id returned ${String(key)}; every message needs an id for acknowledgements to name.`,
      );
    }
    if (this.outbox.holds(key)) {
      throw new TypeError(
        `reactive-websocket: a message with id ${JSON.stringify(key)} is already waiting for its acknowledgement; ids must be unique among pending messages.`,
      );
    }
    return key;
  }

  private encode(value: Out): WebSocketData {
    const data: unknown = callForSend(this.serializer, value, 'the serializer');
    if (!isWebSocketData(data)) {
      throw new TypeError(
        `reactive-websocket: cannot send a value of type ${describeType(data)}: a socket sends strings, ArrayBuffers, ` +
          'typed arrays, DataViews and Blobs. Pass a serializer (for example jsonSerializer) to send other values. ' +
          'Nothing was sent or queued.',
      );
    }
    return data;
  }

  // ---- receiving --------------------------------------------------------------------------

  private decode(event: SocketMessageEvent): void {
    let value: In;
    try {
      value = this.deserializer(event);
    } catch (cause) {
      this.reportError(new DeserializationError(event, cause));
      return;
    }
    if (this.delivery !== undefined) {
      const key = this.userCall(this.delivery.ackOf, value, undefined);
      if (key !== undefined) this.outbox.acknowledge(key);
    }
    if (this.heartbeat?.isPong !== undefined && this.userPredicate(this.heartbeat.isPong, value, false)) return;
    this.decoded.next(value);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private reportError(error: Error): void {
    this.emit({ type: 'error', error });
  }

  /** The one entry point of events: to events$, and to the stream of the event's type. */
  private emit(event: SocketEvent): void {
    if (this.events.observed) this.events.next(event);
    const typed = this.typed[event.type] as Fanout<SocketEvent> | undefined;
    if (typed !== undefined && typed.observed) typed.next(event);
  }

  /** The fanout of one event type, made on first use (completed at once if the socket is already closed for good). */
  private fanout<T extends SocketEventType>(type: T): Fanout<SocketEventOf<T>> {
    const typed = this.typed as { [K in SocketEventType]?: Fanout<SocketEventOf<K>> };
    return (typed[type] ??= this.made(new Fanout<SocketEventOf<T>>()) as never) as Fanout<SocketEventOf<T>>;
  }

  private extra<K extends keyof Extras<Out>>(name: K): Fanout<Extras<Out>[K]> {
    const extras = this.extras as { [N in keyof Extras<Out>]?: Fanout<Extras<Out>[N]> };
    return (extras[name] ??= this.made(new Fanout<Extras<Out>[K]>()) as never) as Fanout<Extras<Out>[K]>;
  }

  private made<T>(fanout: Fanout<T>): Fanout<T> {
    if (this.closedFor !== undefined) fanout.complete();
    return fanout;
  }

  /** A stream made once and kept, so that `socket.open$ === socket.open$`. */
  private view<T>(name: string, make: () => Observable<T>): Observable<T> {
    return (this.views[name] ??= make() as Observable<never>) as Observable<T>;
  }

  private userCall<A, R>(callback: (argument: A) => R, argument: A, fallback: R): R {
    try {
      return callback(argument);
    } catch (error) {
      reportError(error);
      return fallback;
    }
  }

  private userPredicate<A>(predicate: ((argument: A) => boolean) | undefined, argument: A, fallback: boolean): boolean {
    return predicate === undefined ? fallback : this.userCall(predicate, argument, fallback) === true;
  }

  private setState(state: SocketState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.states.next(state);
  }

  private clearTimer(name: 'retryTimer' | 'connectTimer' | 'drainTimer' | 'ackTimer' | 'closingTimer'): void {
    const timer = this[name];
    if (timer === undefined) return;
    clearTimeout(timer);
    this[name] = undefined;
  }

  /** In lazy mode, wraps a stream so that its subscribers open and close the connection. */
  private counted<T>(source: Observable<T>): Observable<T> {
    if (!this.lazy) return source;
    return new Observable<T>((subscriber) => {
      this.acquire();
      subscriber.add(() => this.release());
      return source.subscribe(subscriber);
    });
  }

  private acquire(): void {
    this.subscribers++;
    if (this.subscribers === 1 && this.wantsConnection() && this.retryTimer === undefined && !this.idleClosing) this.connect();
  }

  private release(): void {
    this.subscribers--;
    if (this.subscribers > 0 || this.closeRequest !== undefined || this.closedFor !== undefined) return;
    const connection = this.connection;
    if (connection === undefined) {
      // Between attempts, or waiting for the URL provider: stop trying until someone subscribes.
      this.cancelRetry();
      this.setState('closed');
      return;
    }
    this.idleClosing = true;
    this.beginClosing(connection, 1000, '');
  }

  /**
   * Starts the closing handshake, and ends it after CLOSING_TIMEOUT_MS if the peer never answers
   * (a dead or half-open connection would otherwise keep the socket, and the streams, for the
   * runtime's own timeout: 30 s with ws).
   */
  private beginClosing(connection: Connection, code: number, reason: string): void {
    this.setState('closing');
    connection.heartbeat?.stop();
    this.clearTimer('drainTimer');
    this.clearTimer('ackTimer');
    this.closingTimer = setTimeout(() => {
      this.closingTimer = undefined;
      if (this.connection !== connection) return;
      this.abandon(connection.socket, code, reason);
      this.ended({ type: 'close', code, reason, wasClean: false }, connection.openedAt);
    }, CLOSING_TIMEOUT_MS);
    connection.socket.close(code, reason);
  }
}

function toConfig<In, Out>(urlOrConfig: string | URL | ReactiveWebSocketConfig<In, Out>): ReactiveWebSocketConfig<In, Out> {
  if (typeof urlOrConfig === 'string' || urlOrConfig instanceof URL) return { url: urlOrConfig };
  if (urlOrConfig === null || typeof urlOrConfig !== 'object') {
    throw new TypeError(
      `reactive-websocket: expected a URL or a config object such as { url: 'ws://host/path' }, not ${describeType(urlOrConfig)}.`,
    );
  }
  for (const key of Object.keys(urlOrConfig)) {
    if (!CONFIG_KEYS.has(key)) {
      throw new TypeError(`reactive-websocket: unknown option ${JSON.stringify(key)}; the options are ${[...CONFIG_KEYS].join(', ')}.`);
    }
  }
  const { url, serializer, deserializer, binaryType, lazy } = urlOrConfig;
  if (typeof url !== 'string' && !(url instanceof URL) && typeof url !== 'function') {
    throw new TypeError(`reactive-websocket: url must be a string, a URL or a function returning one, not ${describeType(url)}.`);
  }
  for (const [name, value] of [
    ['serializer', serializer],
    ['deserializer', deserializer],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new TypeError(`reactive-websocket: ${name} must be a function, not ${describeType(value)}.`);
    }
  }
  if (binaryType !== undefined && !BINARY_TYPES.has(binaryType)) {
    throw new TypeError(`reactive-websocket: binaryType ${JSON.stringify(binaryType)} is not one of ${[...BINARY_TYPES].join(', ')}.`);
  }
  if (lazy !== undefined && typeof lazy !== 'boolean') {
    throw new TypeError(`reactive-websocket: lazy must be true or false, not ${describeType(lazy)}.`);
  }
  return urlOrConfig;
}

/** Calls a callback of `send` (serializer, delivery.id): what it throws becomes a TypeError thrown from `send`. */
function callForSend<A, R>(callback: (argument: A) => R, argument: A, name: string): R {
  try {
    return callback(argument);
  } catch (cause) {
    throw new TypeError(`reactive-websocket: ${name} threw, so nothing was sent or queued: ${describeError(cause)}`, { cause });
  }
}

function resolveDeliveryConfig<In, Out>(config: DeliveryConfig<In, Out> | undefined): Required<DeliveryConfig<In, Out>> | undefined {
  if (config === undefined) return undefined;
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`reactive-websocket: delivery must be an object such as { id, ackOf }, not ${describeType(config)}.`);
  }
  for (const name of ['id', 'ackOf'] as const) {
    if (typeof config[name] !== 'function') {
      throw new TypeError(`reactive-websocket: delivery.${name} must be a function, not ${describeType(config[name])}.`);
    }
  }
  const timeout = config.timeout ?? DEFAULT_ACK_TIMEOUT;
  check(timeout > 0, 'delivery.timeout', timeout, 'a number of ms above 0, or Infinity');
  return { id: config.id, ackOf: config.ackOf, timeout };
}

/**
 * The WebSocket constructor to use: the one given, else the runtime's.
 * @throws NotImplementedError where there is neither.
 */
export function resolveWebSocketCtor(given: WebSocketConstructor | undefined): WebSocketConstructor {
  if (given !== undefined) {
    if (typeof given !== 'function') {
      throw new TypeError(`reactive-websocket: WebSocketCtor must be a WebSocket constructor, not ${describeType(given)}.`);
    }
    return given;
  }
  const runtime = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof runtime === 'function') return runtime as WebSocketConstructor;
  throw new NotImplementedError(
    'reactive-websocket: this runtime has no WebSocket. On Node before 22, install the ws package and pass its ' +
      "constructor: import { WebSocket } from 'ws'; new ReactiveWebSocket({ url, WebSocketCtor: WebSocket }) " +
      '(or websocket(url, { WebSocketCtor: WebSocket })).',
  );
}

function nativeErrorDetail(event: NativeEvent): string | undefined {
  if (typeof event.message === 'string' && event.message !== '') return event.message;
  if (event.error instanceof Error) return event.error.message;
  return undefined;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function byteLength(data: WebSocketData): number {
  if (typeof data === 'string') return utf8ByteLength(data);
  return 'byteLength' in data ? data.byteLength : data.size;
}
