import type { Observable, Subscription } from 'rxjs';
import { assertEventType, type SocketCloseEvent, type SocketErrorEvent, type SocketOpenEvent } from './events.js';
import type { ReactiveWebSocketConfig } from './reactive-websocket.js';
import { INSPECT, inspectSummary } from './inspect.js';
import { ReactiveWebSocket } from './reactive-websocket.js';
import { callSafely } from './report.js';
import { describeType } from './check.js';

/**
 * Whether a socket can be made here: with `WebSocketCtor`, whether it is a constructor the library
 * can use; without, whether the runtime has a global `WebSocket` (browsers, Node 22 and later,
 * Node 20 with `--experimental-websocket`). Where it returns `false`, {@link websocket} and
 * `new ReactiveWebSocket` throw `NotImplementedError`. It looks at each call, so a `WebSocket`
 * installed after the import counts.
 *
 * Brython's `websocket.supported` is a boolean; here it is a function, because a boolean cannot
 * know the `WebSocketCtor` a program passes (on Node 20 a boolean says `false` while a socket with
 * `ws`'s constructor works), and one name cannot be both a function and a boolean that is `false`.
 * The cost: a check written for a boolean (ported from Brython, or from an earlier version of this
 * library), `if (!supported)`, no longer blocks anything, since a function is truthy; where no
 * socket can be made, `websocket()` still throws `NotImplementedError` saying what to pass.
 * TypeScript reports `if (supported)` and `supported ? … : …` as a function not called. Write
 * `supported()`, or `supported(WebSocket)` with the constructor you pass.
 *
 * @param WebSocketCtor - the constructor that will be passed as `options.WebSocketCtor`, if any.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * import { supported, websocket } from 'reactive-websocket';
 *
 * // In a browser, supported() alone; in Node before 22, with the constructor that will be passed.
 * if (supported(WebSocket)) {
 *   const ws = websocket('ws://127.0.0.1:8080', { WebSocketCtor: WebSocket });
 *   ws.bind('open', () => ws.send('hello'));
 * } else {
 *   console.log('WebSocket is not supported here');
 * }
 * ```
 */
export function supported(WebSocketCtor?: WebSocketOptions['WebSocketCtor']): boolean {
  // The rule a socket follows to pick its constructor: the one given, else the runtime's.
  return typeof (WebSocketCtor ?? (globalThis as { WebSocket?: unknown }).WebSocket) === 'function';
}

/** What a `message` handler receives: `data` holds the server's message, decoded by the `deserializer`. */
export interface MessageHandlerEvent<In = unknown> {
  /** Always `'message'`. */
  readonly type: 'message';
  /** The server's message, decoded by the `deserializer`. */
  readonly data: In;
}

/** The event each handler receives, by event name. */
export interface CallbackEvents<In = unknown> {
  /** A connection opened. */
  open: SocketOpenEvent;
  /** A message arrived. */
  message: MessageHandlerEvent<In>;
  /** A connection failed, or a message could not be decoded. */
  error: SocketErrorEvent;
  /** A connection closed. */
  close: SocketCloseEvent;
}

/** The events a handler can be bound to: `'open' | 'message' | 'error' | 'close'`. */
export type CallbackEventName = keyof CallbackEvents;

/** A handler for event `E`. */
export type Handler<In, E extends CallbackEventName> = (event: CallbackEvents<In>[E]) => void;

/** Options of {@link websocket}: those of a {@link ReactiveWebSocket} but the URL. */
export type WebSocketOptions<In = unknown, Out = unknown> = Omit<ReactiveWebSocketConfig<In, Out>, 'url'>;

/**
 * A socket for callback-style code, as `websocket(host)` returns it.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface CallbackWebSocket<In = unknown, Out = unknown> {
  /**
   * Calls `handler` on each event named `evt`. Handlers of one event run in the order they were
   * bound; binding the same function twice to one event has no further effect. A handler that
   * throws is reported (`reportError`, else `console.error`) and the others still run. A handler
   * bound while an event is being dispatched is first called for the next event, as in the DOM.
   * @throws TypeError for an unknown event name or a handler that is not a function.
   */
  bind<E extends CallbackEventName>(evt: E, handler: Handler<In, E>): void;
  /**
   * Stops calling `handler` for `evt`; without `handler`, removes every handler of `evt`. It takes
   * effect at once: a handler unbound by another handler is not called for the event being dispatched.
   * @throws TypeError for an unknown event name.
   */
  unbind<E extends CallbackEventName>(evt: E, handler?: Handler<In, E>): void;
  /** Sends a message, queued until the connection opens. Throws as {@link ReactiveWebSocket.send} does. */
  send(data: Out): void;
  /**
   * Closes the connection: code 1000 or 3000-4999, reason at most 123 UTF-8 bytes.
   * @returns the messages still waiting to be sent, which no connection will get (see {@link ReactiveWebSocket.close}).
   */
  close(code?: number, reason?: string): Out[];
  /** The reactive socket underneath, for code that wants its streams. */
  readonly socket: ReactiveWebSocket<In, Out>;
}

/**
 * Opens a WebSocket for callback-style code: `bind` handlers to `open`, `message`, `error` and
 * `close`, then `send` and `close`. It connects at once. A connection that fails calls the `error`
 * handlers, then the `close` handlers. It does not reconnect unless `options.reconnect` asks it
 * to; then `open` and `close` handlers run for every connection.
 *
 * @param host - `ws:` or `wss:` URL (`http:`/`https:` are mapped to them).
 * @param options - as for {@link ReactiveWebSocket}, without `url`.
 * @throws NotImplementedError where the runtime has no WebSocket and no `WebSocketCtor` is given.
 * @throws SyntaxError for a URL a browser would reject.
 *
 * @example
 * ```ts
 * import { websocket } from 'reactive-websocket';
 *
 * const ws = websocket<string, string>('ws://127.0.0.1:8080');
 * ws.bind('open', () => ws.send('hello'));
 * ws.bind('message', (event) => console.log(event.data));
 * ws.bind('close', (event) => console.log('closed with code', event.code));
 * ```
 */
export function websocket<In = unknown, Out = unknown>(
  host: string | URL,
  options?: WebSocketOptions<In, Out>,
): CallbackWebSocket<In, Out> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`reactive-websocket: websocket(host, options) takes an options object, not ${describeType(options)}.`);
  }
  if (options !== undefined && 'url' in options) {
    throw new TypeError('reactive-websocket: websocket(host, options) takes the URL as host; remove url from the options.');
  }
  // Callback users expect 'close' to mean closed, as with the module this follows: no reconnect unless asked.
  return new CallbackSocket(new ReactiveWebSocket<In, Out>({ reconnect: false, ...options, url: host }));
}

// Handlers of every event, as stored: each is called only with the event of its own name.
type StoredHandler = (event: never) => void;

// One binding of a handler. `bound` turns false when it is unbound, so a dispatch already under
// way skips it, as the DOM skips a removed listener; binding it again makes a new binding.
interface Binding {
  readonly handler: StoredHandler;
  bound: boolean;
}

class CallbackSocket<In, Out> implements CallbackWebSocket<In, Out> {
  // One subscription per event name, dispatching to its bindings in bind order. The lists are
  // replaced, never changed in place, so a dispatch goes over the bindings of when it began: one
  // bound during it waits for the next event, one unbound during it is skipped.
  readonly #bindings: { [E in CallbackEventName]?: readonly Binding[] } = {};
  readonly #subscriptions: { [E in CallbackEventName]?: Subscription } = {};

  constructor(readonly socket: ReactiveWebSocket<In, Out>) {}

  bind<E extends CallbackEventName>(evt: E, handler: Handler<In, E>): void {
    assertEventType(evt);
    if (typeof handler !== 'function') {
      throw new TypeError(`reactive-websocket: bind(${JSON.stringify(evt)}, handler) needs a function, not ${describeType(handler)}.`);
    }
    const bindings: readonly Binding[] = this.#bindings[evt] ?? [];
    if (bindings.some((binding) => binding.handler === handler)) return;
    this.#bindings[evt] = [...bindings, { handler, bound: true }];
    if (this.#subscriptions[evt] !== undefined) return;
    const source: Observable<unknown> = evt === 'message' ? this.socket.messages$ : this.socket.on(evt);
    this.#subscriptions[evt] = source.subscribe((value) => {
      // A message handler gets the decoded message as the event's data.
      const event = evt === 'message' ? ({ type: 'message', data: value } satisfies MessageHandlerEvent<unknown>) : value;
      for (const binding of this.#bindings[evt] ?? []) if (binding.bound) callSafely(binding.handler, event as never);
    });
  }

  unbind<E extends CallbackEventName>(evt: E, handler?: Handler<In, E>): void {
    assertEventType(evt);
    const kept: Binding[] = [];
    for (const binding of this.#bindings[evt] ?? []) {
      if (handler === undefined || binding.handler === handler) binding.bound = false;
      else kept.push(binding);
    }
    this.#bindings[evt] = kept;
    if (kept.length === 0) {
      this.#subscriptions[evt]?.unsubscribe();
      delete this.#subscriptions[evt];
    }
  }

  send(data: Out): void {
    this.socket.send(data);
  }

  close(code?: number, reason?: string): Out[] {
    return this.socket.close(code, reason);
  }

  // console.log(ws) in Node: a summary with the URL redacted, as for the socket underneath.
  [INSPECT](_depth: number, options?: object, inspect?: (value: unknown, options?: object) => string): string {
    const { url, state, queued } = this.socket;
    return inspectSummary('CallbackWebSocket', { url, state, queued }, options, inspect);
  }
}
