import type { SocketEventType } from './events.js';
import { INSPECT, inspectSummary } from './inspect.js';
import {
  listen,
  unlisten,
  type Listening,
  terminate,
  type NativeEvent,
  type NativeEventSink,
  type WebSocketConstructor,
  type WebSocketLike,
} from './native-socket.js';

/** How long (ms) `close()` waits for the peer's close frame before dropping the connection. */
export const CLOSING_TIMEOUT_MS = 1000;
const ABNORMAL_CLOSURE = 1006;

/** What one connection attempt is made of. */
export interface ConnectionOptions {
  /** The WebSocket constructor to call. */
  readonly WebSocketCtor: WebSocketConstructor;
  /** Passed to the constructor as given. */
  readonly url: string;
  /** Passed to the constructor as given; left out of the call when `undefined`. */
  readonly protocols?: string | string[] | undefined;
  /** Set on the socket right after it is made, when given. */
  readonly binaryType?: string | undefined;
  /** How long (ms) the socket may stay connecting before the attempt is abandoned. Default: no limit. */
  readonly connectTimeout?: number | undefined;
}

/**
 * Who hears what a connection does. Each method is called with the runtime's own event where it
 * made one (a `MessageEvent`, a `CloseEvent`) and a plain object of the same shape where it did
 * not (`ws`'s emitter events, a timeout). After `close`, nothing more is called.
 */
export interface ConnectionObserver {
  /** The socket opened. Not called for a socket that opens after `close()`: that one is closed again. */
  open(connection: Connection): void;
  /** A message arrived. */
  message(event: NativeEvent): void;
  /** The runtime reported an error, or the socket did not open within `connectTimeout`. `close` follows at once. */
  error(event: NativeEvent): void;
  /** The connection ended: the runtime's close event, or code 1006 for one that was abandoned. */
  close(event: NativeEvent): void;
}

/**
 * One connection attempt, from the constructor call to the close event: the connect timeout,
 * the closing handshake bounded to `CLOSING_TIMEOUT_MS` (1 s), and the abandoning of a dead or
 * stuck socket. It knows nothing of reconnection, outboxes or heartbeats. An `error` ends the
 * connection at once (the runtime's later close event, if any, is not waited for), so a socket
 * the runtime gave up on is never written to.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws'; // Node before 22; elsewhere, the runtime's WebSocket
 * import { Connection } from 'reactive-websocket';
 *
 * // One attempt, and nothing more: greet once open, print the first reply, close.
 * const connection = new Connection(
 *   { WebSocketCtor: WebSocket, url: 'ws://127.0.0.1:8080', connectTimeout: 5000 },
 *   {
 *     open: (opened) => opened.socket.send('hello'),
 *     message: (event) => {
 *       console.log(event.data);
 *       connection.close(1000);
 *     },
 *     error: (event) => console.error('failed:', event.message),
 *     close: (event) => console.log('closed with code', event.code),
 *   },
 * );
 * ```
 */
export class Connection implements NativeEventSink {
  /** When it opened (ms since the epoch), or `undefined` before. */
  openedAt: number | undefined;
  // Private, as is the URL: the runtime's socket keeps the URL with its credentials in its own fields.
  readonly #socket: WebSocketLike;
  readonly #url: string;
  #observer: ConnectionObserver;
  // What unlisten needs; before listen() returned, nothing, and unlisten then removes nothing.
  #listening: Listening;
  #timer: ReturnType<typeof setTimeout> | undefined;
  // The code and reason close() was called with, once it was.
  #closing: [code?: number, reason?: string] | undefined;
  #ended = false;

  /**
   * Calls the constructor and listens to the socket it makes.
   * @throws whatever the constructor throws; a socket that cannot be listened to is closed, then the TypeError is thrown.
   */
  constructor(options: ConnectionOptions, observer: ConnectionObserver) {
    const { WebSocketCtor, url, protocols, binaryType, connectTimeout } = options;
    this.#observer = observer;
    this.#url = url;
    const socket = (this.#socket = protocols === undefined ? new WebSocketCtor(url) : new WebSocketCtor(url, protocols));
    try {
      this.#listening = listen(socket, this);
      if (binaryType !== undefined) socket.binaryType = binaryType;
    } catch (error) {
      this.#end();
      terminate(socket);
      throw error;
    }
    // `undefined < Infinity` is false: no timer without a limit.
    if (connectTimeout! < Infinity) {
      this.#timer = setTimeout(() => {
        this.#observer.error({ type: 'error', message: `the connection did not open within ${connectTimeout} ms (connectTimeout)` });
        this.abandon();
      }, connectTimeout);
    }
  }

  /** The runtime's socket. */
  get socket(): WebSocketLike {
    return this.#socket;
  }

  /** Whether the connection has ended: no event will follow. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Starts the closing handshake, and ends the connection with `code` (unclean) if the peer has
   * not answered within `CLOSING_TIMEOUT_MS` (1 s). Calling it again does nothing.
   */
  close(code?: number, reason?: string): void {
    if (this.#closing || this.#ended) return;
    this.#closing = [code, reason];
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.abandon(code, reason), CLOSING_TIMEOUT_MS);
    this.#sendClose();
  }

  /** Drops the socket without its closing handshake and ends the connection with `code` (default 1006), unclean. */
  abandon(code = ABNORMAL_CLOSURE, reason = ''): void {
    if (this.#ended) return;
    this.#end();
    terminate(this.#socket, code === ABNORMAL_CLOSURE ? undefined : code, reason);
    this.#observer.close({ type: 'close', code, reason, wasClean: false });
  }

  /** @internal The one entry point of the socket's events. */
  handle(type: SocketEventType, event: NativeEvent): void {
    const observer = this.#observer;
    if (type == 'message') observer.message(event);
    else if (type == 'close') {
      this.#end();
      observer.close(event);
    } else if (this.#closing) {
      // Some wrappers open after close() was called; browsers and ws never do: close it again.
      // And closing a socket that is still connecting makes the runtime report the abandoned
      // handshake as an error: it is not one.
      if (type == 'open') this.#sendClose();
    } else if (type == 'open') {
      clearTimeout(this.#timer);
      this.openedAt = Date.now();
      observer.open(this);
    } else {
      observer.error(event);
      this.abandon();
    }
  }

  /** @internal How `console.log` and `util.inspect` show the connection in Node: its URL with credentials redacted, never the runtime socket. */
  [INSPECT](_depth: number, options?: object, inspect?: (value: unknown, options?: object) => string): string {
    return inspectSummary('Connection', { url: this.#url, readyState: this.#socket.readyState, ended: this.#ended }, options, inspect);
  }

  /** Sends the close frame close() was asked for; a socket that refuses is dropped. */
  #sendClose(): void {
    try {
      this.#socket.close(...this.#closing!);
    } catch {
      this.abandon(...this.#closing!);
    }
  }

  #end(): void {
    this.#ended = true;
    clearTimeout(this.#timer);
    unlisten(this.#socket, this.#listening);
  }
}
