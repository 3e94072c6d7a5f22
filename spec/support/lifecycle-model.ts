/**
 * The model behind the lifecycle property tests (spec/integration/lifecycle-property.spec.ts):
 * random sequences of what a user and a misbehaving network can do to one socket, run against a
 * real `ws` server behind the chaos proxy on 127.0.0.1, with the invariants checked after each run.
 *
 * One {@link World} per run: a {@link LifecycleServer}, a {@link ChaosProxy} in front of it, one
 * client of the kind under test (lifecycle-clients.ts) and the {@link Ledger} of what the client
 * was given and what it said (lifecycle-ledger.ts). The commands are fast-check async commands;
 * each waits, bounded, for what it means (a close frame to arrive, a socket to open), never a fixed time.
 */
import fc from 'fast-check';
import type { OverflowPolicy } from '../../lib/index.js';
import { ChaosProxy } from './chaos-proxy.js';
import { DropInDriver, SETTLE_MS, makeDriver, type Driver, type Kind, type RunConfig } from './lifecycle-clients.js';
import { CLOSED, Ledger, OPEN } from './lifecycle-ledger.js';
import { startLifecycleServer, type LifecycleServer } from './lifecycle-server.js';
import { until } from './wait.js';

export type { Kind, RunConfig } from './lifecycle-clients.js';

/** Bound on each wait for something the run has just caused (a close frame to arrive, a socket to open). */
const STEP_MS = 3000;

/** The handles that keep the event loop alive and that a socket could leave behind. */
function handles(): { sockets: number; timers: number } {
  const kinds = process.getActiveResourcesInfo();
  return { sockets: kinds.filter((kind) => kind === 'TCPSocketWrap').length, timers: kinds.filter((kind) => kind === 'Timeout').length };
}

/** The server, the proxy, the client and the ledger of one run. */
export class World {
  readonly ledger = new Ledger();
  driver!: Driver;
  #baseline = { sockets: 0, timers: 0 };

  private constructor(
    readonly config: RunConfig,
    readonly server: LifecycleServer,
    readonly proxy: ChaosProxy,
  ) {}

  static async start(config: RunConfig): Promise<World> {
    const server = await startLifecycleServer({ acknowledge: config.delivery });
    const proxy = await ChaosProxy.start(server.port);
    const world = new World(config, server, proxy);
    world.#baseline = handles();
    world.driver = makeDriver(config, proxy.url, world.ledger);
    return world;
  }

  /** Accepted messages, neither reported nor arrived, that the run cannot excuse: none may remain at the end. */
  missing(): number[] {
    const arrived = new Set(this.server.connections.flatMap((c) => c.ids));
    return this.ledger.sends
      .filter((s) => s.outcome === 'accepted' && !arrived.has(s.id) && !this.ledger.reported.has(s.id))
      .filter((s) => this.config.delivery || !this.ledger.excused(s.target))
      .map((s) => s.id);
  }

  /**
   * The end of a run: heals the link, lets delivery finish, closes the client, waits until nothing
   * is left, and checks every invariant. Fails (throws) with every problem the run saw.
   */
  async finish(): Promise<void> {
    const { ledger, driver, server, proxy } = this;
    proxy.resume();
    server.accept();
    if (this.config.delivery && !driver.done && this.config.kind !== 'webSocket(resilient())') {
      if (driver.listeners === 0 && this.config.lazy && !ledger.closeCalled) driver.subscribe();
      await until(() => driver.pending === 0 || driver.done, SETTLE_MS, 'delivery to be acknowledged').catch(() => undefined);
      if (driver.pending > 0 && !driver.done)
        ledger.problems.push(`delivery: ${driver.pending} messages still unacknowledged once the link was healed`);
    }
    await driver.finish(this);
    const made = ledger.made.length;
    await until(() => server.clients === 0 && proxy.open === 0, SETTLE_MS, 'the server and the proxy to see every client go').catch(() => {
      const left = server.connections
        .filter((c) => c.socket.readyState !== CLOSED)
        .map((c) => `${c.number} in readyState ${c.socket.readyState}`);
      const runtime = ledger.made.map((raw) => raw.readyState).join(',');
      ledger.problems.push(
        `after close(), the server still has ${server.clients} clients (connections ${left.join(', ')}) and the proxy ${proxy.open} connections; ` +
          `the client's runtime sockets are in readyStates ${runtime}`,
      );
    });
    const released = (): boolean => handles().sockets <= this.#baseline.sockets && handles().timers <= this.#baseline.timers;
    await until(released, SETTLE_MS, 'timers and sockets to be released').catch(() =>
      ledger.problems.push(`after close(), handles ${JSON.stringify(handles())} exceed the baseline ${JSON.stringify(this.#baseline)}`),
    );
    if (ledger.made.length > made) ledger.problems.push(`${ledger.made.length - made} sockets were made after the socket was closed`);
    for (const raw of ledger.made) {
      if (raw.readyState !== CLOSED) ledger.problems.push(`a runtime socket is left in readyState ${raw.readyState}`);
      const left: string[] = ['open', 'message', 'close'].filter((type) => raw.listenerCount(type) > 0);
      // terminate() leaves one listener that ignores late errors, on a socket nobody holds.
      if (raw.listenerCount('error') > 1) left.push('error');
      if (left.length > 0) ledger.problems.push(`a closed runtime socket still has listeners for ${left.join(', ')}`);
    }
    if (ledger.opensReported !== undefined && ledger.opensReported !== ledger.connections.length) {
      ledger.problems.push(`the client reported ${ledger.opensReported} opens for ${ledger.connections.length} connections that opened`);
    }
    this.#checkMessages();
    if (server.unreadable.length > 0)
      ledger.problems.push(`the server got messages it cannot read: ${server.unreadable.slice(0, 3).join(', ')}`);
    if (ledger.problems.length > 0) throw new Error(`${this.config.kind}: ${ledger.problems.join('\n')}`);
  }

  /** Closes the client, the proxy and the server, whatever happened, and waits until the client's sockets are closed. */
  async dispose(): Promise<void> {
    this.proxy.resume();
    this.driver.abort();
    await until(
      () => this.ledger.made.every((raw) => raw.readyState === CLOSED),
      SETTLE_MS,
      'the client to close after a failed run',
    ).catch(() => undefined);
    await this.proxy.close();
    await this.server.close();
  }

  #checkMessages(): void {
    const { ledger, server } = this;
    const fates = new Map(ledger.sends.map((s) => [s.id, s]));
    const arrivals = new Map<number, number>();
    for (const connection of server.connections) {
      // Per connection, in send order: increasing ids (re-sends with delivery start over on a new connection).
      const outOfOrder = connection.ids.findIndex((id, i) => i > 0 && id <= connection.ids[i - 1]);
      if (outOfOrder > 0) {
        ledger.problems.push(`server connection ${connection.number} received ids out of order: ${connection.ids.join(',')}`);
      }
      for (const id of connection.ids) {
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        const fate = fates.get(id);
        if (fate === undefined || fate.outcome !== 'accepted') {
          ledger.problems.push(
            `message ${id} reached the server though send ${fate ? `threw (${fate.outcome})` : 'was never called for it'}`,
          );
        }
      }
      for (const [name, changes] of connection.topics) {
        let net = 0;
        for (const change of changes)
          if ((net += change) > 1) ledger.problems.push(`topic ${name} was subscribed twice on server connection ${connection.number}`);
      }
    }
    if (!this.config.delivery) {
      const twice = [...arrivals].filter(([, count]) => count > 1).map(([id]) => id);
      if (twice.length > 0) ledger.problems.push(`messages reached the server more than once without delivery: ${twice.join(',')}`);
    }
    for (const s of ledger.sends) {
      if (s.outcome !== 'accepted' || arrivals.has(s.id) || ledger.reported.has(s.id)) continue;
      if (this.config.delivery) ledger.problems.push(`message ${s.id} never arrived, with delivery on, and was not reported`);
      else if (ledger.excused(s.target)) ledger.figures.lostInCuts++;
      else {
        const how = ledger.connections
          .filter((c) => c.index >= s.target)
          .map((c) => `${c.index}:${c.clean ? 'clean' : 'unclean'}`)
          .join(' ');
        ledger.problems.push(
          `message ${s.id} was lost without a report: sent for connection ${s.target} or later, and every such connection closed cleanly (${how || 'none opened'})`,
        );
      }
    }
  }
}

// ---- the commands ------------------------------------------------------------------------------

/** What the commands' preconditions look at: what the run has done to the client, the server and the link. */
export interface Model {
  closed: boolean;
  refusing: boolean;
  stalled: boolean;
}

type Command = fc.AsyncCommand<Model, World>;

/** Waits until the open connection, if any, is no longer open (the runtime saw the close frame or the cut). */
async function leftOpen(world: World, what: string): Promise<void> {
  const raw = world.ledger.current?.raw;
  if (raw !== undefined) await until(() => raw.readyState !== OPEN, STEP_MS, what);
}

class Send implements Command {
  constructor(readonly count: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    for (let i = 0; i < this.count; i++) world.ledger.send(world.ledger.nextMessage(), (message) => world.driver.send(message));
    await Promise.resolve();
  }
  toString = (): string => `send×${this.count}`;
}

/** close(); the drop-in's complete(), which ends its session (a later subscription makes a new one). */
class Close implements Command {
  check = (model: Model): boolean => !model.closed;
  async run(model: Model, world: World): Promise<void> {
    const { driver } = world;
    driver.close();
    if (world.config.kind !== 'webSocket(resilient())') {
      model.closed = true;
      await until(() => world.ledger.stateCompleted, STEP_MS, 'state$ to complete after close()');
    } else if (!model.refusing && !model.stalled) {
      // complete() ends the session once its socket has opened: later subscriptions make a new one.
      await until(() => driver.listeners === 0 && driver.topics === 0, STEP_MS, 'complete() to end every subscription');
    }
  }
  toString = (): string => 'close()';
}

class Subscribe implements Command {
  check = (model: Model): boolean => !model.closed;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.subscribe();
    await Promise.resolve();
  }
  toString = (): string => 'subscribe';
}

class Unsubscribe implements Command {
  constructor(readonly pick: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.unsubscribe(this.pick);
    await Promise.resolve();
  }
  toString = (): string => `unsubscribe(${this.pick})`;
}

class SubscribeTopic implements Command {
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.subscribeTopic();
    await Promise.resolve();
  }
  toString = (): string => 'multiplex';
}

class UnsubscribeTopic implements Command {
  constructor(readonly pick: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.driver.unsubscribeTopic(this.pick);
    await Promise.resolve();
  }
  toString = (): string => `unsubscribe topic(${this.pick})`;
}

class ServerClose implements Command {
  constructor(readonly code: number) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.server.closeAll(this.code);
    await leftOpen(world, `the client to see the server's close frame (${this.code})`);
  }
  toString = (): string => `server close(${this.code})`;
}

class ServerTerminate implements Command {
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.ledger.cutCurrent();
    world.server.terminateAll();
    await leftOpen(world, 'the client to see the server drop the connection');
  }
  toString = (): string => 'server terminate()';
}

class ProxyCut implements Command {
  constructor(readonly reset: boolean) {}
  check = (): boolean => true;
  async run(_model: Model, world: World): Promise<void> {
    world.ledger.cutCurrent();
    if (this.reset) world.proxy.reset();
    else world.proxy.cut();
    await leftOpen(world, 'the client to see the link cut');
  }
  toString = (): string => (this.reset ? 'proxy reset' : 'proxy cut');
}

class Stall implements Command {
  check = (model: Model): boolean => !model.stalled;
  async run(model: Model, world: World): Promise<void> {
    model.stalled = true;
    world.proxy.stall();
    await Promise.resolve();
  }
  toString = (): string => 'proxy stall';
}

class Resume implements Command {
  check = (model: Model): boolean => model.stalled;
  async run(model: Model, world: World): Promise<void> {
    model.stalled = false;
    world.proxy.resume();
    await Promise.resolve();
  }
  toString = (): string => 'proxy resume';
}

class Refuse implements Command {
  constructor(readonly status: number) {}
  check = (model: Model): boolean => !model.refusing;
  async run(model: Model, world: World): Promise<void> {
    model.refusing = true;
    world.server.refuse(this.status);
    await Promise.resolve();
  }
  toString = (): string => `server refuses upgrades (${this.status})`;
}

class Accept implements Command {
  check = (model: Model): boolean => model.refusing;
  async run(model: Model, world: World): Promise<void> {
    model.refusing = false;
    world.server.accept();
    await Promise.resolve();
  }
  toString = (): string => 'server accepts upgrades';
}

/** Waits until the client is open, when nothing keeps it from opening: reconnecting must get there. */
class WaitOpen implements Command {
  check = (model: Model): boolean => !model.closed && !model.refusing && !model.stalled;
  async run(_model: Model, world: World): Promise<void> {
    const { driver, config } = world;
    // A lazy socket, or the drop-in, with nobody subscribed stays closed (also once a pending complete() has ended every subscription).
    const idle = (): boolean => (config.lazy || config.kind === 'webSocket(resilient())') && driver.listeners === 0 && driver.topics === 0;
    await until(() => driver.open || driver.done || idle(), STEP_MS, 'the socket to open (reconnecting, with nothing in the way)');
    // On every connection the drop-in opens, each live topic is subscribed once, and only live ones.
    if (driver instanceof DropInDriver && driver.open) {
      await until(() => !driver.open || driver.topicProblems(world).length === 0, STEP_MS, 'the topics to be subscribed').catch(() => {
        throw new Error(driver.topicProblems(world).join('\n'));
      });
    }
  }
  toString = (): string => 'wait open';
}

/** The commands a run of `kind` draws from, weighted so that most runs connect, send and meet faults before any close(). */
export function commandsFor(kind: Kind): Array<fc.Arbitrary<Command>> {
  const send = fc.integer({ min: 1, max: 3 }).map((count) => new Send(count));
  const serverClose = fc.constantFrom(1000, 1001, 1011, 4000, 4001).map((code) => new ServerClose(code));
  const cut = fc.boolean().map((reset) => new ProxyCut(reset));
  const refuse = fc.constantFrom(401, 503).map((status) => new Refuse(status));
  const unsubscribe = fc.nat(7).map((pick) => new Unsubscribe(pick));
  const unsubscribeTopic = fc.nat(7).map((pick) => new UnsubscribeTopic(pick));
  const choices: Array<[weight: number, command: fc.Arbitrary<Command>]> = [
    [12, send],
    [12, fc.constant(new WaitOpen())],
    [6, serverClose],
    [2, fc.constant(new ServerTerminate())],
    [2, cut],
    [2, fc.constant(new Stall())],
    [4, fc.constant(new Resume())],
    [2, refuse],
    [4, fc.constant(new Accept())],
    // Rare: after close() a run has little left to do.
    [1, fc.constant(new Close())],
  ];
  // Subscribers count on a lazy ReactiveWebSocket and on the drop-in; elsewhere they are extra error$ subscribers.
  if (kind !== 'websocket()') choices.push([6, fc.constant(new Subscribe())], [2, unsubscribe]);
  if (kind === 'webSocket(resilient())') choices.push([6, fc.constant(new SubscribeTopic())], [4, unsubscribeTopic]);
  return [fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })))];
}

/** A configuration for a run of `kind`. */
export function configFor(kind: Kind): fc.Arbitrary<RunConfig> {
  return fc.record({
    kind: fc.constant(kind),
    lazy: kind === 'ReactiveWebSocket' ? fc.boolean() : fc.constant(false),
    reconnect:
      kind === 'webSocket(resilient())' ? fc.constant(true) : fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    buffer: fc.option(
      fc.record({
        limit: fc.integer({ min: 2, max: 6 }),
        overflow: fc.constantFrom<OverflowPolicy>('error', 'drop-oldest', 'drop-newest'),
      }),
      // Half the runs keep the default: the drop-in's unbounded queue, ReactiveWebSocket's 1,000-message outbox.
      { nil: undefined, freq: 2 },
    ),
    delivery: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true)),
    features:
      kind === 'ReactiveWebSocket'
        ? fc.constantFrom('keys' as const, 'use' as const, 'core' as const)
        : fc.constantFrom('keys' as const, ...(kind === 'websocket()' ? ['use' as const] : [])),
  });
}

/** One run: a world for `config`, the commands, then the end of the run and its checks. */
export async function runScenario(config: RunConfig, commands: Iterable<Command>, log: (world: World) => void): Promise<void> {
  const world = await World.start(config);
  try {
    await fc.asyncModelRun(() => ({ model: { closed: false, refusing: false, stalled: false }, real: world }), commands);
    await world.finish();
    log(world);
  } finally {
    await world.dispose();
  }
}
