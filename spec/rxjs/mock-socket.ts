/**
 * A DOM-style WebSocket double for the drop-in's specs: no I/O, every event driven by the test.
 * It records what the subject did to it (constructor arguments, sends, closes) and dispatches
 * through addEventListener as browsers do.
 */
type Listener = (event: { readonly type: string }) => void;

export class MockSocket {
  /** Every socket made, oldest first. */
  static readonly made: MockSocket[] = [];

  /** The last socket made. @throws when none was. */
  static get last(): MockSocket {
    const socket = MockSocket.made.at(-1);
    if (socket === undefined) throw new Error('no socket was made');
    return socket;
  }

  static reset(): void {
    MockSocket.made.length = 0;
  }

  readonly args: unknown[];
  readonly sent: unknown[] = [];
  /** Each call to close(), with its code and reason. */
  readonly closes: Array<[code: number | undefined, reason: string | undefined]> = [];
  readyState = 0;
  binaryType = 'blob';
  readonly bufferedAmount = 0;
  readonly protocol = '';
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(...args: unknown[]) {
    this.args = args;
    MockSocket.made.push(this);
  }

  get url(): unknown {
    return this.args[0];
  }

  /** The messages sent, decoded from JSON. */
  get sentJson(): unknown[] {
    return this.sent.map((data) => JSON.parse(String(data)) as unknown);
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** How many listeners are still attached, over all types. */
  get listenerCount(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error(`send() while readyState is ${this.readyState}`);
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closes.push([code, reason]);
    if (this.readyState < 2) this.readyState = 2;
  }

  // ---- what the test makes the runtime do ---------------------------------------------------

  open(): void {
    this.readyState = 1;
    this.#dispatch({ type: 'open' });
  }

  receive(data: unknown): object {
    const event = { type: 'message', data };
    this.#dispatch(event);
    return event;
  }

  /** Receives a value as JSON text. */
  receiveJson(value: unknown): void {
    this.receive(JSON.stringify(value));
  }

  /** The closing handshake completed (or the connection dropped, with `wasClean: false`). */
  closed(code = 1000, reason = '', wasClean = true): object {
    this.readyState = 3;
    const event = { type: 'close', code, reason, wasClean };
    this.#dispatch(event);
    return event;
  }

  /** The runtime reports an error. */
  fail(): object {
    const event = { type: 'error' };
    this.#dispatch(event);
    return event;
  }

  #dispatch(event: { type: string }): void {
    for (const listener of [...(this.#listeners.get(event.type) ?? [])]) listener(event);
  }
}
