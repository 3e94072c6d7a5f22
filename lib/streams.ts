import type { Observable } from 'rxjs';
import type { SocketEvent, SocketEventOf, SocketEventType } from './events.js';
import { Fanout } from './fanout.js';
import type { ReconnectEvent } from './reconnect.js';
import type { OutgoingEvents } from './feature.js';

/** The streams besides the events, by name, with what they carry. */
export interface Extras<Out> {
  reconnect: ReconnectEvent;
  dropped: Out;
  drained: void;
  writable: boolean;
}

/**
 * The socket's outgoing streams. Every event enters at `emit` and goes to `events$` and to the
 * stream of its type (one lookup, so a message never passes through the filters of `open$`,
 * `error$` or `close$` subscribers). Streams are made on first use: an idle socket carries only
 * what someone listens to. A stream made after `complete()` completes at once.
 */
export class Streams<In, Out> implements OutgoingEvents<Out> {
  /** Decoded messages. */
  readonly decoded = new Fanout<In>();
  // Every other stream by name (`events`, an event type, or an extra), made on first use, as is
  // the map itself: an idle socket carries only what someone listens to.
  #fanouts: { [name: string]: Fanout<never> } | undefined;
  #views: { [name: string]: Observable<unknown> } | undefined;
  #completed = false;

  /** Every event. */
  get events(): Fanout<SocketEvent> {
    return this.#fanout('events');
  }

  /** Delivers an event to `events$` and to its type's stream, each only when observed. */
  emit(event: SocketEvent): void {
    const fanouts = this.#fanouts as { [name: string]: Fanout<SocketEvent> | undefined } | undefined;
    if (fanouts === undefined) return;
    const all = fanouts['events'];
    if (all !== undefined && all.observed) all.next(event);
    const typed = fanouts[event.type];
    if (typed !== undefined && typed.observed) typed.next(event);
  }

  /** The stream of one event type. */
  typed<T extends SocketEventType>(type: T): Fanout<SocketEventOf<T>> {
    return this.#fanout(type);
  }

  /** One of the other streams (`reconnect$`, `dropped$`, `drained$`, `writable$`). */
  extra<K extends keyof Extras<Out>>(name: K): Fanout<Extras<Out>[K]> {
    return this.#fanout(name);
  }

  /** Delivers a value to one of the other streams, if anyone has asked for it. */
  nextExtra<K extends keyof Extras<Out>>(name: K, value: Extras<Out>[K]): void {
    (this.#fanouts?.[name] as Fanout<Extras<Out>[K]> | undefined)?.next(value);
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
    return ((this.#views ??= {})[name] ??= make()) as Observable<T>;
  }

  /** Completes every stream, and every one made later. */
  complete(): void {
    this.#completed = true;
    for (const fanout of Object.values(this.#fanouts ?? {})) fanout.complete();
    this.decoded.complete();
  }

  #fanout<T>(name: string): Fanout<T> {
    const fanouts = (this.#fanouts ??= {});
    let fanout = fanouts[name] as Fanout<T> | undefined;
    if (fanout === undefined) {
      fanout = new Fanout<T>();
      if (this.#completed) fanout.complete();
      fanouts[name] = fanout as Fanout<never>;
    }
    return fanout;
  }
}
