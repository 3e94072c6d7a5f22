// Every client the benchmark compares, behind one small adapter, and a fake in-process
// WebSocket for measuring what a client adds per message without any I/O.
import ReconnectingWebSocket from 'reconnecting-websocket';
import PartySocket from 'partysocket/ws';
import { firstValueFrom } from 'rxjs';
import { webSocket } from 'rxjs/webSocket';
import { WebsocketBuilder } from 'websocket-ts';
import { WebSocket as WsWebSocket } from 'ws';
import { ReactiveWebSocket, websocket } from '../dist/esm/index.js';
import { webSocket as dropInWebSocket } from '../dist/esm/rxjs.js';

// BENCH_BASELINE=/path/to/an/older/dist/esm/index.js adds that build as one more client, so a
// change is measured against the code before it in the same run.
const BASELINE = process.env.BENCH_BASELINE ? await import(process.env.BENCH_BASELINE) : undefined;

/** The clients, in table order. `ws` is the baseline. */
export const CLIENTS = [
  'ws',
  'reactive-websocket',
  'reactive-websocket facade',
  'reactive-websocket/rxjs',
  'rxjs webSocket',
  'reconnecting-websocket',
  'partysocket',
  'websocket-ts',
];
if (BASELINE) CLIENTS.splice(2, 0, 'reactive-websocket baseline');
// BENCH_CLIENTS=ws,reactive-websocket,… runs only those clients (ws, the reference, always stays).
if (process.env.BENCH_CLIENTS) {
  const wanted = new Set(['ws', ...process.env.BENCH_CLIENTS.split(',')]);
  for (let i = CLIENTS.length - 1; i >= 0; i--) if (!wanted.has(CLIENTS[i])) CLIENTS.splice(i, 1);
}

/**
 * Opens a client of kind `name` to `url` with the WebSocket constructor `Ctor`.
 * @returns { opened, onMessage(fn) (adds a subscriber; fn gets the message data), send(data), close(), socket() }
 */
export function makeClient(name, url, Ctor = WsWebSocket) {
  switch (name) {
    case 'ws': {
      // The raw baseline: what code using the constructor directly does.
      const socket = new Ctor(url);
      const opened = new Promise((resolve) => socket.addEventListener('open', resolve));
      if (typeof socket.on === 'function') {
        return {
          opened,
          onMessage: (fn) => socket.on('message', (data, isBinary) => fn(isBinary ? data : data.toString())),
          send: (data) => socket.send(data),
          close: () => socket.close(),
          socket: () => socket,
        };
      }
      return {
        opened,
        onMessage: (fn) => socket.addEventListener('message', (event) => fn(event.data)),
        send: (data) => socket.send(data),
        close: () => socket.close(),
        socket: () => socket,
      };
    }
    case 'reactive-websocket':
    case 'reactive-websocket baseline': {
      const Socket = name === 'reactive-websocket baseline' ? BASELINE.ReactiveWebSocket : ReactiveWebSocket;
      const socket = new Socket({ url, WebSocketCtor: Ctor, reconnect: false });
      return {
        opened: firstValueFrom(socket.open$),
        onMessage: (fn) => socket.messages$.subscribe(fn),
        send: (data) => socket.send(data),
        close: () => socket.close(),
        socket: () => socket,
      };
    }
    case 'reactive-websocket facade': {
      const ws = websocket(url, { WebSocketCtor: Ctor });
      return {
        opened: new Promise((resolve) => ws.bind('open', resolve)),
        onMessage: (fn) => ws.bind('message', (event) => fn(event.data)),
        send: (data) => ws.send(data),
        close: () => ws.close(),
        socket: () => ws,
      };
    }
    case 'reactive-websocket/rxjs':
    case 'rxjs webSocket': {
      // The drop-in is configured exactly as RxJS's own, which it replaces.
      const make = name === 'rxjs webSocket' ? webSocket : dropInWebSocket;
      let resolveOpen;
      const opened = new Promise((resolve) => (resolveOpen = resolve));
      const subject = make({
        url,
        WebSocketCtor: Ctor,
        serializer: (value) => value,
        deserializer: (event) => event.data,
        openObserver: { next: () => resolveOpen() },
      });
      // The subject connects on its first subscriber: every measurement subscribes at least once.
      return {
        opened,
        onMessage: (fn) => subject.subscribe({ next: fn, error: () => undefined }),
        send: (data) => subject.next(data),
        close: () => subject.complete(),
        socket: () => subject,
      };
    }
    case 'reconnecting-websocket':
    case 'partysocket': {
      const Reconnecting = name === 'partysocket' ? PartySocket : ReconnectingWebSocket;
      const socket = new Reconnecting(url, [], { WebSocket: Ctor, maxRetries: 0 });
      return {
        opened: new Promise((resolve) => socket.addEventListener('open', resolve)),
        onMessage: (fn) => socket.addEventListener('message', (event) => fn(event.data)),
        send: (data) => socket.send(data),
        close: () => socket.close(),
        socket: () => socket,
      };
    }
    case 'websocket-ts': {
      // websocket-ts takes no constructor: it uses the global one, so this runs in its own process.
      globalThis.WebSocket = Ctor;
      let resolveOpen;
      const opened = new Promise((resolve) => (resolveOpen = resolve));
      const socket = new WebsocketBuilder(url).onOpen(() => resolveOpen()).build();
      return {
        opened,
        onMessage: (fn) => socket.addEventListener('message', (_socket, event) => fn(event.data)),
        send: (data) => socket.send(data),
        close: () => socket.close(),
        socket: () => socket,
      };
    }
    default:
      throw new Error(`unknown client ${name}`);
  }
}

/**
 * A WebSocket that does no I/O: it opens on the next microtask, and the benchmark pushes messages
 * into it with `receive(data)`. Dispatch works as in browsers: the on<type> property, then the
 * listeners in order.
 */
export class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static last;
  CONNECTING = 0;
  OPEN = 1;
  CLOSING = 2;
  CLOSED = 3;

  constructor(url, protocols) {
    this.url = url;
    this.protocol = '';
    this.extensions = '';
    this.binaryType = 'blob';
    this.bufferedAmount = 0;
    this.readyState = 0;
    this.sent = 0;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.listeners = { open: [], message: [], close: [], error: [] };
    void protocols;
    FakeWebSocket.last = this;
    queueMicrotask(() => {
      this.readyState = 1;
      this.dispatch({ type: 'open', target: this });
    });
  }

  addEventListener(type, listener) {
    this.listeners[type].push(listener);
  }

  removeEventListener(type, listener) {
    const list = this.listeners[type];
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
  }

  send() {
    this.sent++;
  }

  close(code = 1005, reason = '') {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    queueMicrotask(() => {
      this.readyState = 3;
      this.dispatch({ type: 'close', code, reason, wasClean: true, target: this });
    });
  }

  receive(data) {
    this.dispatch({ type: 'message', data, target: this });
  }

  dispatch(event) {
    const handler = this[`on${event.type}`];
    if (typeof handler === 'function') handler.call(this, event);
    const list = this.listeners[event.type];
    for (let i = 0; i < list.length; i++) {
      const listener = list[i];
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    }
  }
}
