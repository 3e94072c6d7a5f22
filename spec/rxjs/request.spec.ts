/**
 * request(socket, message, options): request/response over anything with `send` and `messages$`,
 * such as a ReactiveWebSocket. Fake timers for the timeout.
 */
import { Subject, retry } from 'rxjs';
import { request, RequestTimeoutError, DEFAULT_REQUEST_TIMEOUT } from '../../lib/rxjs.js';

type Reply = { id: number; result?: string };

function channel() {
  const messages$ = new Subject<Reply>();
  const sent: unknown[] = [];
  return { messages$, sent, send: (message: unknown) => void sent.push(message) };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

it('sends nothing until subscribed, then sends once and emits the first reply match accepts, and completes', () => {
  const socket = channel();
  const reply$ = request(socket, { id: 1 }, { match: (reply) => reply.id === 1 });
  expect(socket.sent).toEqual([]);
  const values: Reply[] = [];
  let completed = false;
  reply$.subscribe({ next: (reply) => values.push(reply), complete: () => (completed = true) });
  expect(socket.sent).toEqual([{ id: 1 }]);
  socket.messages$.next({ id: 2 });
  socket.messages$.next({ id: 1, result: 'one' });
  socket.messages$.next({ id: 1, result: 'again' });
  expect(values).toEqual([{ id: 1, result: 'one' }]);
  expect(completed).toBe(true);
  expect(socket.messages$.observed).toBe(false);
});

it('listens before sending, so a reply given synchronously by send() is not missed', () => {
  const messages$ = new Subject<Reply>();
  const values: Reply[] = [];
  request({ messages$, send: () => messages$.next({ id: 9 }) }, {}, { match: () => true }).subscribe((reply) => values.push(reply));
  expect(values).toEqual([{ id: 9 }]);
});

it('fails with RequestTimeoutError after the timeout (10 s by default), and stops listening', () => {
  expect(DEFAULT_REQUEST_TIMEOUT).toBe(10_000);
  const socket = channel();
  let error: unknown;
  request(socket, { id: 1 }, { match: () => false }).subscribe({ error: (e: unknown) => (error = e) });
  jest.advanceTimersByTime(9_999);
  expect(error).toBeUndefined();
  jest.advanceTimersByTime(1);
  expect(error).toBeInstanceOf(RequestTimeoutError);
  expect(error).toMatchObject({ name: 'RequestTimeoutError', timeout: 10_000, request: { id: 1 } });
  expect(socket.messages$.observed).toBe(false);
});

it('waits forever with timeout: Infinity', () => {
  const socket = channel();
  const subscription = request(socket, { id: 1 }, { match: () => true, timeout: Infinity }).subscribe();
  expect(jest.getTimerCount()).toBe(0);
  subscription.unsubscribe();
});

it('cancels the wait when unsubscribed before the reply: no timer and no listener left', () => {
  const socket = channel();
  const subscription = request(socket, { id: 1 }, { match: () => true, timeout: 1000 }).subscribe();
  expect(jest.getTimerCount()).toBe(1);
  subscription.unsubscribe();
  expect(jest.getTimerCount()).toBe(0);
  expect(socket.messages$.observed).toBe(false);
});

it('fails with what send throws, leaving nothing behind', () => {
  const messages$ = new Subject<Reply>();
  const full = new Error('outbox full');
  let error: unknown;
  request(
    {
      messages$,
      send: () => {
        throw full;
      },
    },
    {},
    { match: () => true },
  ).subscribe({ error: (e: unknown) => (error = e) });
  expect(error).toBe(full);
  expect(messages$.observed).toBe(false);
});

it('fails with what match throws', () => {
  const socket = channel();
  let error: unknown;
  request(
    socket,
    {},
    {
      match: () => {
        throw new Error('bad match');
      },
    },
  ).subscribe({ error: (e: unknown) => (error = e) });
  socket.messages$.next({ id: 1 });
  expect(error).toEqual(new Error('bad match'));
});

it('errors as the messages do, and completes without a value if they complete first', () => {
  const failing = channel();
  let error: unknown;
  request(failing, {}, { match: () => false }).subscribe({ error: (e: unknown) => (error = e) });
  failing.messages$.error(new Error('socket failed'));
  expect(error).toEqual(new Error('socket failed'));
  const closing = channel();
  const values: Reply[] = [];
  let completed = false;
  request(closing, {}, { match: () => false }).subscribe({ next: (reply) => values.push(reply), complete: () => (completed = true) });
  closing.messages$.complete();
  expect({ values, completed }).toEqual({ values: [], completed: true });
});

it('sends again on each subscription, so retry() resends after a timeout', () => {
  const socket = channel();
  const values: Reply[] = [];
  request(socket, { id: 5 }, { match: (reply) => reply.id === 5, timeout: 100 })
    .pipe(retry(2))
    .subscribe((reply) => values.push(reply));
  jest.advanceTimersByTime(100);
  expect(socket.sent).toEqual([{ id: 5 }, { id: 5 }]);
  socket.messages$.next({ id: 5, result: 'late but fine' });
  expect(values).toEqual([{ id: 5, result: 'late but fine' }]);
});

it('throws at the call for a match that is not a function or a timeout that is not above 0', () => {
  const socket = channel();
  expect(() => request(socket, {}, { match: undefined as never })).toThrow(/request options need match, a function/);
  expect(() => request(socket, {}, { match: () => true, timeout: 0 })).toThrow(/timeout in ms above 0.*not 0/);
  expect(() => request(socket, {}, { match: () => true, timeout: Number.NaN })).toThrow(TypeError);
});
