import { Observable, type Subscriber } from 'rxjs';

// Shared by every fanout with no subscriber, so an idle one holds no array of its own.
const NONE: ReadonlyArray<never> = Object.freeze([]);

/**
 * The multicast behind the socket's streams: what a Subject does for `next` and `complete`, for
 * the hot path. It iterates a plain array, allocates nothing per value, and copies the array
 * only when subscribers come or go, so a subscriber that leaves during delivery is safe.
 * Each subscriber is RxJS's own `Subscriber`, so a throwing one is reported as RxJS does and
 * the others still receive.
 */
export class Fanout<T> {
  #subscribers: ReadonlyArray<Subscriber<T>> = NONE;
  #completed = false;
  #made: Observable<T> | undefined;

  /** Subscribe here. A subscriber after `complete()` completes at once. Made on first use. */
  get observable(): Observable<T> {
    return (this.#made ??= new Observable<T>((subscriber) => this.add(subscriber)));
  }

  /** Adds a subscriber; returns its teardown. */
  add(subscriber: Subscriber<T>): (() => void) | undefined {
    if (this.#completed) {
      subscriber.complete();
      return undefined;
    }
    this.#subscribers = [...this.#subscribers, subscriber];
    return () => {
      this.#subscribers = this.#subscribers.filter((other) => other !== subscriber);
    };
  }

  /** Whether anyone is subscribed. */
  get observed(): boolean {
    return this.#subscribers.length > 0;
  }

  /** Delivers a value to every subscriber, in subscription order. */
  next(value: T): void {
    const subscribers = this.#subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(value);
  }

  /** Completes every subscriber, and every later one. */
  complete(): void {
    this.#completed = true;
    const subscribers = this.#subscribers;
    this.#subscribers = NONE;
    for (const subscriber of subscribers) subscriber.complete();
  }
}
