import type { SocketEventType, WebSocketConstructor, WebSocketLike } from '../../lib/index.js';

type Listener = (event: { readonly type: string }) => void;

/**
 * A WebSocket test double on the addEventListener path (the path of browsers, undici and
 * mock-socket), driven by the test: nothing happens until the test says the connection opened,
 * a message arrived or the connection closed, so it runs under jest's fake timers. It keeps the
 * listeners as an EventTarget does (a listener added twice is held once), so what is left on it is countable.
 */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'blob';
  /** What the client handed to `send`, in order. */
  readonly sent: unknown[] = [];
  /** The arguments of each `close()` call. */
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}

  addEventListener(type: SocketEventType, listener: Listener): void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: SocketEventType, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** How many listeners of `type` are on the socket now. */
  listenerCount(type: SocketEventType): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 1) throw new Error(`FakeSocket: send() in readyState ${this.readyState}`);
    this.sent.push(data);
  }

  /** Records the call; the close event comes when the test calls `closed()`, as a peer's answer would. */
  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  // ---- what the network or the server does, on the test's word ----

  open(): void {
    this.readyState = 1;
    this.dispatch({ type: 'open' });
  }

  receive(data: unknown): void {
    this.dispatch({ type: 'message', data });
  }

  /** The connection closed; fields left out are left out of the event, as a runtime may. */
  closed(fields: { code?: number; reason?: string; wasClean?: boolean } = {}): void {
    this.readyState = 3;
    this.dispatch({ type: 'close', ...fields });
  }

  private dispatch(event: { readonly type: string; readonly [field: string]: unknown }): void {
    for (const listener of [...(this.listeners.get(event.type) ?? [])]) listener(event);
  }
}

/** A `WebSocketCtor` making {@link FakeSocket}s, and every socket it made, in order. */
export function fakeSockets(): { WebSocketCtor: WebSocketConstructor; made: FakeSocket[] } {
  const made: FakeSocket[] = [];
  class Made extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  }
  return { WebSocketCtor: Made, made };
}
