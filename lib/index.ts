/**
 * `reactive-websocket`: the socket with every feature a config key (`ReactiveWebSocket`), the
 * callback facade (`websocket`), and everything `reactive-websocket/core` exports.
 *
 * @module reactive-websocket
 */
// Everything of the core entry; the ReactiveWebSocket below, which takes the features as keys, takes the place of its own.
export * from './core.js';
export { ReactiveWebSocket, type ReactiveWebSocketConfig } from './reactive-websocket.js';
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
