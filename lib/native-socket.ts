import type { SocketEventType } from './events.js';

/** A listener of the runtime's socket events. */
type NativeListener = (event: NativeEvent) => void;

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
// 1006: a connection that ended without a close frame, the one unclean close.
const ABNORMAL_CLOSURE = 1006;

// Where a ws socket points back to whoever listens to it.
const SINK = Symbol('reactive-websocket sink');

/** A socket that is also a Node EventEmitter, as `ws`'s is: its own events skip the DOM-style wrappers. */
interface EmitterSocket extends WebSocketLike {
  on(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  off(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  terminate(): void;
  [SINK]?: NativeEventSink | undefined;
}

// ws's own events, translated to the DOM shape. Shared by every socket (ws calls them with the
// socket as `this`), so a connection allocates no listener. Text arrives as a Buffer and is
// decoded as ws's DOM layer would.
const EMITTER_LISTENERS: ReadonlyArray<readonly [SocketEventType, (this: EmitterSocket, ...args: never[]) => void]> = [
  [
    'error',
    function (this: EmitterSocket, error: Error) {
      this[SINK]?.handle('error', { type: 'error', message: error.message, error });
    },
  ],
  [
    'open',
    function (this: EmitterSocket) {
      this[SINK]?.handle('open', { type: 'open' });
    },
  ],
  [
    'message',
    function (this: EmitterSocket, data: Buffer, isBinary: boolean) {
      this[SINK]?.handle('message', { type: 'message', data: isBinary ? data : data.toString() });
    },
  ],
  [
    'close',
    function (this: EmitterSocket, code: number, reason: Buffer) {
      this[SINK]?.handle('close', { type: 'close', code, reason: reason.toString(), wasClean: code !== ABNORMAL_CLOSURE });
    },
  ],
];

function isEmitterSocket(socket: WebSocketLike): socket is EmitterSocket {
  const candidate = socket as Partial<EmitterSocket>;
  return typeof candidate.on === 'function' && typeof candidate.off === 'function' && typeof candidate.terminate === 'function';
}

/** What {@link unlisten} needs to remove the listeners {@link listen} added: nothing for `ws`'s shared ones. */
export type Listening = readonly NativeListener[] | undefined;

/**
 * Listens to every event of a socket, 'error' first, whichever way it dispatches them: `ws`'s
 * emitter events (cheaper than its DOM-style ones, which wrap every listener and build a
 * `MessageEvent` per message), else `addEventListener`, else the `on*` properties.
 *
 * @returns what {@link unlisten} takes to remove them.
 * @throws TypeError for an object that offers none of the three ways.
 */
export function listen(socket: WebSocketLike, sink: NativeEventSink): Listening {
  if (isEmitterSocket(socket)) {
    socket[SINK] = sink;
    for (const [type, listener] of EMITTER_LISTENERS) socket.on(type, listener);
    return undefined;
  }
  // One listener per type, so an event dispatched without a `type` is still known.
  const listeners = TYPES.map(
    (type): NativeListener =>
      (event) =>
        sink.handle(type, event ?? {}),
  );
  if (hasEventTarget(socket)) {
    for (let i = 0; i < TYPES.length; i++) socket.addEventListener!(TYPES[i], listeners[i]);
    return listeners;
  }
  if (!('onmessage' in socket)) {
    throw new TypeError(
      'reactive-websocket: the WebSocketCtor made an object with neither addEventListener nor onopen/onmessage/onerror/onclose; pass a WebSocket constructor.',
    );
  }
  const handlers = socket as unknown as Record<string, NativeListener | null>;
  for (let i = 0; i < TYPES.length; i++) handlers[`on${TYPES[i]}`] = listeners[i]!;
  return listeners;
}

/** Removes every listener {@link listen} added to a socket. */
export function unlisten(socket: WebSocketLike, listening: Listening): void {
  if (isEmitterSocket(socket)) {
    for (const [type, listener] of EMITTER_LISTENERS) socket.off(type, listener);
    socket[SINK] = undefined;
  } else if (listening !== undefined && hasEventTarget(socket)) {
    for (let i = 0; i < TYPES.length; i++) socket.removeEventListener!(TYPES[i], listening[i]);
  } else if (listening !== undefined) {
    const handlers = socket as unknown as Record<string, NativeListener | null>;
    for (const type of TYPES) handlers[`on${type}`] = null;
  }
}

function hasEventTarget(socket: WebSocketLike): boolean {
  return typeof socket.addEventListener === 'function' && typeof socket.removeEventListener === 'function';
}

/**
 * Drops a socket without waiting for its closing handshake: `terminate()` where it has one
 * (`ws`), else `close()`. Whatever it still reports is ignored; a throw is returned, not thrown.
 */
export function terminate(socket: WebSocketLike, code?: number, reason?: string): unknown {
  // A ws socket with no 'error' listener crashes the process on a late error.
  if (isEmitterSocket(socket)) socket.on('error', IGNORE);
  try {
    if (isEmitterSocket(socket)) socket.terminate();
    else socket.close(code, reason);
    return undefined;
  } catch (error) {
    return error;
  }
}

function IGNORE(): void {}

/** A `ws` socket's TCP connection, as far as `outgoingBacklog` reads it (private to `ws` and Node: read defensively). */
interface WithTcpHandle {
  readonly _socket?: { readonly _handle?: { readonly writeQueueSize?: unknown } | null } | null;
}

/**
 * How much a socket still has to send, as a number that falls while its bytes leave: its
 * `bufferedAmount`, plus, for a `ws` socket, what its TCP handle has yet to write. `ws` (like
 * undici) counts a message in `bufferedAmount` until all of it has reached the kernel, so while
 * one large message goes out only the handle's write queue shows progress. For the heartbeat's
 * ticks, never per message.
 */
export function outgoingBacklog(socket: WebSocketLike): number {
  const buffered = socket.bufferedAmount;
  if (!isEmitterSocket(socket)) return buffered;
  const queue = (socket as WithTcpHandle)._socket?._handle?.writeQueueSize;
  return typeof queue === 'number' ? buffered + queue : buffered;
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
