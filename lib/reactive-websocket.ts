import { BehaviorSubject, Observable, Subject, type Observer } from 'rxjs';
import { CLOSE_CODE_OBSERVER_ERROR, validateClose } from './close-code.js';
import {
  dataDeserializer,
  describeType,
  identitySerializer,
  isWebSocketData,
  type Deserializer,
  type Serializer,
  type WebSocketData,
} from './codec.js';
import { ConnectionError, DeserializationError, NotImplementedError, SocketClosedError, describeError, type ClosedBy } from './errors.js';
import {
  assertEventType,
  ofType,
  type SocketCloseEvent,
  type SocketErrorEvent,
  type SocketEvent,
  type SocketEventOf,
  type SocketEventType,
  type SocketMessageEvent,
  type SocketOpenEvent,
  type SocketState,
} from './events.js';
import { Outbox, resolveBufferConfig, type BufferConfig } from './outbox.js';
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

/**
 * Settings of a {@link ReactiveWebSocket}. The names follow RxJS's `webSocket` config where it has one.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface ReactiveWebSocketConfig<In = unknown, Out = unknown> {
  /** `ws:` or `wss:` URL; `http:` and `https:` are mapped to them. In a browser a relative URL resolves against the page. */
  readonly url: string | URL;
  /** Subprotocols to offer the server, most preferred first. */
  readonly protocols?: string | readonly string[];
  /** The WebSocket implementation. Default: `globalThis.WebSocket`. On Node before 22, pass `WebSocket` from `ws`. */
  readonly WebSocketCtor?: WebSocketConstructor;
  /** How binary messages arrive. Default: the runtime's (`'blob'` in browsers, `'nodebuffer'` with `ws`). */
  readonly binaryType?: BinaryType;
  /** Encodes outgoing values. Default: strings and binary pass unchanged; anything else is a `TypeError` at `send`. */
  readonly serializer?: Serializer<Out>;
  /** Decodes incoming message events. Default: the event's `data`. A throw is reported as a `DeserializationError` on `error$`. */
  readonly deserializer?: Deserializer<In>;
  /** The outbox for messages sent while the socket is not open. Default `{ limit: 1000 }`. */
  readonly buffer?: BufferConfig;
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
  'buffer',
  'lazy',
]);
const BINARY_TYPES: ReadonlySet<string> = new Set(['blob', 'arraybuffer', 'nodebuffer', 'fragments']);
const OPEN_EVENT: SocketOpenEvent = Object.freeze({ type: 'open' });
// Listen for 'error' first: a ws socket with no error listener crashes the process.
const LISTEN_ORDER: readonly SocketEventType[] = ['error', 'open', 'message', 'close'];

/** What the runtime's socket dispatches; only the fields read here. */
interface NativeEvent {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
  readonly message?: unknown;
  readonly error?: unknown;
}

interface Connection {
  readonly socket: WebSocketLike;
  readonly listener: (event: NativeEvent) => void;
}

/**
 * A WebSocket as RxJS streams. It is an `Observable<In>` of decoded messages and an
 * `Observer<Out>` that sends, so `socket.pipe(…)`, `from(socket)` and `source$.subscribe(socket)` work.
 *
 * Every stream is a view of one stream of typed events, `events$`. Nothing is dropped silently:
 * sends while not open are queued (bounded) and flushed in order on open; a full queue, a send
 * after close and an unencodable value all throw at the call; faults of the network or the server
 * are events on `error$`.
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
  /** The socket's URL as normalised (`ws:`/`wss:`), with any user name and password replaced by `***`. */
  readonly url: string;

  /** Every event, in order: `open`, `message` (raw), `error`, `close`. Completes when the socket is closed for good. */
  readonly events$: Observable<SocketEvent>;
  /** Emits each time the connection opens. */
  readonly open$: Observable<SocketOpenEvent>;
  /** The raw message events, before decoding. */
  readonly message$: Observable<SocketMessageEvent>;
  /** Connection failures and messages that could not be decoded. Never errors as a stream. */
  readonly error$: Observable<SocketErrorEvent>;
  /** Emits each time the connection closes, with its code and reason. */
  readonly close$: Observable<SocketCloseEvent>;
  /**
   * Incoming messages, decoded once by the `deserializer` however many subscribe. A message the
   * deserializer rejects is skipped and reported on `error$`. Completes when the socket is closed for good.
   */
  readonly messages$: Observable<In>;
  /** The connection state; each subscriber first gets the current state. Completes after `'closed'` when closed for good. */
  readonly state$: Observable<SocketState>;

  private readonly events = new Subject<SocketEvent>();
  private readonly decoded = new Subject<In>();
  private readonly states: BehaviorSubject<SocketState>;
  private readonly streams = new Map<SocketEventType, Observable<SocketEvent>>();
  private readonly href: string;
  private readonly protocols: string[];
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly binaryType: BinaryType | undefined;
  private readonly serializer: Serializer<Out>;
  private readonly deserializer: Deserializer<In>;
  private readonly outbox: Outbox<WebSocketData>;
  private readonly lazy: boolean;
  private currentState: SocketState;
  private connection: Connection | undefined;
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
    this.href = normalizeUrl(config.url, pageBaseUrl());
    this.url = redactUrl(this.href);
    this.protocols = normalizeProtocols(config.protocols);
    this.WebSocketCtor = resolveWebSocketCtor(config.WebSocketCtor);
    this.binaryType = config.binaryType;
    this.serializer = config.serializer ?? identitySerializer<Out>;
    this.deserializer = config.deserializer ?? dataDeserializer<In>;
    this.outbox = new Outbox(resolveBufferConfig(config.buffer).limit, this.url);
    this.lazy = config.lazy ?? false;

    this.currentState = this.lazy ? 'closed' : 'connecting';
    this.states = new BehaviorSubject<SocketState>(this.currentState);
    // Once closed for good the subject has completed; a late subscriber still learns the final state.
    this.state$ = new Observable<SocketState>((subscriber) => {
      if (this.closedFor === undefined) return this.states.subscribe(subscriber);
      subscriber.next(this.currentState);
      subscriber.complete();
      return undefined;
    });
    this.events$ = this.counted(this.events.asObservable());
    this.open$ = this.on('open');
    this.message$ = this.on('message');
    this.error$ = this.on('error');
    this.close$ = this.on('close');
    this.messages$ = this.counted(this.decoded.asObservable());
    // Decode once per message for all subscribers, and only while someone listens.
    this.events.subscribe((event) => {
      if (event.type === 'message' && this.decoded.observed) this.decode(event);
    });

    if (!this.lazy) this.connect();
  }

  /** The current connection state, as `state$` last emitted it. */
  get state(): SocketState {
    return this.currentState;
  }

  /** The subprotocol the server chose, or `''` when none was or the socket is not connected. */
  get protocol(): string {
    return this.connection?.socket.protocol ?? '';
  }

  /** How many messages wait in the outbox for the socket to open. */
  get queued(): number {
    return this.outbox.size;
  }

  /**
   * The events of one type, typed to match: `on('close')` is an `Observable<SocketCloseEvent>`.
   * @throws TypeError for a name that is not `'open'`, `'message'`, `'error'` or `'close'`.
   */
  on<T extends SocketEventType>(type: T): Observable<SocketEventOf<T>> {
    let stream = this.streams.get(type);
    if (stream === undefined) {
      assertEventType(type);
      stream = this.counted(this.events.pipe(ofType(type)));
      this.streams.set(type, stream);
    }
    return stream as Observable<SocketEventOf<T>>;
  }

  /**
   * Sends a message: encoded by the `serializer`, then sent at once if the socket is open, or
   * queued and sent in order when it opens.
   *
   * @throws TypeError when the serializer throws or produces something a socket cannot send; nothing is queued.
   * @throws BufferOverflowError when the outbox already holds `buffer.limit` messages.
   * @throws SocketClosedError after `close()`, or once the connection has closed for good.
   */
  send(value: Out): void {
    if (this.closeRequest !== undefined || this.closedFor !== undefined) {
      throw new SocketClosedError(this.url, this.closedFor ?? { by: 'client', ...this.closeRequest });
    }
    const data = this.encode(value);
    if (this.currentState === 'open') this.connection!.socket.send(data as string);
    else this.outbox.push(data);
  }

  /**
   * Closes the connection for good; calling it again does nothing. Streams complete once the
   * socket has closed, after the `close` event. Messages still queued are reported on `error$`
   * as a `SocketClosedError` listing them.
   *
   * @param code - 1000 (default) or 3000-4999, the codes browsers let a client send.
   * @param reason - at most 123 bytes of UTF-8.
   * @throws RangeError or TypeError for a code or reason out of range, before touching the socket.
   */
  close(code?: number, reason?: string): void {
    validateClose(code, reason);
    if (this.closeRequest !== undefined || this.closedFor !== undefined) return;
    this.closeRequest = { code: code ?? 1000, reason: reason ?? '' };
    const connection = this.connection;
    if (connection === undefined) {
      this.events.next({ type: 'close', code: this.closeRequest.code, reason: this.closeRequest.reason, wasClean: true });
      this.finish({ by: 'client', ...this.closeRequest });
      return;
    }
    this.setState('closing');
    connection.socket.close(this.closeRequest.code, this.closeRequest.reason);
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

  private connect(): void {
    const socket =
      this.protocols.length > 0 ? new this.WebSocketCtor(this.href, this.protocols) : new this.WebSocketCtor(this.href);
    const listener = (event: NativeEvent): void => this.handle(socket, event);
    for (const type of LISTEN_ORDER) socket.addEventListener(type, listener);
    if (this.binaryType !== undefined) socket.binaryType = this.binaryType;
    this.connection = { socket, listener };
    this.setState('connecting');
  }

  private handle(socket: WebSocketLike, event: NativeEvent): void {
    if (this.connection?.socket !== socket) return;
    switch (event.type) {
      case 'message':
        this.events.next(event as SocketMessageEvent);
        return;
      case 'open':
        this.opened(socket);
        return;
      case 'error':
        // Closing a socket that is still connecting makes the runtime report the abandoned
        // handshake as an error: it is not one.
        if (this.currentState !== 'closing') this.reportError(new ConnectionError(this.url, nativeErrorDetail(event)));
        return;
      case 'close':
        this.closed(event);
        return;
    }
  }

  private opened(socket: WebSocketLike): void {
    for (let data = this.outbox.shift(); data !== undefined; data = this.outbox.shift()) socket.send(data as string);
    this.setState('open');
    this.events.next(OPEN_EVENT);
  }

  private closed(event: NativeEvent): void {
    const { socket, listener } = this.connection!;
    for (const type of LISTEN_ORDER) socket.removeEventListener(type, listener);
    this.connection = undefined;
    const close: SocketCloseEvent = {
      type: 'close',
      code: event.code ?? 1005,
      reason: event.reason ?? '',
      wasClean: event.wasClean ?? false,
    };
    if (this.closeRequest === undefined && this.lazy && this.subscribers === 0) {
      // Closed because the last subscriber left: idle, not finished.
      this.events.next(close);
      this.setState('closed');
      return;
    }
    if (this.closeRequest === undefined && this.lazy && this.currentState === 'closing') {
      // A subscriber came back while the idle close was under way.
      this.events.next(close);
      this.connect();
      return;
    }
    const closedBy: ClosedBy =
      this.closeRequest !== undefined
        ? { by: 'client', ...this.closeRequest }
        : { by: close.wasClean ? 'server' : 'network', code: close.code, reason: close.reason };
    this.events.next(close);
    this.finish(closedBy);
  }

  private finish(closedBy: ClosedBy): void {
    this.closedFor = closedBy;
    const unsent = this.outbox.takeAll();
    if (unsent.length > 0) this.reportError(new SocketClosedError(this.url, closedBy, unsent));
    this.setState('closed');
    this.events.complete();
    this.decoded.complete();
    this.states.complete();
  }

  private decode(event: SocketMessageEvent): void {
    let value: In;
    try {
      value = this.deserializer(event);
    } catch (cause) {
      this.reportError(new DeserializationError(event, cause));
      return;
    }
    this.decoded.next(value);
  }

  private encode(value: Out): WebSocketData {
    let data: unknown;
    try {
      data = this.serializer(value);
    } catch (cause) {
      throw new TypeError(
        `reactive-websocket: the serializer threw, so nothing was sent or queued: ${describeError(cause)}`,
        { cause },
      );
    }
    if (!isWebSocketData(data)) {
      throw new TypeError(
        `reactive-websocket: cannot send a value of type ${describeType(data)}: a socket sends strings, ArrayBuffers, ` +
          'typed arrays, DataViews and Blobs. Pass a serializer (for example jsonSerializer) to send other values. ' +
          'Nothing was sent or queued.',
      );
    }
    return data;
  }

  private reportError(error: Error): void {
    this.events.next({ type: 'error', error });
  }

  private setState(state: SocketState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.states.next(state);
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
    if (this.subscribers === 1 && this.connection === undefined && this.closedFor === undefined) this.connect();
  }

  private release(): void {
    this.subscribers--;
    if (this.subscribers === 0 && this.connection !== undefined && this.closeRequest === undefined) {
      this.setState('closing');
      this.connection.socket.close(1000);
    }
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
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(`reactive-websocket: url must be a string or a URL, not ${describeType(url)}.`);
  }
  for (const [name, value] of [['serializer', serializer], ['deserializer', deserializer]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new TypeError(`reactive-websocket: ${name} must be a function, not ${describeType(value)}.`);
    }
  }
  if (binaryType !== undefined && !BINARY_TYPES.has(binaryType)) {
    throw new TypeError(
      `reactive-websocket: binaryType ${JSON.stringify(binaryType)} is not one of ${[...BINARY_TYPES].join(', ')}.`,
    );
  }
  if (lazy !== undefined && typeof lazy !== 'boolean') {
    throw new TypeError(`reactive-websocket: lazy must be true or false, not ${describeType(lazy)}.`);
  }
  return urlOrConfig;
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
      "(or websocket(url, { WebSocketCtor: WebSocket })).",
  );
}

function nativeErrorDetail(event: NativeEvent): string | undefined {
  if (typeof event.message === 'string' && event.message !== '') return event.message;
  if (event.error instanceof Error) return event.error.message;
  return undefined;
}

