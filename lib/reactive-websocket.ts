import { ReactiveWebSocket as CoreReactiveWebSocket } from './core-socket.js';
import type { FeatureKeys, ReactiveWebSocketOptions } from './config.js';
import { delivery, type DeliveryConfig } from './delivery.js';
import { asFeature, mergeFeatures, type AnySocketFeature, type FeatureSlots, type SocketFeature } from './feature.js';
import { heartbeat, type HeartbeatConfig } from './heartbeat.js';
import type { BufferConfig } from './outbox.js';
import { reconnect, type ReconnectConfig } from './reconnect.js';
import { buffer } from './sender.js';

/**
 * Settings of a {@link ReactiveWebSocket}: its options, and a key for each feature. The names
 * follow RxJS's `webSocket` config where it has one.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface ReactiveWebSocketConfig<In = unknown, Out = unknown> extends ReactiveWebSocketOptions<In, Out> {
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
}

// The defaults, made once and shared by every socket that takes them, as most do.
let defaults:
  | { reconnect: AnySocketFeature; buffer: AnySocketFeature; both?: FeatureSlots<never, never>; bufferOnly?: FeatureSlots<never, never> }
  | undefined;

/** The one place that names every feature: how this socket's config keys become them. */
const FEATURE_KEYS: FeatureKeys = {
  names: ['reconnect', 'buffer', 'delivery', 'heartbeat'],
  features<In, Out>(options: ReactiveWebSocketOptions<In, Out>): FeatureSlots<In, Out> {
    const config = options as ReactiveWebSocketConfig<In, Out>;
    const shared = (defaults ??= { reconnect: reconnect(), buffer: buffer() }) as unknown as {
      reconnect: SocketFeature<In, Out>;
      buffer: SocketFeature<In, Out>;
      both?: FeatureSlots<In, Out>;
      bufferOnly?: FeatureSlots<In, Out>;
    };
    const { use, reconnect: reconnectKey, buffer: bufferKey, heartbeat: heartbeatKey, delivery: deliveryKey } = config;
    if (use === undefined && bufferKey === undefined && heartbeatKey === undefined && deliveryKey === undefined) {
      // The defaults, with reconnect on or off: their merged features are shared too.
      if (reconnectKey === undefined || reconnectKey === true) return (shared.both ??= mergeFeatures([shared.reconnect, shared.buffer]));
      if (reconnectKey === false) return (shared.bufferOnly ??= mergeFeatures([shared.buffer]));
    }
    const used = mergeFeatures(use);
    const keyed: Array<SocketFeature<In, Out>> = [asFeature(used)];
    // The defaults give way to the same feature in use.
    if (reconnectKey !== undefined) keyed.push(reconnect(reconnectKey));
    else if (used.reconnect === undefined) keyed.push(shared.reconnect);
    if (bufferKey !== undefined) keyed.push(buffer(bufferKey));
    else if (used.outgoing === undefined) keyed.push(shared.buffer);
    if (heartbeatKey !== undefined) keyed.push(heartbeat(heartbeatKey));
    if (deliveryKey !== undefined) keyed.push(delivery(deliveryKey));
    return mergeFeatures(keyed);
  },
};

/**
 * A WebSocket as RxJS streams, with every feature a key of its config: reconnect (on by default),
 * a bounded outbox (`buffer`, on by default), `heartbeat` and at-least-once `delivery`. It is an
 * `Observable<In>` of decoded messages and an `Observer<Out>` that sends, so `socket.pipe(…)`,
 * `from(socket)` and `source$.subscribe(socket)` work. Every member is described on the socket
 * it extends, `ReactiveWebSocket` of `reactive-websocket/core`, which runs only the features
 * named in `use`, so that a bundle carries no other.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 *
 * @example
 * import { ReactiveWebSocket, jsonDeserializer, jsonSerializer } from 'reactive-websocket';
 *
 * interface Reply { readonly result: string }
 * interface Command { readonly op: string }
 *
 * const socket = new ReactiveWebSocket<Reply, Command>({
 *   url: 'ws://127.0.0.1:8080',
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 *   heartbeat: { interval: 25_000, timeout: 10_000, message: { op: 'ping' } },
 * });
 * socket.messages$.subscribe((reply) => console.log(reply.result));
 * socket.send({ op: 'hello' }); // queued until open
 */
export class ReactiveWebSocket<In = unknown, Out = unknown> extends CoreReactiveWebSocket<In, Out> {
  /**
   * @param urlOrConfig - a URL, or the full {@link ReactiveWebSocketConfig}.
   * @throws SyntaxError for a URL or subprotocol a browser would reject.
   * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` was given.
   * @throws TypeError or RangeError for an unknown option, a setting of the wrong type or range, or a feature named twice.
   */

  constructor(urlOrConfig: string | URL | ReactiveWebSocketConfig<In, Out>) {
    super(urlOrConfig);
  }

  /** @internal */
  protected override featureKeys(): FeatureKeys {
    return FEATURE_KEYS;
  }
}
