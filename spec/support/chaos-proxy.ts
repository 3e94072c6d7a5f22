import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** One client connection through the proxy and its upstream twin. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket | undefined;
  readonly cutTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface ChaosOptions {
  /** Cut each connection after a random lifetime in [min, max] ms, drawn from `random`. */
  readonly cutAfter?: { readonly min: number; readonly max: number; readonly random: () => number };
}

/**
 * A TCP proxy on 127.0.0.1 between clients and a server, that can misbehave on demand: cut
 * connections (FIN or RST), swallow traffic (half-open), stop reading (stall), delay, refuse, or
 * accept without ever connecting upstream. Every connection and timer it makes is undone by `close()`.
 */
export class ChaosProxy {
  /** How many connections it cut (by `cut`, `reset` or `cutAfter`). */
  cuts = 0;
  /** How many client connections it accepted. */
  accepted = 0;
  /** The most client connections open at once. */
  maxConcurrent = 0;
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private mode: 'forward' | 'blackhole' | 'never-upgrade' = 'forward';
  private delayMs = 0;
  private chunkBytes = 0;
  private stalled = false;
  private port = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    private options: ChaosOptions,
  ) {}

  /** Starts a proxy to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number, options: ChaosOptions = {}): Promise<ChaosProxy> {
    const proxy = new ChaosProxy({ host: '127.0.0.1', port: targetPort }, options);
    await proxy.listen(0);
    return proxy;
  }

  /** The proxy's ws:// URL. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Client connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Ends every connection with FIN. */
  cut(): void {
    for (const pair of this.pairs) this.end(pair, false);
  }

  /** Ends every connection with RST. */
  reset(): void {
    for (const pair of this.pairs) this.end(pair, true);
  }

  /** Swallows all traffic both ways from now on, keeping connections open: a half-open connection. */
  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Accepts TCP connections but never connects them upstream: a WebSocket handshake that hangs. */
  acceptButNeverUpgrade(): void {
    this.mode = 'never-upgrade';
  }

  /** Back to forwarding everything, promptly. */
  heal(): void {
    this.mode = 'forward';
    this.delayMs = 0;
  }

  /** Delays every chunk by `ms` each way. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Splits everything forwarded into writes of `bytes` bytes (0: as it comes), both ways. */
  chunk(bytes: number): void {
    this.chunkBytes = bytes;
  }

  /** Stops reading from clients, so their send buffers fill (backpressure). */
  stall(): void {
    this.stalled = true;
    for (const { client } of this.pairs) client.pause();
  }

  /** Reads from clients again. */
  resume(): void {
    this.stalled = false;
    for (const { client } of this.pairs) client.resume();
  }

  /** Stops or starts cutting connections at random. */
  setCutAfter(cutAfter: ChaosOptions['cutAfter']): void {
    this.options = { ...this.options, cutAfter };
  }

  /** Stops listening (new connections are refused) and cuts what is open. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.reset();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async accept(): Promise<void> {
    await this.listen(this.port);
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.options = {};
    await this.refuse();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => this.connection(client));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private connection(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.stalled) client.pause();
    const upstream = this.mode === 'never-upgrade' ? undefined : connect(this.target.port, this.target.host);
    upstream?.on('error', () => undefined);
    const { cutAfter } = this.options;
    const cutTimer =
      cutAfter === undefined
        ? undefined
        : setTimeout(() => this.end(pair, false), cutAfter.min + Math.floor(cutAfter.random() * (cutAfter.max - cutAfter.min + 1)));
    const pair: Pair = { client, upstream, cutTimer };
    this.pairs.add(pair);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.pairs.size);
    const forward = (to: Socket | undefined) => (chunk: Buffer) => {
      if (this.mode === 'blackhole' || to === undefined) return;
      const write = (data: Buffer) => {
        if (this.chunkBytes === 0) to.write(data);
        else for (let i = 0; i < data.length; i += this.chunkBytes) to.write(data.subarray(i, i + this.chunkBytes));
      };
      if (this.delayMs === 0) write(chunk);
      else setTimeout(() => to.destroyed || write(chunk), this.delayMs);
    };
    client.on('data', forward(upstream));
    upstream?.on('data', forward(client));
    const done = () => this.end(pair, false, false);
    client.on('close', done);
    upstream?.on('close', done);
  }

  private end(pair: Pair, reset: boolean, counted = true): void {
    if (!this.pairs.delete(pair)) return;
    if (counted) this.cuts++;
    if (pair.cutTimer !== undefined) clearTimeout(pair.cutTimer);
    if (reset) {
      pair.client.resetAndDestroy();
      pair.upstream?.resetAndDestroy();
    } else {
      pair.client.destroySoon();
      pair.upstream?.destroySoon();
      // A peer that stopped reading would hold a half-closed socket open: do not wait for it.
      setTimeout(() => {
        pair.client.destroy();
        pair.upstream?.destroy();
      }, 50).unref();
    }
  }
}
