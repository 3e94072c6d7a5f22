/**
 * Test doubles of a runtime's WebSocket, driven by hand: the spec decides when each event is
 * dispatched and in what shape, and reads back every `send` and `close` call. They misbehave on
 * demand in the ways some wrappers do (events without `type`, `on*` properties only, an `open`
 * after `close()`), which real runtimes cannot be made to do.
 */

type Listener = (event: unknown) => void;
type EventName = 'open' | 'message' | 'error' | 'close';

/** What every double has: the calls it received, and a way to dispatch an event. */
abstract class ScriptedSocket {
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'blob';
  /** Every `send` call's data, in order. */
  readonly sent: unknown[] = [];
  /** Every `close` call's arguments, in order. */
  readonly closes: Array<[code: number | undefined, reason: string | undefined]> = [];

  constructor(readonly url: string) {}

  send(data: unknown): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closes.push([code, reason]);
  }

  /** Dispatches `event` (as given: it may lack `type`) to the listeners of `type`. */
  abstract dispatch(type: EventName, event: object): void;

  /** Opens: readyState 1, then an `open` event. */
  open(event: object = { type: 'open' }): void {
    this.readyState = 1;
    this.dispatch('open', event);
  }

  /** Closes from the far side: readyState 3, then a `close` event. */
  closed(code: number, reason = '', wasClean = true, withType = true): void {
    this.readyState = 3;
    this.dispatch('close', withType ? { type: 'close', code, reason, wasClean } : { code, reason, wasClean });
  }
}

/** A double with `addEventListener`/`removeEventListener`, as the DOM's WebSocket has. */
export class FakeSocket extends ScriptedSocket {
  readonly #listeners = new Map<string, Set<Listener>>();

  addEventListener(type: string, listener: Listener): void {
    let listeners = this.#listeners.get(type);
    if (listeners === undefined) this.#listeners.set(type, (listeners = new Set()));
    listeners.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** How many listeners are attached, over all event types. */
  get listenerCount(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  dispatch(type: EventName, event: object): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

/** A double with only the `onopen`/`onmessage`/`onerror`/`onclose` properties, no `addEventListener`. */
export class PropertySocket extends ScriptedSocket {
  onopen: Listener | null = null;
  onmessage: Listener | null = null;
  onerror: Listener | null = null;
  onclose: Listener | null = null;

  dispatch(type: EventName, event: object): void {
    this[`on${type}`]?.(event);
  }
}

/**
 * A WebSocket constructor that makes the sockets `make` returns, and records them in `sockets`.
 * Typed loosely: cast it to the library's `WebSocketConstructor` at the call site.
 */
export function scriptedCtor<S>(make: (url: string) => S): { Ctor: new (url: string) => S; sockets: S[] } {
  const sockets: S[] = [];
  const Ctor = function (url: string): S {
    const socket = make(url);
    sockets.push(socket);
    return socket;
  } as unknown as new (url: string) => S;
  return { Ctor, sockets };
}
