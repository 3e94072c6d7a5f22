export { ReactiveWebSocket, type ReactiveWebSocketConfig } from './reactive-websocket.js';
export { type ReactiveWebSocketOptions, type UrlProvider, type ProtocolsProvider } from './config.js';
export { reconnect } from './reconnect.js';
export { heartbeat } from './heartbeat.js';
export { buffer } from './sender.js';
export { delivery } from './delivery.js';
export { type SocketFeature } from './feature.js';
export { type WebSocketConstructor, type WebSocketLike, type BinaryType } from './native-socket.js';
export { Connection, type ConnectionOptions, type ConnectionObserver } from './connection.js';
export { type NativeEvent, type NativeEventSink } from './native-socket.js';
export { type SocketState } from './lifecycle.js';
export { type DeliveryConfig } from './delivery.js';
export { type ReconnectEvent } from './reconnect.js';
export { type ReconnectConfig } from './reconnect.js';
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
