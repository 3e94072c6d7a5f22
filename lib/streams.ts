import type { Observable } from 'rxjs';
import type { SocketEvent, SocketEventOf, SocketEventType } from './events.js';
import { Fanout } from './fanout.js';
import type { ReconnectEvent } from './retry.js';
import type { SenderEvents } from './sender.js';

/** The streams besides the events, by name, with what they carry. */
export interface Extras<Out> {
  reconnect: ReconnectEvent;
  dropped: Out;
  drained: void;
  writable: boolean;
}

type Typed = { [T in SocketEventType]?: Fanout<SocketEventOf<T>> };
type ExtraFanouts<Out> = { [K in keyof Extras<Out>]?: Fanout<Extras<Out>[K]> };

/**
 * The socket's outgoing streams. Every event enters at `emit` and goes to `events$` and to the
 * stream of its type (one lookup, so a message never passes through the filters of `open$`,
 * `error$` or `close$` subscribers). Streams are made on first use: an idle socket carries only
 * what someone listens to. A stream made after `complete()` completes at once.
 */
export class Streams<In, Out> implements SenderEvents<Out> {
  /** Every event. */
  readonly events = new Fanout<SocketEvent>();
  /** Decoded messages. */
  readonly decoded = new Fanout<In>();
  readonly #typed: Typed = {};
  readonly #extras: ExtraFanouts<Out> = {};
  readonly #views: { [name: string]: Observable<unknown> } = {};
  #completed = false;

  /** Delivers an event to `events$` and to its type's stream, each only when observed. */
  emit(event: SocketEvent): void {
    if (this.events.observed) this.events.next(event);
    const typed = this.#typed[event.type] as Fanout<SocketEvent> | undefined;
    if (typed !== undefined && typed.observed) typed.next(event);
  }

  /** The stream of one event type. */
  typed<T extends SocketEventType>(type: T): Fanout<SocketEventOf<T>> {
    const typed = this.#typed;
    return (typed[type] ??= this.#made(new Fanout<SocketEventOf<T>>()) as never);
  }

  /** One of the other streams (`reconnect$`, `dropped$`, `drained$`, `writable$`). */
  extra<K extends keyof Extras<Out>>(name: K): Fanout<Extras<Out>[K]> {
    const extras = this.#extras as { [N in keyof Extras<Out>]?: Fanout<Extras<Out>[N]> };
    return (extras[name] ??= this.#made(new Fanout<Extras<Out>[K]>()) as never);
  }

  /** Delivers a value to one of the other streams, if anyone has asked for it. */
  nextExtra<K extends keyof Extras<Out>>(name: K, value: Extras<Out>[K]): void {
    this.#extras[name]?.next(value);
  }

  /** Delivers a message the outbox dropped to `dropped$`. */
  dropped(value: Out): void {
    this.nextExtra('dropped', value);
  }

  /** Tells `writable$` of a change, and `drained$` when the socket became writable again. */
  writable(writable: boolean): void {
    this.nextExtra('writable', writable);
    if (writable) this.nextExtra('drained', undefined);
  }

  /** A stream made once and kept, so that `socket.open$ === socket.open$`. */
  view<T>(name: string, make: () => Observable<T>): Observable<T> {
    return (this.#views[name] ??= make()) as Observable<T>;
  }

  /** Completes every stream, and every one made later. */
  complete(): void {
    this.#completed = true;
    this.events.complete();
    for (const fanout of Object.values(this.#typed)) fanout.complete();
    this.decoded.complete();
    for (const fanout of Object.values(this.#extras)) fanout.complete();
  }

  #made<T>(fanout: Fanout<T>): Fanout<T> {
    if (this.#completed) fanout.complete();
    return fanout;
  }
}
