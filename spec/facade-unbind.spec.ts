/**
 * `unbind` during dispatch (issue 9, item 2): once `unbind()` has returned, the handler is not
 * called again, not even for the event being dispatched, as the DOM treats a removed listener.
 * Driven by a test double, so each event is dispatched synchronously at the test's word.
 */
import { websocket, type CallbackWebSocket } from '../lib/index.js';
import { fakeSockets, type FakeSocket } from './support/fake-socket.js';

const URL_ = 'ws://localhost:1237';

let ws: CallbackWebSocket<string, string>;
let native: FakeSocket;

beforeEach(() => {
  const { WebSocketCtor, made } = fakeSockets();
  ws = websocket<string, string>(URL_, { WebSocketCtor });
  native = made[0]!;
  native.open();
});

afterEach(() => {
  ws.close();
  native.closed(1000);
  expect(ws.socket.state).toBe('closed');
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe('unbind during dispatch', () => {
  it('does not call a handler that an earlier handler unbound, for the event being dispatched or later', () => {
    const calls: string[] = [];
    const victim = (event: { data: string }) => calls.push(`victim:${event.data}`);
    ws.bind('message', (event) => {
      calls.push(`first:${event.data}`);
      ws.unbind('message', victim);
    });
    ws.bind('message', victim);
    ws.bind('message', (event) => calls.push(`last:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1', 'last:1', 'first:2', 'last:2']);
  });

  it('calls no further handler of the event after an earlier handler called unbind(evt)', () => {
    const calls: string[] = [];
    ws.bind('message', (event) => {
      calls.push(`first:${event.data}`);
      ws.unbind('message');
    });
    ws.bind('message', (event) => calls.push(`second:${event.data}`));
    ws.bind('message', (event) => calls.push(`third:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1']);
  });

  it('leaves the handlers of other events bound when one event is unbound during dispatch', () => {
    const calls: string[] = [];
    ws.bind('message', () => {
      calls.push('message');
      ws.unbind('message');
    });
    ws.bind('close', (event) => calls.push(`close:${event.code}`));
    native.receive('1');
    ws.close();
    native.closed(1000);
    expect(calls).toEqual(['message', 'close:1000']);
  });

  it('does not call a handler bound during dispatch for the current event; it runs last from the next one', () => {
    const calls: string[] = [];
    const late = (event: { data: string }) => calls.push(`late:${event.data}`);
    ws.bind('message', (event) => {
      calls.push(`first:${event.data}`);
      ws.bind('message', late);
    });
    ws.bind('message', (event) => calls.push(`second:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1', 'second:1', 'first:2', 'second:2', 'late:2']);
  });

  it('does not call a handler unbound and bound again during dispatch for that event; from the next it runs last', () => {
    const calls: string[] = [];
    const moved = (event: { data: string }) => calls.push(`moved:${event.data}`);
    let once = true;
    ws.bind('message', (event) => {
      calls.push(`first:${event.data}`);
      if (!once) return;
      once = false;
      ws.unbind('message', moved);
      ws.bind('message', moved);
    });
    ws.bind('message', moved);
    ws.bind('message', (event) => calls.push(`last:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1', 'last:1', 'first:2', 'last:2', 'moved:2']);
  });

  it('does not call handlers that unbind(evt) removed, even when a new one is bound in the same dispatch', () => {
    const calls: string[] = [];
    ws.bind('message', (event) => {
      calls.push(`first:${event.data}`);
      ws.unbind('message');
      ws.bind('message', (next) => calls.push(`fresh:${next.data}`));
    });
    ws.bind('message', (event) => calls.push(`old:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1', 'fresh:2']);
  });

  it('reports a throwing handler and still runs the bound ones after it, in bind order, skipping the one it unbound', () => {
    const reported: unknown[] = [];
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    const calls: string[] = [];
    const victim = () => calls.push('victim');
    ws.bind('message', () => {
      calls.push('thrower');
      ws.unbind('message', victim);
      throw new Error('handler bug');
    });
    ws.bind('message', victim);
    ws.bind('message', () => calls.push('after'));
    native.receive('1');
    expect(calls).toEqual(['thrower', 'after']);
    expect(reported).toEqual([new Error('handler bug')]);
  });

  it('still calls the later handlers when a handler unbinds itself or one that already ran', () => {
    const calls: string[] = [];
    const first = (event: { data: string }) => calls.push(`first:${event.data}`);
    const self = (event: { data: string }) => {
      calls.push(`self:${event.data}`);
      ws.unbind('message', self);
      ws.unbind('message', first);
    };
    ws.bind('message', first);
    ws.bind('message', self);
    ws.bind('message', (event) => calls.push(`last:${event.data}`));
    native.receive('1');
    native.receive('2');
    expect(calls).toEqual(['first:1', 'self:1', 'last:1', 'last:2']);
  });
});
