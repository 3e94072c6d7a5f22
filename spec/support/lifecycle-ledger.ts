/**
 * The ledger of one lifecycle property run (see lifecycle-model.ts): the runtime sockets the client
 * made and the connections among them, each message given to send/next and its fate, what the
 * client reported (dropped, unsent at close), the states it went through, and every problem seen.
 *
 * It watches the runtime's sockets through a `WebSocketCtor` that records each one and listens to
 * it before the client does, so it knows which connection was open when each message was sent and
 * how each connection ended, whichever kind of client made it.
 */
import { WebSocket } from 'ws';
import { BufferOverflowError, ConnectionError, SocketClosedError, type SocketState, type WebSocketConstructor } from '../../lib/index.js';
import { TRANSITIONS } from '../../lib/lifecycle.js';

/** ws's readyState values. */
export const OPEN = 1;
export const CLOSED = 3;

/** One connection that opened, as the client's runtime socket told it. */
interface ClientConnection {
  /** 1 for the first connection that opened in the run, then 2, 3, … */
  readonly index: number;
  readonly raw: WebSocket;
  /** Whether it ended with a close frame (code other than 1006); `undefined` while it lasts. */
  clean: boolean | undefined;
  /** The run dropped it abruptly (terminate, cut, reset) while it lasted: what was in flight may be lost. */
  cut: boolean;
}

/** What became of one message given to send/next. */
interface SendRecord {
  readonly id: number;
  /**
   * The first connection that may carry it: the open one when it was sent, else the next to open.
   * A message can only ever be handed to this connection or a later one.
   */
  readonly target: number;
  /** `accepted`: send returned; `overflow`: it threw BufferOverflowError; `closed`: it threw SocketClosedError. */
  readonly outcome: 'accepted' | 'overflow' | 'closed';
}

/**
 * Everything a run observed: the runtime sockets and the connections among them, each message
 * and its fate, the reports (dropped, unsent at close), the states, and every problem seen on the way.
 */
export class Ledger {
  readonly made: WebSocket[] = [];
  readonly connections: ClientConnection[] = [];
  /** The connection open now (its close event not yet fired), if any. */
  current: ClientConnection | undefined;
  readonly sends: SendRecord[] = [];
  /** Ids reported as not sent, with how. */
  readonly reported = new Map<number, string>();
  readonly states: SocketState[] = [];
  stateCompleted = false;
  /** Set when close() is called: from then on the state only goes to closing and closed. */
  closeCalled = false;
  /** Invariant violations seen during the run; the run fails at its end if there is any. */
  readonly problems: string[] = [];
  /** Figures for the summary line. */
  readonly figures = { connectionErrors: 0, lostInCuts: 0, closingWindowSends: 0 };
  /** The `open` events the client reported (its open$, open handlers or openObserver), when it is watched for them. */
  opensReported: number | undefined;
  #openReported = false;
  #nextId = 0;

  /** A WebSocket constructor (ws) that records every socket it makes and listens to it before anyone else. */
  tracker(): WebSocketConstructor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below needs the ledger, not the socket
    const ledger = this;
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        ledger.#track(this);
      }
    }
    return TrackedWebSocket;
  }

  #track(raw: WebSocket): void {
    this.made.push(raw);
    let connection: ClientConnection | undefined;
    const open = (): void => {
      connection = { index: this.connections.length + 1, raw, clean: undefined, cut: false };
      this.connections.push(connection);
      this.current = connection;
    };
    const close = (code: number): void => {
      raw.off('open', open);
      raw.off('close', close);
      if (connection === undefined) return;
      connection.clean = code !== 1006;
      if (this.current === connection) this.current = undefined;
    };
    raw.on('open', open);
    raw.on('close', close);
  }

  /** A new message, with the next id. */
  nextMessage(): { id: number } {
    return { id: this.#nextId++ };
  }

  /** Sends one message through `send`, recording its fate. */
  send(message: { id: number }, send: (message: { id: number }) => void): void {
    const target = this.current?.index ?? this.connections.length + 1;
    // The connection's close frame (or end) has arrived and its close event has not fired yet.
    if (this.current !== undefined && !this.liveConnection) this.figures.closingWindowSends++;
    try {
      send(message);
      this.sends.push({ id: message.id, target, outcome: 'accepted' });
    } catch (error) {
      if (error instanceof BufferOverflowError) this.sends.push({ id: message.id, target, outcome: 'overflow' });
      else if (error instanceof SocketClosedError) {
        this.sends.push({ id: message.id, target, outcome: 'closed' });
        if (!this.closeCalled && !this.stateCompleted)
          this.problems.push(`send(${message.id}) threw SocketClosedError while the socket was not closed`);
      } else this.problems.push(`send(${message.id}) threw ${oneLine(error)}`);
    }
  }

  /** A value reported as not sent: dropped by the outbox, or listed unsent at close. A topic message is state, never to be dropped. */
  report(value: unknown, how: string): void {
    const message = value as Partial<{ id: number }>;
    if (typeof message.id === 'number') this.reported.set(message.id, how);
    else this.problems.push(`${how} reported ${JSON.stringify(value)}, which send/next was never given`);
  }

  /** An error the socket reported (error$, the facade's error handler, a subscriber's error). */
  error(error: unknown): void {
    if (error instanceof SocketClosedError) for (const value of error.unsent) this.report(value, 'unsent at close');
    else if (error instanceof ConnectionError) this.figures.connectionErrors++;
    else this.problems.push(`unexpected error reported: ${oneLine(error)}`);
  }

  /**
   * An `open` or `close` the client reported. With `oneAtATime`, a connection opens only after the
   * last one closed (the drop-in's sessions each have their own: a new one may open while the last
   * closes, as with RxJS). A `close` may come alone: an attempt that never opened ends with one.
   */
  lifecycleEvent(type: 'open' | 'close', oneAtATime = true): void {
    if (type === 'open') {
      if (this.#openReported && oneAtATime)
        this.problems.push('the client reported an open while the last connection it reported open had not closed');
      this.#openReported = true;
      this.opensReported = (this.opensReported ?? 0) + 1;
    } else this.#openReported = false;
  }

  /** Watches `state$`: every change must be one the lifecycle table lists, and after close() only towards closed. */
  watchStates(state$: { subscribe(observer: { next(state: SocketState): void; complete(): void }): unknown }): void {
    state$.subscribe({
      next: (state) => {
        const previous = this.states.at(-1);
        if (this.stateCompleted) this.problems.push(`state$ emitted ${state} after it completed`);
        if (previous !== undefined && !TRANSITIONS[previous].includes(state)) {
          this.problems.push(`state$ went ${previous} → ${state}, a transition the lifecycle table does not list`);
        }
        if (this.closeCalled && state !== 'closing' && state !== 'closed') this.problems.push(`state$ went to ${state} after close()`);
        this.states.push(state);
      },
      complete: () => {
        this.stateCompleted = true;
      },
    });
  }

  /** Whether a connection is open and neither side has begun to close it. */
  get liveConnection(): boolean {
    return this.current?.raw.readyState === OPEN;
  }

  /** Marks the open connection as dropped abruptly by the run. */
  cutCurrent(): void {
    if (this.current !== undefined) this.current.cut = true;
  }

  /** Whether a message meant for connection `target` or later may have been lost in a connection that ended abruptly. */
  excused(target: number): boolean {
    return this.connections.some((c) => c.index >= target && (c.cut || c.clean === false));
  }
}

/** An error as one line. */
export function oneLine(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
