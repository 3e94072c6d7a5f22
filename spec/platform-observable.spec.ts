import { Subject, type Observer } from 'rxjs';
import { NotImplementedError, toObservable, type PlatformObservableConstructor, type PlatformSubscriber } from '../lib/index.js';

type Listener<T> = Partial<Pick<Observer<T>, 'next' | 'error' | 'complete'>>;

/** A platform Observable reduced to what the adapter relies on: a subscriber with addTeardown, ended by an AbortSignal. */
class PlatformLike<T> {
  constructor(private readonly init: (subscriber: PlatformSubscriber<T>) => void) {}

  subscribe(observer?: Listener<T> | ((value: T) => void) | null, options?: { signal?: AbortSignal }): void {
    const listener: Listener<T> = typeof observer === 'function' ? { next: observer } : (observer ?? {});
    const teardowns: Array<() => void> = [];
    let active = true;
    const end = (): void => {
      if (!active) return;
      active = false;
      for (const teardown of teardowns.reverse()) teardown();
    };
    options?.signal?.addEventListener('abort', end);
    this.init({
      next: (value) => active && listener.next?.(value),
      error: (error) => active && (end(), listener.error?.(error)),
      complete: () => active && (end(), listener.complete?.()),
      addTeardown: (teardown) => (active ? teardowns.push(teardown) : teardown()),
    });
  }
}
const Platform = PlatformLike as unknown as PlatformObservableConstructor;

describe('toObservable', () => {
  it('passes values, then completion, to each subscriber of the platform Observable', () => {
    const source = new Subject<number>();
    const seen: unknown[] = [];
    toObservable(source, Platform).subscribe({ next: (value) => seen.push(value), complete: () => seen.push('complete') });
    source.next(1);
    source.next(2);
    source.complete();
    expect(seen).toEqual([1, 2, 'complete']);
  });

  it('passes an error on', () => {
    const source = new Subject<number>();
    const errors: unknown[] = [];
    toObservable(source, Platform).subscribe({ error: (error) => errors.push(error) });
    source.error(new Error('boom'));
    expect(errors).toEqual([new Error('boom')]);
    expect(source.observed).toBe(false);
  });

  it('unsubscribes from the source when the signal aborts', () => {
    const source = new Subject<number>();
    const seen: number[] = [];
    const controller = new AbortController();
    toObservable(source, Platform).subscribe((value) => seen.push(value), { signal: controller.signal });
    source.next(1);
    expect(source.observed).toBe(true);
    controller.abort();
    expect(source.observed).toBe(false);
    source.next(2);
    expect(seen).toEqual([1]);
  });

  it('subscribes to the source once per subscription, not before', () => {
    let subscriptions = 0;
    const source = { subscribe: () => (subscriptions++, { unsubscribe: () => undefined }) };
    const adapted = toObservable(source, Platform);
    expect(subscriptions).toBe(0);
    adapted.subscribe();
    adapted.subscribe();
    expect(subscriptions).toBe(2);
  });

  it('ends the source subscription of a source that completes while being subscribed to', () => {
    const unsubscribed: boolean[] = [];
    const source = {
      subscribe: (observer: Listener<string>) => {
        observer.next?.('only');
        observer.complete?.();
        return { unsubscribe: () => unsubscribed.push(true) };
      },
    };
    const seen: string[] = [];
    toObservable(source, Platform).subscribe((value) => seen.push(value));
    expect(seen).toEqual(['only']);
    expect(unsubscribed).toEqual([true]);
  });

  it('uses globalThis.Observable when no constructor is given', () => {
    const global = globalThis as { Observable?: unknown };
    global.Observable = PlatformLike;
    try {
      const seen: number[] = [];
      const source = new Subject<number>();
      toObservable(source).subscribe((value) => seen.push(value));
      source.next(7);
      expect(seen).toEqual([7]);
    } finally {
      delete global.Observable;
    }
  });

  it('throws NotImplementedError saying what to import where the runtime has no Observable', () => {
    expect('Observable' in globalThis).toBe(false);
    expect(() => toObservable(new Subject<number>())).toThrow(NotImplementedError);
    expect(() => toObservable(new Subject<number>())).toThrow(/no globalThis\.Observable\. Import RxJS 9 first \(import 'rxjs'\)/);
  });
});
