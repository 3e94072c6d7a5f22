/**
 * `reactive-websocket/rxjs`: the drop-in for RxJS's `rxjs/webSocket` (removed in RxJS 9), built
 * on this library's connection. Change the import; the contract is RxJS 7's:
 *
 * ```ts
 * import { webSocket } from 'reactive-websocket/rxjs'; // was: from 'rxjs/webSocket'
 *
 * const subject = webSocket<{ text: string }>('ws://127.0.0.1:8080');
 * subject.subscribe((message) => console.log(message.text));
 * subject.next({ text: 'hello' });
 * ```
 *
 * `resilient()` adds what RxJS's `webSocket` lacks (reconnect, a bounded outbox, a heartbeat,
 * acknowledged delivery), under the same contract.
 *
 * @module reactive-websocket/rxjs
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
