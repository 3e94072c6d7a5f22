import { Observable } from 'rxjs';
import type { ClosedBy } from './errors.js';
import { Fanout } from './fanout.js';

/**
 * The connection state, as `state$` tells it.
 *
 * `'connecting'` until the first open; `'open'`; `'closing'` after `close()` until the socket
 * has closed; `'reconnecting'` while waiting to connect again and while doing so; `'closed'`,
 * which is final unless the socket is `lazy` and gets a new subscriber.
 */
export type SocketState = 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

/**
 * Which state may follow which. Every change of state goes through this table; a change it does
 * not list is refused, so the state never goes back (a socket that opens after `close()` stays
 * `'closing'`) and nothing follows a final `'closed'`.
 *
 * - `connecting → open`: the first connection opened.
 * - `connecting | open | reconnecting → closing`: `close()`, or the last subscriber of a lazy socket left.
 * - `connecting | open → reconnecting`: the connection ended and the reconnect policy retries.
 * - `reconnecting → open`: a reconnect attempt opened.
 * - `* → closed`: closed for good, or idle (lazy, no subscriber).
 * - `closing | closed → connecting`: a lazy socket got a subscriber again.
 */
export const TRANSITIONS: { readonly [From in SocketState]: readonly SocketState[] } = {
  connecting: ['open', 'closing', 'reconnecting', 'closed'],
  open: ['closing', 'reconnecting', 'closed'],
  reconnecting: ['open', 'closing', 'closed'],
  closing: ['closed', 'connecting'],
  closed: ['connecting'],
};

/**
 * The socket's one state machine: its state, the `close()` asked for, and whether it is closed
 * for good. `state$` is its state.
 */
export class Lifecycle {
  /** The close the user asked for, once `close()` was called. */
  closeRequest: { readonly code: number; readonly reason: string } | undefined;
  #state: SocketState;
  #closedFor: ClosedBy | undefined;
  #final = false;
  // Made when state$ is first subscribed: most sockets are never asked.
  #states: Fanout<SocketState> | undefined;
  #state$: Observable<SocketState> | undefined;

  constructor(initial: SocketState) {
    this.#state = initial;
  }

  /** The current state. */
  get state(): SocketState {
    return this.#state;
  }

  /** How the socket came to be closed for good, or `undefined` while it is not. */
  get closedFor(): ClosedBy | undefined {
    return this.#closedFor;
  }

  /** Whether the socket takes no more messages: `close()` was called, or it is closed for good. */
  get ending(): boolean {
    return this.closeRequest !== undefined || this.#closedFor !== undefined;
  }

  /** The current state first, then each change; completes after the final `'closed'`. */
  get state$(): Observable<SocketState> {
    return (this.#state$ ??= new Observable<SocketState>((subscriber) => {
      subscriber.next(this.#state);
      return (this.#states ??= new Fanout<SocketState>()).add(subscriber);
    }));
  }

  /**
   * Moves to `state` if the transition table allows it.
   * @returns whether the state is now `state`.
   */
  to(state: SocketState): boolean {
    if (this.#state === state) return true;
    if (this.#final || !TRANSITIONS[this.#state].includes(state)) return false;
    this.#state = state;
    this.#states?.next(state);
    return true;
  }

  /** Records why the socket is closing for good, before the last events are emitted (so `send` already refuses). */
  closing(closedBy: ClosedBy): void {
    this.#closedFor ??= closedBy;
  }

  /** Moves to the final `'closed'` and completes `state$`. */
  finish(closedBy: ClosedBy): void {
    this.#closedFor ??= closedBy;
    this.to('closed');
    this.#final = true;
    (this.#states ??= new Fanout<SocketState>()).complete();
  }
}

/**
 * Reference counting for a lazy socket: subscribers of the counted streams keep it connected.
 * `changed(true)` runs when the count goes from 0 to 1; `changed(false)` on a later turn after the
 * count dropped to 0, if it is still 0 (so a subscriber that comes straight back keeps the
 * connection, and a `close(code)` right after the last unsubscribe is the close that reaches the server).
 */
export class RefCount {
  /** Subscribers now. */
  count = 0;
  readonly #changed: (active: boolean) => void;

  constructor(changed: (active: boolean) => void) {
    this.#changed = changed;
  }

  /** `source`, with each subscriber counted while subscribed. */
  counted<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      subscriber.add(() => {
        if (--this.count === 0) queueMicrotask(() => this.count === 0 && this.#changed(false));
      });
      if (++this.count === 1) this.#changed(true);
      return source.subscribe(subscriber);
    });
  }
}
