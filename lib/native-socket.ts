import { EMITTER_SOCKETS, emitterBacklog, listenEmitter, terminateEmitter, unlistenEmitter } from './emitter-socket.js';
import { NotImplementedError } from './errors.js';
import type { SocketEventType } from './events.js';

/** A listener of the runtime's socket events. */
type NativeListener = (event: NativeEvent) => void;

/**
 * A runtime socket's `readyState` while open. Only an open socket is handed a message: one that is
 * closing (the peer's close frame arrived, its close event not yet) discards it silently.
 */
export const OPEN = 1;

/**
 * The part of a WebSocket this library uses. The DOM's `WebSocket`, the `ws` package's, undici's
 * and test doubles such as mock-socket's all fit it. A socket is listened to through
 * `addEventListener` where it has one, else through its `onopen`/`onmessage`/`onerror`/`onclose`
 * properties, as RxJS's `webSocket` does.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes accepted by `send` and not yet written to the network. */
  readonly bufferedAmount: number;
  /** The subprotocol the server chose, or `''`. */
  readonly protocol: string;
  /** How binary messages are delivered (see {@link BinaryType}). */
  binaryType: string;
  /** Sends a message. Blobs are also passed here; they are left out of the signature so that `ws`'s `send` fits it. */
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Adds a listener of one event type (DOM style). */
  addEventListener?(type: SocketEventType, listener: (event: { readonly type: string }) => void): void;
  /** Removes a listener added by `addEventListener`. */
  removeEventListener?(type: SocketEventType, listener: (event: { readonly type: string }) => void): void;
  /** The `open` handler, on sockets without `addEventListener`. */
  onopen?: ((event: never) => void) | null;
  /** The `message` handler, on sockets without `addEventListener`. */
  onmessage?: ((event: never) => void) | null;
  /** The `error` handler, on sockets without `addEventListener`. */
  onerror?: ((event: never) => void) | null;
  /** The `close` handler, on sockets without `addEventListener`. */
  onclose?: ((event: never) => void) | null;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** How binary messages are delivered: `'blob'` and `'arraybuffer'` everywhere; `'nodebuffer'` and `'fragments'` with `ws`. */
export type BinaryType = 'blob' | 'arraybuffer' | 'nodebuffer' | 'fragments';

/**
 * What the runtime's socket dispatches, as far as this library reads it: the runtime's own event
 * object where it makes one (a `MessageEvent`, a `CloseEvent`), a plain object with the same
 * fields where it does not (`ws`'s emitter events, a timeout).
 */
export interface NativeEvent {
  /** The event's name, where the runtime gives one. */
  readonly type?: string;
  /** A message event's data. */
  readonly data?: unknown;
  /** A close event's code. */
  readonly code?: number;
  /** A close event's reason. */
  readonly reason?: string;
  /** Whether a close event's closing handshake completed. */
  readonly wasClean?: boolean;
  /** What an error event says went wrong (`ws`, undici), if anything. */
  readonly message?: unknown;
  /** The error behind an error event (`ws`, undici), if any. */
  readonly error?: unknown;
}

/** Who receives a socket's events: one method call per event, with the event's type named by the listener. */
export interface NativeEventSink {
  /** @internal */
  handle(type: SocketEventType, event: NativeEvent): void;
}

// Listen for 'error' first: a ws socket with no error listener crashes the process.
const TYPES: readonly SocketEventType[] = ['error', 'open', 'message', 'close'];

/** What {@link unlisten} needs to remove the listeners {@link listen} added: what removes them, or nothing for `ws`'s shared ones. */
export type Listening = (() => void) | undefined;

/**
 * Listens to every event of a socket, 'error' first, whichever way it dispatches them: `ws`'s
 * emitter events (in Node; see `emitter-socket.ts`), else `addEventListener`, else the `on*`
 * properties.
 *
 * @returns what {@link unlisten} takes to remove them.
 * @throws TypeError for an object that offers none of the three ways.
 */
export function listen(socket: WebSocketLike, sink: NativeEventSink): Listening {
  if (EMITTER_SOCKETS && listenEmitter(socket, sink)) return undefined;
  const target = typeof socket.addEventListener == 'function' && typeof socket.removeEventListener == 'function';
  if (!target && !('onmessage' in socket)) {
    throw new TypeError(
      'reactive-websocket: the WebSocketCtor made an object with neither addEventListener nor onmessage; pass a WebSocket constructor.',
    );
  }
  const handlers = socket as unknown as Record<string, NativeListener | null>;
  // One listener per type, so an event dispatched without a `type` is still known.
  const listeners = TYPES.map((type) => {
    const listener: NativeListener = (event) => sink.handle(type, event ?? {});
    if (target) socket.addEventListener!(type, listener);
    else handlers[`on${type}`] = listener;
    return listener;
  });
  return () =>
    TYPES.forEach((type, i) => {
      if (target) socket.removeEventListener!(type, listeners[i]);
      else handlers[`on${type}`] = null;
    });
}

/** Removes every listener {@link listen} added to a socket. */
export function unlisten(socket: WebSocketLike, listening: Listening): void {
  if (!(EMITTER_SOCKETS && unlistenEmitter(socket))) listening?.();
}

/**
 * Drops a socket without waiting for its closing handshake: `terminate()` where it has one
 * (`ws`), else `close()`. Whatever it still reports is ignored; a throw is returned, not thrown.
 */
export function terminate(socket: WebSocketLike, code?: number, reason?: string): unknown {
  try {
    if (!(EMITTER_SOCKETS && terminateEmitter(socket))) socket.close(code, reason);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * How much a socket still has to send, as a number that falls while its bytes leave: its
 * `bufferedAmount`, plus, for a `ws` socket, what its TCP handle has yet to write. `ws` (like
 * undici) counts a message in `bufferedAmount` until all of it has reached the kernel, so while
 * one large message goes out only the handle's write queue shows progress. For the heartbeat's
 * ticks, never per message.
 */
export function outgoingBacklog(socket: WebSocketLike): number {
  return socket.bufferedAmount + (EMITTER_SOCKETS ? emitterBacklog(socket) : 0);
}

/** What the runtime said about an error event, if anything (browsers say nothing). */
export function nativeErrorDetail(event: NativeEvent): string | undefined {
  if (typeof event.message === 'string' && event.message !== '') return event.message;
  if (event.error instanceof Error) return event.error.message;
  return undefined;
}

// ws's message for a handshake answered with another status than 101.
const UNEXPECTED_RESPONSE = /^Unexpected server response: (\d{3})$/;

/**
 * The HTTP status a server answered the WebSocket handshake with, where the runtime's error says
 * it (`ws`: "Unexpected server response: 401"); `undefined` where it does not (browsers, undici).
 */
export function handshakeStatus(detail: string | undefined): number | undefined {
  const match = detail === undefined ? null : UNEXPECTED_RESPONSE.exec(detail);
  return match === null ? undefined : Number(match[1]);
}

/**
 * The WebSocket constructor to use, for every API of the library: the one given, else the runtime's.
 * @throws TypeError for a given value that is not a function.
 * @throws NotImplementedError where none is given and the runtime has none.
 */
export function resolveWebSocketCtor(given: unknown): WebSocketConstructor {
  const found = given ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof found == 'function') return found as WebSocketConstructor;
  if (given !== undefined) throw new TypeError(`reactive-websocket: WebSocketCtor must be a WebSocket constructor, not ${typeof given}.`);
  throw new NotImplementedError(
    'reactive-websocket: no WebSocket constructor can be found in this runtime; on Node before 22, install the ws package ' +
      "and pass its constructor as WebSocketCtor: import { WebSocket } from 'ws'.",
  );
}
