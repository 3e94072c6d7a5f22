/**
 * lib/lifecycle.ts on its own: the transition table, the state machine that goes through it, and
 * the reference counting of a lazy socket. (spec/lifecycle.spec.ts drives the same machine through
 * whole sockets and misbehaving runtimes.)
 */
import { Lifecycle, RefCount, TRANSITIONS, type SocketState } from '../lib/lifecycle.js';
import { Subject } from 'rxjs';

const STATES: readonly SocketState[] = ['connecting', 'open', 'closing', 'closed', 'reconnecting'];
const pairs = STATES.flatMap((from) => STATES.filter((to) => to !== from).map((to) => [from, to] as const));

/** Every state a machine starting at `from` shows, while `step` runs. */
function watched(
  from: SocketState,
  step: (lifecycle: Lifecycle) => void,
): { lifecycle: Lifecycle; seen: SocketState[]; completed: boolean } {
  const lifecycle = new Lifecycle(from);
  const seen: SocketState[] = [];
  let completed = false;
  lifecycle.state$.subscribe({ next: (state) => seen.push(state), complete: () => (completed = true) });
  step(lifecycle);
  return { lifecycle, seen, completed };
}

describe('the transition table', () => {
  it.each(pairs.filter(([from, to]) => TRANSITIONS[from].includes(to)))('allows %s → %s, and state$ tells it', (from, to) => {
    const { lifecycle, seen } = watched(from, (machine) => expect(machine.to(to)).toBe(true));
    expect(lifecycle.state).toBe(to);
    expect(seen).toEqual([from, to]);
  });

  it.each(pairs.filter(([from, to]) => !TRANSITIONS[from].includes(to)))('refuses %s → %s, and state$ tells nothing', (from, to) => {
    const { lifecycle, seen } = watched(from, (machine) => expect(machine.to(to)).toBe(false));
    expect(lifecycle.state).toBe(from);
    expect(seen).toEqual([from]);
  });

  it('lists exactly the transitions its documentation names', () => {
    expect(TRANSITIONS).toEqual({
      connecting: ['open', 'closing', 'reconnecting', 'closed'],
      open: ['closing', 'reconnecting', 'closed'],
      reconnecting: ['open', 'closing', 'closed'],
      closing: ['closed', 'connecting'],
      closed: ['connecting'],
    });
  });

  it('counts staying in a state as done, without telling state$ again', () => {
    const { seen } = watched('open', (machine) => expect(machine.to('open')).toBe(true));
    expect(seen).toEqual(['open']);
  });
});

describe('Lifecycle', () => {
  it('finishes in a final closed: state$ completes, and no transition follows, not even to connecting', () => {
    const { lifecycle, seen, completed } = watched('open', (machine) => machine.finish({ by: 'server', code: 1000, reconnect: 'off' }));
    expect(seen).toEqual(['open', 'closed']);
    expect(completed).toBe(true);
    expect(lifecycle.to('connecting')).toBe(false);
    expect(lifecycle.state).toBe('closed');
    // A late subscriber sees the final state, then the completion.
    const late = watched('closed', () => undefined);
    expect(late.seen).toEqual(['closed']);
    const after: string[] = [];
    lifecycle.state$.subscribe({ next: (state) => after.push(state), complete: () => after.push('complete') });
    expect(after).toEqual(['closed', 'complete']);
  });

  it('is ending once close() was asked for or a final close is under way, and keeps the first reason it was given', () => {
    const lifecycle = new Lifecycle('connecting');
    expect(lifecycle.ending).toBe(false);
    expect(lifecycle.closedFor).toBeUndefined();
    lifecycle.closeRequest = { code: 1000, reason: '' };
    expect(lifecycle.ending).toBe(true);

    const other = new Lifecycle('open');
    other.closing({ by: 'network', reconnect: 'exhausted' });
    expect(other.ending).toBe(true);
    other.closing({ by: 'client', code: 1000 });
    other.finish({ by: 'server', code: 4000 });
    expect(other.closedFor).toEqual({ by: 'network', reconnect: 'exhausted' });
  });

  it('makes state$ once and shares it', () => {
    const lifecycle = new Lifecycle('connecting');
    expect(lifecycle.state$).toBe(lifecycle.state$);
  });
});

describe('RefCount', () => {
  it('reports active when the first subscriber comes, and idle a microtask after the last leaves', async () => {
    const changes: boolean[] = [];
    const refs = new RefCount((active) => changes.push(active));
    const source = new Subject<number>();
    const counted = refs.counted(source);
    const a = counted.subscribe();
    const b = counted.subscribe();
    expect(refs.count).toBe(2);
    expect(changes).toEqual([true]);
    a.unsubscribe();
    b.unsubscribe();
    expect(refs.count).toBe(0);
    expect(changes).toEqual([true]);
    await Promise.resolve();
    expect(changes).toEqual([true, false]);
  });

  it('stays active when a subscriber comes straight back, and passes values and completion through', async () => {
    const changes: boolean[] = [];
    const refs = new RefCount((active) => changes.push(active));
    const source = new Subject<number>();
    const counted = refs.counted(source);
    counted.subscribe().unsubscribe();
    const values: Array<number | string> = [];
    counted.subscribe({ next: (value) => values.push(value), complete: () => values.push('complete') });
    await Promise.resolve();
    // Each 0 → 1 is told, but the idle one in between is not.
    expect(changes).toEqual([true, true]);
    source.next(1);
    source.complete();
    expect(values).toEqual([1, 'complete']);
    // Completion released the subscriber.
    expect(refs.count).toBe(0);
    await Promise.resolve();
    expect(changes).toEqual([true, true, false]);
  });
});
