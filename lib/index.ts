export {
  ReactiveWebSocket,
  type ReactiveWebSocketConfig,
  type WebSocketConstructor,
  type WebSocketLike,
  type BinaryType,
  type UrlProvider,
  type ProtocolsProvider,
  type DeliveryConfig,
  type ReconnectEvent,
} from './reactive-websocket.js';
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
  type SocketState,
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
