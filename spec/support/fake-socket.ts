/**
 * Test doubles of a runtime's WebSocket, driven by hand: nothing happens until the spec says the
 * connection opened, a message arrived, an error was reported or the connection closed, so they
 * run under jest's fake timers. Each event is dispatched at once and in the shape the spec asks
 * for, and every `send` and `close` call is read back. They misbehave on demand in the ways some
 * wrappers do (events without `type` or without some fields, `on*` properties only, an `open`
 * after `close()`), which real runtimes cannot be made to do.
 */
import type { SocketEventType, WebSocketConstructor, WebSocketLike } from '../../lib/index.js';

/** A listener or an `on*` handler. It gets the event exactly as the spec dispatched it, so the event may lack `type`. */
type Listener = (event: object) => void;

/** What every double has: the calls it received, the runtime's side of the connection on the spec's word, and its listeners counted. */
abstract class ScriptedSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'blob';
  /** The constructor's arguments, as given: the URL (the drop-in passes a `URL` object on as it is), then the protocols, if any. */
  readonly args: unknown[];
  /** Every `send` call's data, in order. */
  readonly sent: unknown[] = [];
  /** Every `close` call's arguments, in order. */
  readonly closes: Array<[code: number | undefined, reason: string | undefined]> = [];

  constructor(...args: unknown[]) {
    this.args = args;
  }

  /** The URL it was made with. */
  get url(): unknown {
    return this.args[0];
  }

  /** Records the data, as a runtime accepts it only while open. @throws in any other readyState. */
  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error(`${this.constructor.name}: send() in readyState ${this.readyState}`);
    this.sent.push(data);
  }

  /** Records the call and goes to closing; the close event comes only when the spec calls `closed()`, as a peer's answer would. */
  close(code?: number, reason?: string): void {
    this.closes.push([code, reason]);
    if (this.readyState < 2) this.readyState = 2;
  }

  /** How many listeners of `type` are attached now, or over all event types without one. */
  abstract listenerCount(type?: SocketEventType): number;

  /** Dispatches `event` (as given: it may lack `type`) to the listeners of `type`; readyState is left as it is. */
  abstract dispatch(type: SocketEventType, event: object): void;

  // ---- what the network or the server does, on the spec's word ----

  /** Opens: readyState 1, then an `open` event (`event` as given, so `{}` is one without `type`). */
  open(event: object = { type: 'open' }): object {
    this.readyState = 1;
    this.dispatch('open', event);
    return event;
  }

  /** A message arrives with `data`. @returns the event dispatched. */
  receive(data: unknown): object {
    const event = { type: 'message', data };
    this.dispatch('message', event);
    return event;
  }

  /** The runtime reports an error (`event` as given); readyState is left as it is. @returns the event dispatched. */
  fail(event: object = { type: 'error' }): object {
    this.dispatch('error', event);
    return event;
  }

  /** Closes from the far side, or drops with `wasClean: false`: readyState 3, then a close event with every field. @returns the event. */
  closed(code = 1000, reason = '', wasClean = true): object {
    return this.closedWith({ type: 'close', code, reason, wasClean });
  }

  /** Closes with a close event exactly as given, for one without `type` or without some fields, as a runtime may send: readyState 3. */
  closedWith(event: object): object {
    this.readyState = 3;
    this.dispatch('close', event);
    return event;
  }
}

/**
 * A double with `addEventListener`/`removeEventListener`, as the DOM's WebSocket has (also undici's
 * and mock-socket's). It keeps the listeners as an EventTarget does (a listener added twice is
 * held once), so what is left on it is countable.
 */
export class FakeSocket extends ScriptedSocket {
  readonly #listeners = new Map<string, Set<Listener>>();

  addEventListener(type: SocketEventType, listener: Listener): void {
    let listeners = this.#listeners.get(type);
    if (listeners === undefined) this.#listeners.set(type, (listeners = new Set()));
    listeners.add(listener);
  }

  removeEventListener(type: SocketEventType, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  listenerCount(type?: SocketEventType): number {
    if (type !== undefined) return this.#listeners.get(type)?.size ?? 0;
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  dispatch(type: SocketEventType, event: object): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

/** A double with only the `onopen`/`onmessage`/`onerror`/`onclose` properties, no `addEventListener`. */
export class PropertySocket extends ScriptedSocket {
  onopen: Listener | null = null;
  onmessage: Listener | null = null;
  onerror: Listener | null = null;
  onclose: Listener | null = null;

  /** How many of the `on*` handlers are set: of `type` (0 or 1), or of all four. */
  listenerCount(type?: SocketEventType): number {
    const types: SocketEventType[] = type === undefined ? ['open', 'message', 'error', 'close'] : [type];
    return types.filter((each) => this[`on${each}`] !== null).length;
  }

  dispatch(type: SocketEventType, event: object): void {
    this[`on${type}`]?.(event);
  }
}

/** A WebSocket constructor for the library, with what it made and what it was called with. */
export interface RecordingCtor<S> {
  /** The constructor. Typed as the library's, whatever `make` returns: a spec may make an object that is no socket on purpose. */
  readonly WebSocketCtor: WebSocketConstructor;
  /** What each call made, oldest first. */
  readonly made: S[];
  /** The arguments of each call, as the library gave them. */
  readonly args: unknown[][];
}

/**
 * A WebSocket constructor that makes a {@link FakeSocket} on each call, or whatever `make` returns
 * (a {@link PropertySocket}, a subclass, an object that is no socket, or it throws), and records
 * what it made and the arguments of each call. `make` is given the arguments the library passed.
 */
export function fakeSockets(): RecordingCtor<FakeSocket>;
export function fakeSockets<S>(make: (url: string, protocols?: string | string[]) => S): RecordingCtor<S>;
export function fakeSockets(
  make: (url: string, protocols?: string | string[]) => unknown = (...args) => new FakeSocket(...args),
): RecordingCtor<unknown> {
  const made: unknown[] = [];
  const args: unknown[][] = [];
  const WebSocketCtor = function (...given: [url: string, protocols?: string | string[]]): unknown {
    args.push(given);
    const socket = make(...given);
    made.push(socket);
    return socket;
  } as unknown as WebSocketConstructor;
  return { WebSocketCtor, made, args };
}
