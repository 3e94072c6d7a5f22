import type { WebSocketData } from '../codec.js';
import { resolveWebSocketCtor, type BinaryType, type WebSocketConstructor, type WebSocketLike } from '../native-socket.js';
import type { Extension } from './extension.js';

/** What a socket can send: text, or binary as an ArrayBuffer, a typed array or view, or a Blob. RxJS's name for it. */
export type WebSocketMessage = WebSocketData;

/** A message event as the runtime dispatches it: the DOM's `MessageEvent`, or an object with the same `data` from `ws`. */
export interface MessageEventLike {
  /** `'message'`, where the runtime gives it. */
  readonly type?: string;
  /** A string for a text message; for a binary one, whatever `binaryType` asks for. */
  readonly data: unknown;
}

/** The event `openObserver` is told: `{ type: 'open', target }`, `target` being the runtime's socket. */
export interface OpenEventLike {
  /** `'open'`. */
  readonly type: string;
  /** The runtime's socket. */
  readonly target?: unknown;
}

/**
 * A close event: the runtime's own `CloseEvent` (or `ws`'s equivalent object), or, for a
 * connection dropped after an error or a closing handshake the server never answered, an
 * object of the same shape with `wasClean: false`.
 */
export interface CloseEventLike {
  /** `'close'`, where the runtime gives it. */
  readonly type?: string;
  /** The close code. */
  readonly code?: number;
  /** The reason the closing side gave. */
  readonly reason?: string;
  /** Whether the closing handshake completed. */
  readonly wasClean?: boolean;
}

/**
 * An observer that is told things with `next`, as RxJS's `NextObserver`. `next` is a method, so
 * observers written for the DOM's event types (`CloseEvent`, `Event`) fit. Only `next` is called.
 */
export interface EventObserver<T> {
  /** Told each value. */
  next(value: T): void;
  /** Never called; allowed so that a full RxJS `Observer` fits. */
  error?(error: unknown): void;
  /** Never called; allowed so that a full RxJS `Observer` fits. */
  complete?(): void;
  /** Allowed so that a `Subscriber` fits. */
  closed?: boolean;
}

/**
 * What `WebSocketCtor` takes: a WebSocket class (the DOM's, `ws`'s, undici's, a test double), or a
 * function making a socket. Typed loosely, as what is made is only listened to and sent through:
 * the DOM's `WebSocket` and `ws`'s differ in their `send` types, and both must fit.
 */
export type WebSocketFactory =
  (new (url: string, protocols?: string | string[]) => object) | ((url: string, protocols?: string | string[]) => object);

/**
 * Settings of {@link webSocket}: RxJS 7's `WebSocketSubjectConfig`, with the same names and defaults.
 *
 * Callbacks are declared as methods so that ones written against the DOM's types
 * (`(event: MessageEvent) => …`) type-check as they did with RxJS.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface WebSocketSubjectConfig<In, Out = In> {
  /** The URL, passed to the constructor exactly as given. */
  url: string | URL;
  /** Subprotocols, passed to the constructor as given; left out of the call when empty or missing. */
  protocol?: string | string[];
  /** Set on each socket right after it is made. */
  binaryType?: BinaryType;
  /**
   * The WebSocket implementation. Default: the global `WebSocket`, looked up when `webSocket()` is
   * called. A plain factory function `(url, protocols) => socket` works too.
   */
  WebSocketCtor?: WebSocketFactory;
  /** Encodes each value given to `next` when it is given. Default `JSON.stringify`. */
  serializer?(value: Out): WebSocketMessage;
  /** Decodes each message event. Default `JSON.parse(event.data)`. A throw errors every subscriber with what it threw. */
  deserializer?(event: MessageEventLike): In;
  /** Told each time a socket opens, before queued messages are sent (so what it sends goes after them). */
  openObserver?: EventObserver<OpenEventLike>;
  /** Told each time a socket closes, with the runtime's close event, before subscribers complete or error. */
  closeObserver?: EventObserver<CloseEventLike>;
  /** Told (with `undefined`) just before the client closes a socket: `complete()`, `error()`, the last subscriber leaving, `unsubscribe()`. */
  closingObserver?: EventObserver<void>;
}

/** @internal A config as `resilient()` returns it: with what it adds, under {@link EXTENSION}. */
export type ExtendedConfig<In, Out> = WebSocketSubjectConfig<In, Out> & {
  readonly [EXTENSION]?: (encode: (value: Out) => WebSocketData) => Extension<In, Out>;
};

/** @internal What an extension is made with: what the subject gives it (the serializer), and what its config says. */
export interface ExtensionContext<Out> {
  /** The serializer, checked: throws a TypeError for a value that cannot be sent. */
  readonly encode: (value: Out) => WebSocketData;
  /** The URL, for error messages. */
  readonly url: string;
  /** Told of every close, also of those a reconnect follows. */
  readonly closeObserver: EventObserver<CloseEventLike> | undefined;
}

/** @internal Where `resilient()` puts what it adds, in a config `webSocket()` accepts. */
export const EXTENSION: unique symbol = Symbol('reactive-websocket extension');

// This library's own options, which only resilient() adds: webSocket() would ignore them.
const RESILIENCE_OPTIONS = ['reconnect', 'connectTimeout', 'heartbeat', 'buffer', 'delivery'];

/**
 * @internal Checks a URL or config.
 * @returns the config, and the constructor to make each socket with.
 * @throws TypeError for `reconnect`, `connectTimeout`, `heartbeat`, `buffer` or `delivery` given without `resilient()`.
 * @throws NotImplementedError when no `WebSocketCtor` is given and the runtime has no `WebSocket`.
 */
export function resolveSubjectConfig<In, Out>(
  urlOrConfig: string | URL | WebSocketSubjectConfig<In, Out>,
): [config: ExtendedConfig<In, Out>, WebSocketCtor: WebSocketConstructor] {
  const config: ExtendedConfig<In, Out> =
    typeof urlOrConfig == 'object' && !(urlOrConfig instanceof URL) ? urlOrConfig : { url: urlOrConfig };
  for (const key of RESILIENCE_OPTIONS) {
    if (key in config) throw new TypeError(`reactive-websocket: ${key} needs resilient(): webSocket(resilient({ url, ${key} })).`);
  }
  const given: WebSocketFactory = resolveWebSocketCtor(config.WebSocketCtor);
  // RxJS sets on* properties on whatever the constructor made; the connection listens that way only
  // to an object that has them, so a bare test double is given them. A factory that is not a class
  // (an arrow function, as RxJS's own tests pass) is called without `new`. The arguments pass as
  // they came: the protocols are left out of the call when there are none.
  const WebSocketCtor = function (...args: [string]): WebSocketLike {
    const socket = (
      given.prototype ? new (given as WebSocketConstructor)(...args) : (given as unknown as (...a: unknown[]) => object)(...args)
    ) as WebSocketLike;
    if (!('onmessage' in socket)) socket.onmessage = null;
    return socket;
  };
  return [config, WebSocketCtor as unknown as WebSocketConstructor];
}
