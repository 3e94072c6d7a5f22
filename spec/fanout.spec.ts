import { config as rxjsConfig } from 'rxjs';
import { Fanout } from '../lib/fanout.js';

describe('Fanout', () => {
  it('delivers each value to every subscriber in subscription order, and completes them', () => {
    const fanout = new Fanout<number>();
    const seen: string[] = [];
    fanout.observable.subscribe({ next: (n) => seen.push(`a${n}`), complete: () => seen.push('a done') });
    fanout.observable.subscribe((n) => seen.push(`b${n}`));
    expect(fanout.observed).toBe(true);
    fanout.next(1);
    fanout.next(2);
    fanout.complete();
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2', 'a done']);
    expect(fanout.observed).toBe(false);
  });

  it('completes a subscriber that comes after complete()', () => {
    const fanout = new Fanout<number>();
    fanout.complete();
    const complete = jest.fn();
    fanout.observable.subscribe({ complete });
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('is observed while someone is subscribed, and no longer once every subscriber has left', () => {
    const fanout = new Fanout<number>();
    expect(fanout.observed).toBe(false);
    const first = fanout.observable.subscribe();
    const second = fanout.observable.subscribe();
    first.unsubscribe();
    expect(fanout.observed).toBe(true);
    second.unsubscribe();
    expect(fanout.observed).toBe(false);
  });

  it('lets a subscriber leave during delivery without skipping the others', () => {
    const fanout = new Fanout<number>();
    const seen: string[] = [];
    const first = fanout.observable.subscribe(() => {
      seen.push('first');
      first.unsubscribe();
    });
    fanout.observable.subscribe(() => seen.push('second'));
    fanout.next(1);
    fanout.next(2);
    expect(seen).toEqual(['first', 'second', 'second']);
  });

  it('keeps delivering to others when a subscriber throws; RxJS reports the error', () => {
    const reported: unknown[] = [];
    const saved = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => reported.push(error);
    jest.useFakeTimers();
    try {
      const fanout = new Fanout<number>();
      const seen: number[] = [];
      fanout.observable.subscribe(() => {
        throw new Error('bad subscriber');
      });
      fanout.observable.subscribe((n) => seen.push(n));
      fanout.next(1);
      fanout.next(2);
      jest.runAllTimers();
      expect(seen).toEqual([1, 2]);
      expect(reported).toEqual([new Error('bad subscriber'), new Error('bad subscriber')]);
    } finally {
      jest.useRealTimers();
      rxjsConfig.onUnhandledError = saved;
    }
  });
});
