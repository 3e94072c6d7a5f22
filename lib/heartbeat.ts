import type { WebSocketData } from './codec.js';
import { CLOSE_CODE_HEARTBEAT_TIMEOUT } from './close-code.js';
import type { Connection } from './connection.js';
import { outgoingBacklog } from './native-socket.js';
import { reportError } from './report.js';
import { asFeature, type SocketFeature } from './feature.js';
import { check } from './check.js';

/**
 * Detects a dead connection (half-open TCP, a laptop that slept): when nothing has arrived for
 * `interval` ms, send `message`; when still nothing has arrived `timeout` ms later, the
 * connection is declared dead, closed with code 4010 and reconnected.
 *
 * Large messages: a message being **sent** keeps the connection alive while its bytes leave the
 * socket (what it still has to send fell since the last check), though the ping waits behind it.
 * This reads `bufferedAmount`, and with `ws` its TCP write queue; undici shows progress only
 * between messages. A message being **received** proves nothing until its last byte arrives: no
 * runtime tells of a message partly received. So `interval + timeout` must exceed the time the
 * largest incoming message takes to transfer (1 MiB at 1 MiB/s: more than 1 s), or a connection
 * busy receiving it is closed with 4010 and the message is lost.
 *
 * @typeParam In - incoming message type, for `isPong`.
 * @typeParam Out - outgoing message type, for `message`.
 */
export interface HeartbeatConfig<In = unknown, Out = unknown> {
  /** Idle time (ms, nothing received, nothing leaving) before a ping is sent. */
  readonly interval: number;
  /**
   * How long (ms) to wait for anything after the ping before declaring the connection dead. With
   * `interval`, it bounds how long one incoming message may take to arrive.
   */
  readonly timeout: number;
  /** The ping, sent through the serializer; or a function making it. */
  readonly message: Out | (() => Out);
  /** Recognises the server's reply; messages it accepts are kept out of `messages$`. Any message proves the connection alive. */
  readonly isPong?: (message: In) => boolean;
}

/** Checks `heartbeat` settings. @throws RangeError or TypeError naming the field. */
export function validateHeartbeatConfig<In, Out>(config: HeartbeatConfig<In, Out> | undefined): HeartbeatConfig<In, Out> | undefined {
  if (config === undefined) return undefined;
  if (config === null || typeof config !== 'object') {
    throw new TypeError(
      `reactive-websocket: heartbeat must be an object such as { interval: 25000, timeout: 10000, message: 'ping' }, not ${String(config)}.`,
    );
  }
  check(
    typeof config.interval === 'number' && config.interval > 0 && Number.isFinite(config.interval),
    'heartbeat.interval',
    config.interval,
    'a number of ms above 0',
  );
  check(
    typeof config.timeout === 'number' && config.timeout > 0 && Number.isFinite(config.timeout),
    'heartbeat.timeout',
    config.timeout,
    'a number of ms above 0',
  );
  if (!('message' in config)) throw new TypeError('reactive-websocket: heartbeat.message is missing: give the ping to send.');
  if (config.isPong !== undefined && typeof config.isPong !== 'function') {
    throw new TypeError(`reactive-websocket: heartbeat.isPong must be a function, not ${typeof config.isPong}.`);
  }
  return config;
}

/**
 * The heartbeat of one connection. Arrivals only record the time (no timer is touched per
 * message); one timer checks the wall clock, so a clock that jumped (a sleeping machine) is
 * noticed on the first tick after it wakes. Each tick also reads what the connection still has to
 * send: if that fell since the last tick, bytes are leaving, which counts as life too. A tick that
 * finds the deadline passed but ran late (a busy event loop, a machine that slept) gives the
 * verdict one turn later, so that a reply received meanwhile is read first.
 */
export class Heartbeat {
  readonly #interval: number;
  readonly #timeout: number;
  readonly #ping: () => void;
  readonly #dead: (silentFor: number) => void;
  readonly #backlog: () => number;
  #lastReceived = 0;
  #lastTick = 0;
  #lastBacklog = 0;
  // A flag, not a comparison of times: a reply in the same millisecond as its ping must count.
  #awaitingReply = false;
  // When the timer is due, by the clock: a tick later than that ran on a busy event loop.
  #due = 0;
  // The deadline passed on a late tick, and the verdict waits one more turn of the event loop.
  #lastChance = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param interval - idle ms before a ping.
   * @param timeout - ms after that before `dead` is called.
   * @param ping - sends the ping.
   * @param dead - called once when the connection is presumed dead; the heartbeat has stopped by then.
   * @param backlog - how much the connection still has to send, a number that falls as bytes leave. Default: always 0.
   */
  constructor(interval: number, timeout: number, ping: () => void, dead: (silentFor: number) => void, backlog: () => number = NONE) {
    this.#interval = interval;
    this.#timeout = timeout;
    this.#ping = ping;
    this.#dead = dead;
    this.#backlog = backlog;
  }

  /** Starts watching, as of now. */
  start(): void {
    this.#lastReceived = this.#lastTick = Date.now();
    this.#lastBacklog = this.#backlog();
    this.#awaitingReply = false;
    this.#lastChance = false;
    this.#schedule(this.#interval);
  }

  /** Records that something arrived. */
  received(): void {
    this.#lastReceived = Date.now();
    this.#awaitingReply = false;
  }

  /** Stops watching; no timer is left. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    const interval = this.#interval;
    const now = Date.now();
    const backlog = this.#backlog();
    // Bytes leaving prove the connection alive: a ping queued behind a large message cannot be
    // answered before the message is through. Not across a gap longer than the deadline (a
    // machine that slept), where they may have left long ago. The ping stays outstanding.
    if (backlog < this.#lastBacklog && now - this.#lastTick <= interval + this.#timeout) this.#lastReceived = now;
    this.#lastBacklog = backlog;
    this.#lastTick = now;
    const silent = now - this.#lastReceived;
    if (silent >= interval + this.#timeout) {
      // A busy event loop runs an overdue timer before reading what arrived meanwhile (Node's
      // timers come before its I/O, and a page's tasks may too): after a late tick, one more turn
      // lets a reply that is already in count first.
      if (now > this.#due && !this.#lastChance) {
        this.#lastChance = true;
        this.#schedule(0);
      } else {
        this.#dead(silent);
      }
      return;
    }
    this.#lastChance = false;
    if (silent >= interval && !this.#awaitingReply) {
      this.#awaitingReply = true;
      this.#ping();
    }
    // Wake again when the next ping is due, or, with a ping outstanding, early enough to ping
    // `interval` after a reply that arrives meanwhile, and no later than the deadline.
    this.#schedule(silent < interval ? interval - silent : Math.min(interval, interval + this.#timeout - silent));
  }

  #schedule(ms: number): void {
    this.#due = Date.now() + ms;
    this.#timer = setTimeout(() => this.#tick(), ms);
  }
}

/**
 * Starts the heartbeat of a connection that just opened: pings it with the config's message,
 * encoded by `encode` (a throw is reported, never thrown); on silence, reports it through
 * `presumedDead` and abandons the connection with code 4010.
 */
export function startHeartbeat<In, Out>(
  config: HeartbeatConfig<In, Out>,
  connection: Connection,
  encode: (value: Out) => WebSocketData,
  presumedDead: (detail: string) => void,
): Heartbeat {
  const { interval, timeout, message } = config;
  const ping = (): void => {
    try {
      connection.socket.send(encode(typeof message === 'function' ? (message as () => Out)() : message) as string);
    } catch (error) {
      reportError(error);
    }
  };
  const dead = (silentFor: number): void => {
    presumedDead(
      `nothing arrived for ${silentFor} ms (heartbeat.interval + heartbeat.timeout); the connection is presumed dead ` +
        '(if one incoming message can take longer than that to arrive, raise them above its transfer time)',
    );
    connection.abandon(CLOSE_CODE_HEARTBEAT_TIMEOUT, 'heartbeat timeout');
  };
  const heartbeat = new Heartbeat(interval, timeout, ping, dead, () => outgoingBacklog(connection.socket));
  heartbeat.start();
  return heartbeat;
}

function NONE(): number {
  return 0;
}

/**
 * The heartbeat feature, for `use`: ping when nothing has arrived for `interval` ms and drop the
 * connection (close code 4010) when nothing answers within `timeout` ms; a reconnect then replaces it.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, heartbeat, reconnect } from 'reactive-websocket/core';
 *
 * const socket = new ReactiveWebSocket<string, string>({
 *   url: 'ws://127.0.0.1:8080',
 *   use: [reconnect(), heartbeat({ interval: 25_000, timeout: 10_000, message: 'ping', isPong: (message) => message === 'pong' })],
 * });
 * socket.messages$.subscribe((message) => console.log(message)); // never 'pong'
 * ```
 *
 * @throws TypeError or RangeError at once for a setting of the wrong type or range, naming it.
 */
export function heartbeat<In, Out>(config: HeartbeatConfig<In, Out>): SocketFeature<In, Out> {
  const checked = validateHeartbeatConfig(config ?? (null as unknown as HeartbeatConfig<In, Out>))!;
  return asFeature<In, Out>({
    heartbeat: (connection, encode, presumedDead) => startHeartbeat(checked, connection, encode, presumedDead),
    isPong: checked.isPong,
  });
}
