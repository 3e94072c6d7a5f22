/**
 * `reactive-websocket/rxjs`: the drop-in for RxJS's `rxjs/webSocket` (removed in RxJS 9), built
 * on this library's connection. Change the import; the contract is RxJS 7's.
 *
 * @example
 * import { webSocket } from 'reactive-websocket/rxjs';
 * @packageDocumentation
 */
export { webSocket } from './rxjs/web-socket.js';
export { WebSocketSubject } from './rxjs/web-socket-subject.js';
export {
  type WebSocketSubjectConfig,
  type WebSocketMessage,
  type WebSocketFactory,
  type MessageEventLike,
  type OpenEventLike,
  type CloseEventLike,
  type EventObserver,
} from './rxjs/config.js';
export { resilient, type ResilientWebSocketSubjectConfig } from './rxjs/resilience.js';
export { request, DEFAULT_REQUEST_TIMEOUT, type RequestOptions, type RequestChannel } from './request.js';
export { RequestTimeoutError } from './request-timeout-error.js';
export { ObjectUnsubscribedError, type ObjectUnsubscribedErrorConstructor } from './rxjs/object-unsubscribed-error.js';
export { type WebSocketConstructor, type WebSocketLike, type BinaryType } from './native-socket.js';
export { type ReconnectConfig } from './reconnect.js';
export { type ReconnectEvent } from './reconnect.js';
export { type HeartbeatConfig } from './heartbeat.js';
export { type BufferConfig, type OverflowPolicy } from './outbox.js';
export { type DeliveryConfig } from './delivery.js';
export { NotImplementedError, BufferOverflowError, ReconnectError } from './errors.js';
