/**
 * Credentials never reach a log line (issue 9, item 5): `console.log(socket)`, a logger that
 * serializes the object, `String(socket)`, and every value the socket emits or throws hide the
 * password of a `ws://user:password@host` URL, across an open, a close by the server and a
 * reconnect. Against a real ws server, which receives the credentials as Basic auth.
 */
import { inspect } from 'node:util';
import { WebSocket } from 'ws';
import { Connection, ReactiveWebSocket, websocket, type CallbackWebSocket, type NativeEvent } from '../lib/index.js';
import { startEchoServer, type EchoServer } from './support/echo-server.js';
import { all, deferred, until } from './support/wait.js';

const PASSWORD = 's3cret';
// ws sends the credentials as `Authorization: Basic base64(user:password)`: that must not show either.
const SECRETS = [PASSWORD, Buffer.from(`user:${PASSWORD}`).toString('base64')];
const FAST_RECONNECT = { initialDelay: 10, maxDelay: 20 };

/** JSON as a logger writes it: cycles replaced, so the whole object is walked instead of throwing. */
function loggedJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field === 'bigint') return field.toString();
    if (field === null || typeof field !== 'object') return field;
    if (seen.has(field)) return '[Circular]';
    seen.add(field);
    return field;
  });
}

/** Every way the object may end up in a log, each as text. */
function renderings(value: unknown): Array<[how: string, text: string]> {
  const shown: Array<[string, string]> = [
    ['util.inspect', inspect(value, { depth: Infinity, showHidden: true })],
    ['util.inspect with getters', inspect(value, { depth: Infinity, showHidden: true, getters: true })],
    // Without the custom inspect: what the object's own fields hold.
    ['util.inspect of its fields', inspect(value, { depth: Infinity, showHidden: true, customInspect: false })],
    ['String()', String(value)],
    ['JSON as a logger writes it', loggedJson(value)],
  ];
  try {
    shown.push(['JSON.stringify', JSON.stringify(value) ?? '']);
  } catch (error) {
    shown.push(['JSON.stringify error', String(error)]);
  }
  if (value instanceof Error) shown.push(['error stack', String(value.stack)]);
  return shown;
}

/** Where the password showed, as `moment: what, how` lines; empty when nowhere. */
class LeakFinder {
  readonly leaks: string[] = [];

  check(moment: string, what: string, value: unknown): void {
    for (const [how, text] of renderings(value)) {
      for (const secret of SECRETS) if (text.includes(secret)) this.leaks.push(`${moment}: ${what}, ${how}`);
    }
  }
}

let echo: EchoServer;
let url: string;
beforeEach(async () => {
  echo = await startEchoServer();
  url = echo.url.replace('ws://', `ws://user:${PASSWORD}@`) + '/chat?room=1';
});
afterEach(async () => {
  await echo.close();
});

describe('a URL password in logs', () => {
  let socket: ReactiveWebSocket<string, string>;
  let facade: CallbackWebSocket<string, string>;
  afterEach(async () => {
    socket.close();
    facade.close();
    await Promise.all([all(socket.state$), all(facade.socket.state$)]);
  });

  it('appears in no rendering of the socket, the facade, their events or their errors, across open, a server close and a reconnect', async () => {
    const finder = new LeakFinder();
    socket = new ReactiveWebSocket<string, string>({ url, WebSocketCtor: WebSocket, reconnect: FAST_RECONNECT });
    facade = websocket<string, string>(url, { WebSocketCtor: WebSocket, reconnect: FAST_RECONNECT });
    const emitted: Array<[string, unknown]> = [];
    for (const [name, target] of [
      ['socket', socket],
      ['facade', facade.socket],
    ] as const) {
      target.events$.subscribe((event) => emitted.push([`${name} events$`, event]));
      target.state$.subscribe((state) => emitted.push([`${name} state$`, state]));
      target.close$.subscribe((event) => emitted.push([`${name} close$`, event]));
      target.error$.subscribe((event) => emitted.push([`${name} error$`, event]));
      target.messages$.subscribe((message) => emitted.push([`${name} messages$`, message]));
      target.reconnect$.subscribe((event) => {
        emitted.push([`${name} reconnect$`, event]);
        finder.check('reconnecting', name, target);
      });
    }
    for (const evt of ['open', 'message', 'error', 'close'] as const) {
      facade.bind(evt, (event) => emitted.push([`facade ${evt} handler`, event]));
    }
    const checkAll = (moment: string): void => {
      finder.check(moment, 'socket', socket);
      finder.check(moment, 'facade', facade);
    };

    checkAll('connecting');
    socket.send('queued');
    await until(() => socket.state === 'open' && facade.socket.state === 'open', 5000, 'both to open');
    checkAll('open');
    facade.send('direct');
    await until(() => echo.received.length === 2, 5000, 'both messages at the server');

    for (const connection of echo.connections) connection.close(1001, 'restarting');
    const opens = (source: string): number => emitted.filter(([where, event]) => where === source && isOpen(event)).length;
    await until(() => opens('socket events$') === 2 && opens('facade events$') === 2, 5000, 'both to reconnect');
    checkAll('reopened');

    socket.close(4000, 'done');
    facade.close();
    await Promise.all([all(socket.state$), all(facade.socket.state$)]);
    checkAll('closed');
    let thrown: unknown;
    try {
      socket.send('late');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    finder.check('closed', 'send() error', thrown);
    for (const [where, value] of emitted) finder.check('emitted', where, value);

    expect(emitted.filter(([where]) => where.endsWith('reconnect$'))).toHaveLength(2);
    expect(finder.leaks).toEqual([]);
  });

  it('is shown as a short summary with the URL redacted, the state and the queue', async () => {
    socket = new ReactiveWebSocket<string, string>({ url, WebSocketCtor: WebSocket, reconnect: false });
    facade = websocket<string, string>(url, { WebSocketCtor: WebSocket });
    const shownUrl = echo.url.replace('ws://', 'ws://***@') + '/chat?room=1';
    socket.send('waiting');
    const connecting = inspect(socket);
    expect(connecting).toMatch(/^ReactiveWebSocket \{/);
    expect(connecting).toContain(`url: '${shownUrl}'`);
    expect(connecting).toContain("state: 'connecting'");
    expect(connecting).toContain('queued: 1');
    await until(() => socket.state === 'open' && facade.socket.state === 'open', 5000, 'both to open');
    expect(inspect(socket)).toContain("state: 'open'");
    expect(inspect(socket)).toContain('queued: 0');
    const shownFacade = inspect(facade);
    expect(shownFacade).toMatch(/^CallbackWebSocket \{/);
    expect(shownFacade).toContain(`url: '${shownUrl}'`);
    expect(shownFacade).toContain("state: 'open'");
    // Small enough for a log line.
    expect(inspect(socket).length).toBeLessThan(200);
  });
});

describe('a URL password in a logged Connection', () => {
  it('appears in no rendering of it, connecting, open or closed, and it is shown redacted', async () => {
    const finder = new LeakFinder();
    const opened = deferred(5000, 'open');
    const closed = deferred<NativeEvent>(5000, 'close');
    const connection = new Connection(
      { WebSocketCtor: WebSocket, url },
      { open: () => opened.resolve(), message: () => undefined, error: () => undefined, close: (event) => closed.resolve(event) },
    );
    try {
      finder.check('connecting', 'connection', connection);
      await opened.promise;
      finder.check('open', 'connection', connection);
      const shownOpen = inspect(connection);
      connection.close(1000, 'bye');
      finder.check('closing', 'connection', connection);
      finder.check('closed', 'close event', await closed.promise);
      finder.check('closed', 'connection', connection);
      expect(finder.leaks).toEqual([]);
      expect(shownOpen).toMatch(/^Connection \{/);
      expect(shownOpen).toContain(`url: '${echo.url.replace('ws://', 'ws://***@')}/chat?room=1'`);
      expect(shownOpen).toContain('readyState: 1');
      expect(inspect(connection)).toContain('ended: true');
    } finally {
      connection.abandon();
    }
  });
});

function isOpen(event: unknown): boolean {
  return (event as { type?: unknown }).type === 'open';
}
