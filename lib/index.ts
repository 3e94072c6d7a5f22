export { ReactiveWebSocket } from './reactive-websocket.js';
export { type ReactiveWebSocketConfig, type UrlProvider, type ProtocolsProvider } from './config.js';
export { type WebSocketConstructor, type WebSocketLike, type BinaryType } from './native-socket.js';
export { Connection, type ConnectionOptions, type ConnectionObserver } from './connection.js';
export { type NativeEvent, type NativeEventSink } from './native-socket.js';
export { type SocketState } from './lifecycle.js';
export { type DeliveryConfig } from './delivery.js';
export { type ReconnectEvent } from './retry.js';
export { type ReconnectConfig } from './backoff.js';
export { type HeartbeatConfig } from './heartbeat.js';
export {
  websocket,
  supported,
  type CallbackWebSocket,
  type CallbackEvents,
  type CallbackEventName,
  type Handler,
  type MessageHandlerEvent,
  type WebSocketOptions,
} from './facade.js';
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
