import type { SocketEventType } from './events.js';

/** Who receives a `ws` socket's events, in the DOM's shape (a `Connection`). */
export interface EmitterSink {
  /** One call per event. */
  handle(type: SocketEventType, event: { readonly type: string; readonly [field: string]: unknown }): void;
}

// 1006: a connection that ended without a close frame, the one unclean close.
const ABNORMAL_CLOSURE = 1006;

// Where a ws socket points back to whoever listens to it.
const SINK = Symbol('reactive-websocket sink');

/** A socket that is also a Node EventEmitter, as `ws`'s is: its own events skip the DOM-style wrappers. */
interface EmitterSocket {
  on(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  off(event: string, listener: (this: EmitterSocket, ...args: never[]) => void): unknown;
  terminate(): void;
  [SINK]?: EmitterSink | undefined;
  /** ws's TCP connection: private to ws and Node, read defensively. */
  readonly _socket?: { readonly _handle?: { readonly writeQueueSize?: unknown } | null } | null;
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

function isEmitterSocket(socket: object): socket is EmitterSocket {
  const candidate = socket as Partial<EmitterSocket>;
  return typeof candidate.on === 'function' && typeof candidate.off === 'function' && typeof candidate.terminate === 'function';
}

/*
 * The `ws` package's fast path, for Node. Browser bundles get `emitter-socket.browser.ts` in its
 * place (the package's `browser` field maps one to the other): no `ws` socket exists there, so
 * `EMITTER_SOCKETS` is false, and a bundler drops the calls below and the code above.
 */

/** Whether a socket here may be a `ws` one: callers ask this before calling the functions below. */
export const EMITTER_SOCKETS = true;

/**
 * Listens to a `ws` socket through its emitter events (cheaper than its DOM-style ones, which wrap
 * every listener and build a `MessageEvent` per message), with listeners shared by every socket.
 * @returns whether the socket is a `ws` socket; nothing is done to any other.
 */
export function listenEmitter(socket: object, sink: EmitterSink): boolean {
  if (!isEmitterSocket(socket)) return false;
  socket[SINK] = sink;
  for (const [type, listener] of EMITTER_LISTENERS) socket.on(type, listener);
  return true;
}

/** Removes what {@link listenEmitter} added. @returns whether the socket is a `ws` socket. */
export function unlistenEmitter(socket: object): boolean {
  if (!isEmitterSocket(socket)) return false;
  for (const [type, listener] of EMITTER_LISTENERS) socket.off(type, listener);
  socket[SINK] = undefined;
  return true;
}

/**
 * Drops a `ws` socket at once with its `terminate()`, after adding a listener that ignores its
 * late errors (a ws socket with no 'error' listener crashes the process).
 * @returns whether the socket is a `ws` socket; any other is left as it is.
 */
export function terminateEmitter(socket: object): boolean {
  if (!isEmitterSocket(socket)) return false;
  socket.on('error', IGNORE);
  socket.terminate();
  return true;
}

function IGNORE(): void {}

/**
 * What a `ws` socket's TCP handle has yet to write, 0 for any other socket. `ws` (like undici)
 * counts a message in `bufferedAmount` until all of it has reached the kernel, so while one large
 * message goes out only this queue shows progress.
 */
export function emitterBacklog(socket: object): number {
  if (!isEmitterSocket(socket)) return 0;
  const queue = socket._socket?._handle?.writeQueueSize;
  return typeof queue === 'number' ? queue : 0;
}
