/**
 * `reactive-websocket/core`: the socket with nothing built in. `ReactiveWebSocket` here runs only
 * the features named in its `use` option, each made by its own function, so a bundler ships no
 * other:
 *
 * ```ts
 * import { ReactiveWebSocket, reconnect, heartbeat } from 'reactive-websocket/core';
 *
 * const socket = new ReactiveWebSocket<string, string>({
 *   url: 'ws://127.0.0.1:8080',
 *   use: [reconnect(), heartbeat({ interval: 25_000, timeout: 10_000, message: 'ping' })],
 * });
 * socket.messages$.subscribe((message) => console.log(message));
 * ```
 *
 * Without `buffer()`, sends while not open wait in an unbounded queue, as in RxJS's `webSocket`.
 * The main entry, `reactive-websocket`, has the same socket with every feature also a config key.
 *
 * @module reactive-websocket/core
 */
export { ReactiveWebSocket } from './core-socket.js';
export { type ReactiveWebSocketOptions, type UrlProvider, type ProtocolsProvider } from './config.js';
export { reconnect } from './reconnect.js';
export { heartbeat } from './heartbeat.js';
export { buffer } from './sender.js';
export { delivery } from './delivery.js';
export { type AnySocketFeature, type FeatureMessageTypes, type SocketFeature } from './feature.js';
export { type WebSocketConstructor, type WebSocketLike, type BinaryType } from './native-socket.js';
export { Connection, type ConnectionOptions, type ConnectionObserver } from './connection.js';
export { type NativeEvent, type NativeEventSink } from './native-socket.js';
export { type SocketState } from './lifecycle.js';
export { type DeliveryConfig } from './delivery.js';
export { type ReconnectEvent } from './reconnect.js';
export { type ReconnectConfig } from './reconnect.js';
export { type HeartbeatConfig } from './heartbeat.js';
export {
  ofType,
  type SocketEvent,
  type SocketEventType,
  type SocketEventOf,
  type SocketOpenEvent,
  type SocketMessageEvent,
  type SocketErrorEvent,
  type SocketCloseEvent,
} from './events.js';
export { jsonSerializer, jsonDeserializer, type Serializer, type Deserializer, type WebSocketData, type BlobLike } from './codec.js';
export {
  NotImplementedError,
  BufferOverflowError,
  SocketClosedError,
  DeserializationError,
  ConnectionError,
  ReconnectError,
  type ClosedBy,
} from './errors.js';
export { type BufferConfig, type OverflowPolicy } from './outbox.js';
export { CLOSE_CODE_OBSERVER_ERROR, CLOSE_CODE_HEARTBEAT_TIMEOUT, MAX_REASON_BYTES } from './close-code.js';
export { request, DEFAULT_REQUEST_TIMEOUT, type RequestOptions, type RequestChannel } from './request.js';
export { RequestTimeoutError } from './request-timeout-error.js';
export {
  toObservable,
  type SubscribableStream,
  type PlatformObservable,
  type PlatformObservableConstructor,
  type PlatformSubscriber,
} from './platform-observable.js';
