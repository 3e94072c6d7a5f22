import type { Observer, Unsubscribable } from 'rxjs';
import { NotImplementedError } from './errors.js';

/** What {@link toObservable} reads from a stream: anything with RxJS's `subscribe(observer)`. */
export interface SubscribableStream<T> {
  /** Subscribes with an observer (or a `next` function); the returned subscription's `unsubscribe()` ends it. */
  subscribe(observer: Partial<Observer<T>> | ((value: T) => void)): Unsubscribable;
}

/**
 * The subscriber a platform `Observable` hands to its subscribe callback (WICG Observable, as
 * RxJS 9 and its `@rxjs/observable-polyfill` implement it).
 */
export interface PlatformSubscriber<T> {
  /** Delivers a value. */
  next(value: T): void;
  /** Ends the subscription with an error. */
  error(error: unknown): void;
  /** Ends the subscription. */
  complete(): void;
  /** Runs `teardown` when the subscription ends, or at once if it has already ended. */
  addTeardown(teardown: () => void): void;
}

/**
 * What a platform `Observable` offers at least: `subscribe`, with an observer or a function and an
 * optional `AbortSignal`. RxJS 9's global `Observable<T>` type has more (operators such as
 * `[map]` from `rxjs/map`); annotate the result of {@link toObservable} with it to use them.
 */
export interface PlatformObservable<T> {
  /** Subscribes; aborting `options.signal` unsubscribes. */
  subscribe: (
    observer?: Partial<Pick<Observer<T>, 'next' | 'error' | 'complete'>> | ((value: T) => void) | null,
    options?: { signal?: AbortSignal },
  ) => void;
}

/** The platform `Observable` constructor: `globalThis.Observable` in RxJS 9 apps and in browsers that have one. */
export type PlatformObservableConstructor = new <T>(subscribe: (subscriber: PlatformSubscriber<T>) => void) => PlatformObservable<T>;

/**
 * One of this library's streams (the socket itself, `messages$`, `state$`, a drop-in subject, a
 * `request()`) as a platform `Observable`, the kind RxJS 9 is built on.
 *
 * The library's streams are RxJS 7 Observables (from the app's rxjs in RxJS 7 and 8 apps, from its
 * own copy in RxJS 9 apps). RxJS 9 no longer reads other Observables through `Symbol.observable`,
 * so pass them through this to use RxJS 9 operators on them. Each subscription to the result
 * subscribes to `source`; ending it (an `AbortSignal`, an operator such as `[take]`) unsubscribes.
 *
 * The constructor is `globalThis.Observable`, which RxJS 9 installs on import where the runtime
 * has none; pass another as `Observable`. The result's type defaults to {@link PlatformObservable};
 * annotate it with RxJS 9's global `Observable<T>` to use its operators, as below.
 *
 * @example
 * // In an app on RxJS 9 (which puts the platform Observable on globalThis where the runtime has
 * // none). The README's RxJS 9 example shows its operators on the result.
 * import { ReactiveWebSocket, toObservable } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket<string, string>({ url: 'ws://127.0.0.1:8080' });
 * const controller = new AbortController();
 * toObservable(socket.messages$).subscribe((text) => console.log(text), { signal: controller.signal });
 * socket.send('hello');
 * // Later: controller.abort() ends the subscription.
 *
 * @param source - the stream to adapt.
 * @param Observable - the platform `Observable` constructor (default: `globalThis.Observable`).
 * @throws NotImplementedError where there is no `globalThis.Observable` and none was passed.
 * @typeParam T - what the stream emits.
 * @typeParam O - the platform's Observable type, when annotated (default: {@link PlatformObservable}).
 */
export function toObservable<T, O extends PlatformObservable<T> = PlatformObservable<T>>(
  source: SubscribableStream<T>,
  Observable: PlatformObservableConstructor | undefined = (globalThis as { Observable?: PlatformObservableConstructor }).Observable,
): O {
  if (typeof Observable !== 'function') {
    throw new NotImplementedError(
      'reactive-websocket: toObservable() needs the platform Observable, and this runtime has no globalThis.Observable. ' +
        "Import RxJS 9 first (import 'rxjs'), which installs it where the runtime has none, or pass the constructor as the second argument.",
    );
  }
  return new Observable<T>((subscriber) => {
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    subscriber.addTeardown(() => subscription.unsubscribe());
  }) as O;
}
