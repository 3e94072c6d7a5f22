import { Subscription, type Observable } from 'rxjs';
import { isPromiseLike, resolveTarget, shownUrl, type ResolvedConfig, type Target } from './config.js';
import type { Connection } from './connection.js';
import { Engine, type AttemptTarget } from './engine.js';
import { SocketClosedError, type ClosedBy, type ReconnectError } from './errors.js';
import type { SocketCloseEvent, SocketOpenEvent } from './events.js';
import type { NativeEvent } from './native-socket.js';
import { receive, type Incoming } from './receiver.js';
import type { ReconnectEvent } from './reconnect.js';
import { encoder, type WebSocketData } from './codec.js';
import type { FeatureSlots, SocketOutgoing } from './feature.js';
import { SocketQueue } from './queue.js';
import { Streams } from './streams.js';

const OPEN_EVENT: SocketOpenEvent = Object.freeze({ type: 'open' });

/** The constructor's arguments for a checked target: the protocols left out of the call when there are none. */
function toAttempt({ href, protocols }: Target): AttemptTarget {
  return { url: href, protocols: protocols.length > 0 ? [...protocols] : undefined };
}

/** The core's unbounded queue, where no feature gives an outgoing path; `delivery()` refuses it. */
function coreQueue<In, Out>(
  features: FeatureSlots<In, Out>,
  encode: (value: Out) => WebSocketData,
  streams: Streams<In, Out>,
): SocketQueue<Out> {
  features.delivery?.withoutBuffer();
  return new SocketQueue(encode, (writable) => streams.writable(writable));
}

/**
 * `ReactiveWebSocket`'s side of the engine: each step of the socket's life published on its
 * streams, the outgoing path (the sender and its outbox) and the state of the incoming one (see `receive`).
 * `ReactiveWebSocket` is the public API over it.
 */
export class Session<In, Out> extends Engine<In, Out, ResolvedConfig<In, Out>> implements Incoming<In, Out> {
  /** The socket's streams. */
  readonly streams: Streams<In, Out>;
  /** The outgoing path: the `buffer()` feature's outbox, or the core's unbounded queue. */
  readonly sender: SocketOutgoing<Out>;
  /** Settles what a message acknowledges, with delivery on. */
  readonly acknowledge: ((message: In) => void) | undefined;

  constructor(config: ResolvedConfig<In, Out>) {
    const streams = new Streams<In, Out>();
    const url = shownUrl(config);
    const encode = encoder(config.serializer);
    const { features } = config;
    const sender: SocketOutgoing<Out> & { readonly acknowledge?: ((message: In) => void) | undefined } =
      features.outgoing?.(encode, url, streams, features.delivery) ?? coreQueue(features, encode, streams);
    super(config, url);
    this.streams = streams;
    this.sender = sender;
    this.acknowledge = sender.acknowledge;
    this.start();
  }

  protected target(): AttemptTarget | PromiseLike<AttemptTarget> {
    const target = resolveTarget(this.config);
    return isPromiseLike(target) ? target.then(toAttempt) : toAttempt(target);
  }

  protected encode(value: Out): WebSocketData {
    // The heartbeat's ping: encoder() hands back the function the sender was given.
    return encoder(this.config.serializer)(value);
  }

  /** `source`, counting its subscribers when the socket is lazy. */
  counted<T>(source: Observable<T>): Observable<T> {
    return this.refs?.counted(source) ?? source;
  }

  /** Sends or queues a message; throws as `ReactiveWebSocket.send` documents. */
  send(value: Out): void {
    if (this.lifecycle.ending) throw this.#closedError();
    this.sender.send(value);
  }

  /** Resolves when the socket is writable; as `ReactiveWebSocket.whenWritable` documents. */
  whenWritable(): Promise<void> {
    if (this.sender.writable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const subscription = new Subscription();
      const settle = (): void => {
        if (this.lifecycle.ending) reject(this.#closedError());
        else if (this.sender.writable) resolve();
        else return;
        subscription.unsubscribe();
      };
      subscription.add(this.streams.extra('writable').observable.subscribe(settle));
      // The state replays at once (a socket already closing rejects) and tells of close() while waiting.
      subscription.add(this.lifecycle.state$.subscribe({ next: settle, complete: settle }));
    });
  }

  /** Closes for good; as `ReactiveWebSocket.close` documents. @returns the messages left waiting, which no socket will get. */
  override requestClose(code?: number, reason?: string): Out[] {
    if (this.lifecycle.ending) return [];
    const unsent = this.sender.waiting();
    super.requestClose(code, reason);
    return unsent;
  }

  /** What `send` throws once the socket takes no more messages. */
  #closedError(): SocketClosedError {
    const { closedFor, closeRequest } = this.lifecycle;
    return new SocketClosedError(this.url, closedFor ?? { by: 'client', ...closeRequest });
  }

  // ---- the engine's steps, published --------------------------------------------------------

  protected opened(connection: Connection): void {
    this.sender.open(connection.socket);
    this.streams.emit(OPEN_EVENT);
  }

  protected received(event: NativeEvent): void {
    receive(this, this.config, event);
  }

  protected stopSending(): void {
    this.sender.close();
  }

  protected failed(error: Error): void {
    this.streams.emit({ type: 'error', error });
  }

  protected closed(close: SocketCloseEvent): void {
    this.streams.emit(close);
  }

  protected reconnecting(next: ReconnectEvent): void {
    this.streams.nextExtra('reconnect', next);
  }

  protected finishing(closedBy: ClosedBy, gaveUp: ReconnectError | undefined): void {
    if (gaveUp !== undefined) this.failed(gaveUp);
    const unsent = this.sender.takeAll();
    if (unsent.length > 0) this.failed(new SocketClosedError(this.url, closedBy, unsent));
  }

  protected finished(): void {
    this.streams.complete();
  }
}
