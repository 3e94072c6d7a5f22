import { dataDeserializer, identitySerializer, type Deserializer, type Serializer } from './codec.js';
import { mergeFeatures, type AnySocketFeature, type FeatureSlots, type SocketFeature } from './feature.js';
import { resolveWebSocketCtor, type BinaryType, type WebSocketConstructor } from './native-socket.js';
import { normalizeProtocols, normalizeUrl, pageBaseUrl, redactUrl } from './url.js';
import { check, describeType, fail } from './check.js';

/** Called before every connection attempt for the URL to use, so a token can be refreshed. */
export type UrlProvider = () => string | URL | PromiseLike<string | URL>;

/** Called before every connection attempt for the subprotocols to offer. */
export type ProtocolsProvider = () => string | readonly string[] | PromiseLike<string | readonly string[]>;

/**
 * Settings of a socket without its built-in features: what `ReactiveWebSocket` from
 * `reactive-websocket/core` takes, and the part of {@link ReactiveWebSocketConfig} that is not a
 * feature's key. The names follow RxJS's `webSocket` config where it has one.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface ReactiveWebSocketOptions<In = unknown, Out = unknown> {
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
  /** How long (ms) an attempt may stay connecting before it is abandoned and counted as failed. Default 10,000. */
  readonly connectTimeout?: number;
  /**
   * Connect on the first subscriber and close after the last unsubscribes, as RxJS's `webSocket` does.
   * Subscribing to `state$` does not count. Default `false`: connect at construction.
   */
  readonly lazy?: boolean;
  /**
   * The features to run, each made by its own function: `[reconnect(), buffer(), heartbeat({ … }),
   * delivery({ … })]`. A bundler ships only the features named. Default: none, on a socket from
   * `reactive-websocket/core`; with {@link ReactiveWebSocketConfig}, a feature named here and by
   * its key is an error, and its defaults (reconnect on, a 1,000-message outbox) give way to a
   * `reconnect()` or `buffer()` here.
   */
  readonly use?: ReadonlyArray<SocketFeature<In, Out> | AnySocketFeature>;
}

/** A config checked and with every default filled in. */
export interface ResolvedConfig<In, Out> {
  // One field each for a fixed value or its provider: a field costs every socket its bytes.
  /** The URL checked at construction, or the URL provider. */
  readonly url: string | UrlProvider;
  /** The subprotocols checked at construction, or their provider. */
  readonly protocols: readonly string[] | ProtocolsProvider;
  readonly WebSocketCtor: WebSocketConstructor;
  readonly binaryType: BinaryType | undefined;
  readonly serializer: Serializer<Out>;
  readonly deserializer: Deserializer<In>;
  /** The features, from `use` and from the keys that name one. */
  readonly features: FeatureSlots<In, Out>;
  readonly connectTimeout: number;
  readonly lazy: boolean;
}

const CONFIG_KEYS: readonly string[] = [
  'url',
  'protocols',
  'WebSocketCtor',
  'binaryType',
  'serializer',
  'deserializer',
  'connectTimeout',
  'lazy',
  'use',
];

/** How a config's keys name features (`reconnect: true` for `reconnect()`), where a socket takes them. */
export interface FeatureKeys {
  /** The keys. */
  readonly names: readonly string[];
  /** The features a config names, by its keys and in `use`. */
  features<In, Out>(config: ReactiveWebSocketOptions<In, Out>): FeatureSlots<In, Out>;
}
const BINARY_TYPES: readonly string[] = ['blob', 'arraybuffer', 'nodebuffer', 'fragments'];
const DEFAULT_CONNECT_TIMEOUT = 10_000;

/**
 * Checks a URL or config and fills in the defaults.
 * @throws SyntaxError for a URL or subprotocol a browser would reject.
 * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` was given.
 * @throws TypeError or RangeError for an unknown option or a setting of the wrong type or range.
 */
export function resolveConfig<In, Out>(
  urlOrConfig: string | URL | ReactiveWebSocketOptions<In, Out>,
  keys: FeatureKeys | undefined,
): ResolvedConfig<In, Out> {
  const config = toConfig(urlOrConfig, keys?.names ?? []);
  const { url, protocols, serializer, deserializer, binaryType, lazy } = config;
  if (typeof url !== 'string' && !(url instanceof URL) && typeof url !== 'function') {
    fail(`url must be a string, a URL or a function returning one, not ${describeType(url)}`);
  }
  for (const [name, value] of [
    ['serializer', serializer],
    ['deserializer', deserializer],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function, not ${describeType(value)}`);
  }
  if (binaryType !== undefined && !BINARY_TYPES.includes(binaryType)) {
    fail(`binaryType ${JSON.stringify(binaryType)} is not one of ${BINARY_TYPES.join(', ')}`);
  }
  if (lazy !== undefined && typeof lazy !== 'boolean') fail(`lazy must be true or false, not ${describeType(lazy)}`);
  const connectTimeout = config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  check(typeof connectTimeout == 'number' && connectTimeout > 0, 'connectTimeout', connectTimeout, 'a number of ms above 0, or Infinity');
  return {
    url: typeof url === 'function' ? url : normalizeUrl(url, pageBaseUrl()),
    protocols: typeof protocols === 'function' ? protocols : normalizeProtocols(protocols),
    WebSocketCtor: resolveWebSocketCtor(config.WebSocketCtor),
    binaryType,
    serializer: serializer ?? identitySerializer<Out>,
    deserializer: deserializer ?? dataDeserializer<In>,
    features: keys === undefined ? mergeFeatures(config.use) : keys.features(config),
    connectTimeout,
    lazy: lazy ?? false,
  };
}

/** The URL to show in messages: the fixed one, credentials redacted, or a placeholder until a provider gives one. */
export function shownUrl({ url }: { readonly url: string | UrlProvider }): string {
  return typeof url === 'function' ? '(URL from the url provider)' : redactUrl(url);
}

function toConfig<In, Out>(
  urlOrConfig: string | URL | ReactiveWebSocketOptions<In, Out>,
  featureKeys: readonly string[],
): ReactiveWebSocketOptions<In, Out> {
  if (typeof urlOrConfig === 'string' || urlOrConfig instanceof URL) return { url: urlOrConfig };
  if (urlOrConfig === null || typeof urlOrConfig !== 'object') {
    fail(`expected a URL or a config object such as { url: 'ws://host/path' }, not ${describeType(urlOrConfig)}`);
  }
  const known = [...CONFIG_KEYS, ...featureKeys];
  for (const key of Object.keys(urlOrConfig)) {
    if (known.includes(key)) continue;
    const feature = FEATURES.includes(key)
      ? `: on a socket from reactive-websocket/core, features go in use, as use: [${key}(…)]; or import ReactiveWebSocket from 'reactive-websocket', which takes ${key} as a key`
      : '';
    fail(`unknown option ${JSON.stringify(key)}; the options are ${known.join(', ')}${feature}`);
  }
  return urlOrConfig;
}

// The features that ReactiveWebSocket from 'reactive-websocket' also takes by key.
const FEATURES: readonly string[] = ['reconnect', 'buffer', 'delivery', 'heartbeat'];

/** Where one attempt connects: a URL checked as browsers do, and the subprotocols to offer. */
export interface Target {
  readonly href: string;
  readonly protocols: readonly string[];
}

/**
 * The URL and subprotocols for the next attempt: the fixed ones, or what the providers return
 * (then a promise when either returns one).
 * @throws what a provider throws, and SyntaxError for a URL or subprotocol a browser would reject
 *   (rejecting the promise instead when there is one). The engine counts either as a failed attempt,
 *   reported on a later turn, since at construction nobody listens to `error$` yet.
 */
export function resolveTarget(config: Pick<ResolvedConfig<unknown, unknown>, 'url' | 'protocols'>): Target | PromiseLike<Target> {
  const url = typeof config.url === 'function' ? config.url() : config.url;
  const offered = typeof config.protocols === 'function' ? config.protocols() : config.protocols;
  if (isPromiseLike(url) || isPromiseLike(offered)) return Promise.all([url, offered]).then(([u, p]) => toTarget(u, p));
  return toTarget(url, offered);
}

function toTarget(url: string | URL, protocols: string | readonly string[] | undefined): Target {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new SyntaxError(`reactive-websocket: the url provider returned ${describeType(url)}; it must return a ws:// or wss:// URL.`);
  }
  // A fixed URL and protocols were checked at construction; checking again is cheap and keeps one path.
  return { href: normalizeUrl(url, pageBaseUrl()), protocols: normalizeProtocols(protocols) };
}

/** Whether a value is a promise (or any thenable). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
