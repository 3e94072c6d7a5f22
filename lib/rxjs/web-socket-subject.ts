import { Observable, type Observer, type Subscriber, type SubscriptionLike } from 'rxjs';
import { ObjectUnsubscribedError } from './object-unsubscribed-error.js';
import type { WebSocketData } from '../codec.js';
import { Connection } from '../connection.js';
import type { NativeEvent, WebSocketConstructor, WebSocketLike } from '../native-socket.js';
import { reportError } from '../report.js';
import { request, type RequestOptions } from '../request.js';
import { resolveSubjectConfig, EXTENSION, type ExtendedConfig, type MessageEventLike, type WebSocketSubjectConfig } from './config.js';
import type { ConnectionLike, Extension } from './extension.js';
import type { Outgoing } from '../feature.js';
import { Queue } from '../queue.js';

/**
 * The subscribers that share one socket, from the subscription that opened it to its end (RxJS
 * calls it the output). With `resilient({ reconnect })`, one share outlives many sockets.
 */
interface Share<In> {
  subscribers: ReadonlyArray<Subscriber<In>>;
  connection?: ConnectionLike;
  /** Whether a socket has opened and the outgoing path writes to it. */
  open?: boolean;
  /** The client closed it: its close ends it. */
  stopped?: boolean;
  /** A close asked for before the socket opened, done once it opens and has sent what was queued, as RxJS does. */
  after?: readonly [code: number, reason: string | undefined];
}

const NORMAL_CLOSURE = 1000;

/**
 * RxJS 7's `WebSocketSubject`, built on this library's connection: an `Observable<In>` of the
 * server's messages and an `Observer<Out>` that sends.
 *
 * - Subscribing connects; every subscriber shares one socket; the last to leave closes it (also
 *   before it opened: it is then closed as it opens, and nobody sees it).
 * - `next()` sends at once on an open socket; before that (and between sockets) values wait, in
 *   order, and go out when a socket opens.
 * - A clean close completes the subscribers; an unclean one errors them with the close event;
 *   the runtime's error event, a throwing constructor and a throwing deserializer error them too.
 * - After any close, the next subscription makes a new socket, so `retry()` and `repeat()` reconnect.
 *
 * Create one with {@link webSocket}. With `resilient({ reconnect })` it reconnects without ending
 * its subscribers, and `multiplex` subscriptions subscribe again on each new connection.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing values before encoding (default: `In`, as RxJS's one `T`).
 *
 * @example
 * ```ts
 * import { webSocket, type WebSocketSubject } from 'reactive-websocket/rxjs';
 *
 * interface Message {
 *   readonly text: string;
 * }
 *
 * const subject: WebSocketSubject<Message> = webSocket<Message>('ws://127.0.0.1:8080');
 * // The first subscriber connects; values are JSON, both ways, unless a config says otherwise.
 * const subscription = subject.subscribe({
 *   next: (message) => console.log(message.text),
 *   error: (error: unknown) => console.error('closed uncleanly or failed:', error),
 *   complete: () => console.log('closed cleanly'),
 * });
 * subject.next({ text: 'hello' }); // sent once the socket opens
 * // Later: the last subscriber to leave closes the socket.
 * subscription.unsubscribe();
 * ```
 */
export class WebSocketSubject<In, Out = In> extends Observable<In> implements Observer<Out>, SubscriptionLike {
  readonly #config: ExtendedConfig<In, Out>;
  readonly #WebSocketCtor: WebSocketConstructor;
  readonly #extension: Extension<In, Out> | undefined;
  readonly #outgoing: Outgoing<Out>;
  #share: Share<In> | undefined;
  #unsubscribed = false;

  /**
   * @param urlOrConfig - the URL, or the {@link WebSocketSubjectConfig}.
   * @throws TypeError for `reconnect`, `connectTimeout`, `heartbeat`, `buffer` or `delivery` given without `resilient()`.
   * @throws NotImplementedError when no `WebSocketCtor` is given and the runtime has no `WebSocket`.
   */
  constructor(urlOrConfig: string | URL | WebSocketSubjectConfig<In, Out>) {
    // Subscribers arrive after super() has returned, so `this` is there when the arrow reads it.
    super((subscriber) => this.#join(subscriber));
    const [config, WebSocketCtor] = resolveSubjectConfig(urlOrConfig);
    this.#config = config;
    this.#WebSocketCtor = WebSocketCtor;
    // Called with the config as `this`, as RxJS calls them.
    const serializer = (config.serializer?.bind(config) ?? JSON.stringify) as (value: Out) => WebSocketData | undefined;
    const encode = (value: Out): WebSocketData => {
      const data = serializer(value);
      if (data === undefined) throw new TypeError('reactive-websocket: the serializer returned undefined; nothing was sent.');
      return data;
    };
    this.#extension = config[EXTENSION]?.(encode);
    this.#outgoing = this.#extension?.outgoing ?? new Queue(encode);
  }

  /** Whether {@link unsubscribe} was called: the subject takes no more subscribers or values. */
  get closed(): boolean {
    return this.#unsubscribed;
  }

  /** @internal The socket subscribers share now, or `null`: RxJS's private name, which its own spec reads. */
  get _socket(): WebSocketLike | null {
    return this.#share?.connection?.socket ?? null;
  }

  /**
   * Sends a value: encoded by the serializer now, then sent at once if the socket is open, else
   * held, in order, until a socket opens.
   * @throws what the serializer throws, or a TypeError when it returns `undefined`; nothing is held then.
   * @throws ObjectUnsubscribedError after {@link unsubscribe}.
   */
  next(value: Out): void {
    if (this.#unsubscribed) throw new ObjectUnsubscribedError();
    this.#outgoing.send(value);
  }

  /**
   * Closes the socket with code 1000; before it has opened, once it opens and has sent what was
   * queued. Subscribers complete when the close completes. Without a socket, nothing happens.
   */
  complete(): void {
    this.error({ code: NORMAL_CLOSURE });
  }

  /**
   * Closes the socket with `closeEvent.code` and `closeEvent.reason`, as RxJS does; before it has
   * opened, once it opens and has sent what was queued. Given anything without a numeric `code`,
   * it closes with 1000 and errors the subscribers with a TypeError. The code is passed as given:
   * browsers accept only 1000 and 3000-4999 and drop the connection (an unclean close) for others.
   */
  error(closeEvent: unknown): void {
    const share = this.#share;
    if (!share) return;
    const { code, reason } = (closeEvent ?? {}) as { code?: unknown; reason?: string };
    if (typeof code != 'number') {
      this.#stop(share);
      this.#end(share, new TypeError('reactive-websocket: error() takes { code, reason? }, the close to send; it closed with 1000.'));
    } else if (share.open || !share.connection?.socket) this.#stop(share, code, reason);
    else share.after = [code, reason];
  }

  /**
   * Closes the socket (code 1000) and ends the subject: subscribers complete when the close
   * completes; from then on `next()` throws and subscribers get `ObjectUnsubscribedError`.
   */
  unsubscribe(): void {
    this.#unsubscribed = true;
    if (this.#share) this.#stop(this.#share);
  }

  /** The messages as an Observable without `next`, `error` and `complete`, to hand out read-only. */
  asObservable(): Observable<In> {
    return new Observable<In>((subscriber) => this.subscribe(subscriber));
  }

  /**
   * One topic of the shared socket. Each subscription sends `subMsg()`, receives the messages
   * `messageFilter` accepts, and sends `unsubMsg()` when it ends; all share the subject's socket,
   * and the last to end closes it. A throw from `subMsg` or `messageFilter` errors that subscription.
   *
   * With `resilient({ reconnect })`, `subMsg()` is sent again on every new connection for as long
   * as the subscription lasts, so the server's side of the topic is restored after a reconnect.
   *
   * The messages go through the serializer as they are. RxJS types them `any`; they are `unknown`
   * here so that existing calls keep compiling whatever `Out` is.
   */
  multiplex(subMsg: () => unknown, unsubMsg: () => unknown, messageFilter: (value: In) => boolean): Observable<In> {
    return new Observable<In>((subscriber) => {
      let sent = false;
      let untrack: (() => void) | undefined;
      // Listen first, so that no reply is missed.
      const inner = this.subscribe({
        next: (value) => {
          try {
            if (messageFilter(value)) subscriber.next(value);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      // Added before anything can throw, so that it runs whatever happens; it sends unsubMsg() first,
      // so that it goes out before the socket closes when this was the last subscriber.
      subscriber.add(() => {
        untrack?.();
        try {
          if (sent && !this.#unsubscribed) this.next(unsubMsg() as Out);
        } catch (error) {
          // The subscription is over: there is no one left to tell.
          reportError(error);
        }
        inner.unsubscribe();
      });
      // No socket could be made: the subscriber has its error already.
      if (subscriber.closed) return;
      const extension = this.#extension;
      if (extension) {
        untrack = extension.track(subMsg, unsubMsg, subscriber);
        return;
      }
      this.next(subMsg() as Out);
      sent = true;
    });
  }

  /**
   * Request/response: on each subscription, sends `message` once, emits the first incoming
   * message `options.match` accepts and completes. Fails with {@link RequestTimeoutError} when none
   * arrives within `options.timeout` ms of subscribing (default 10,000; `Infinity` waits forever),
   * and errors or completes as the subject does if it ends first. Unsubscribing stops the wait:
   * no timer or subscription is left. Like any subscriber, it keeps the socket open while it waits.
   *
   * @example
   * ```ts
   * // JSON-RPC 2.0
   * import type { Observable } from 'rxjs';
   * import { webSocket } from 'reactive-websocket/rxjs';
   *
   * interface RpcCall {
   *   readonly jsonrpc: '2.0';
   *   readonly id: number;
   *   readonly method: string;
   *   readonly params: unknown[];
   * }
   * interface RpcReply {
   *   readonly jsonrpc: '2.0';
   *   readonly id: number;
   *   readonly result?: unknown;
   * }
   *
   * const rpc = webSocket<RpcReply, RpcCall>('ws://127.0.0.1:8080/rpc');
   * let nextId = 1;
   * function call(method: string, params: unknown[]): Observable<RpcReply> {
   *   const id = nextId++;
   *   return rpc.request({ jsonrpc: '2.0', id, method, params }, { match: (reply) => reply.id === id, timeout: 5000 });
   * }
   * call('subtract', [42, 23]).subscribe((reply) => console.log(reply.result)); // 19
   * ```
   */
  request(message: Out, options: RequestOptions<In>): Observable<In> {
    return request({ send: (value: Out) => this.next(value), messages$: this }, message, options);
  }

  #join(subscriber: Subscriber<In>): () => void {
    if (this.#unsubscribed) throw new ObjectUnsubscribedError();
    let share = this.#share;
    if (share) share.subscribers = [...share.subscribers, subscriber];
    else this.#connect((share = this.#share = { subscribers: [subscriber] }));
    return () => {
      share.subscribers = share.subscribers.filter((other) => other !== subscriber);
      if (!share.subscribers.length && share === this.#share) this.#stop(share);
    };
  }

  /** Completes a share's subscribers, or errors them with `error` when one is given; once, as they are taken from it first. */
  #end(share: Share<In>, error?: unknown): void {
    if (share === this.#share) this.#share = undefined;
    const { subscribers } = share;
    share.subscribers = [];
    for (const subscriber of subscribers) {
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    }
  }

  #connect(share: Share<In>): void {
    const config = this.#config;
    const { url, protocol, binaryType, openObserver, closeObserver } = config;
    const deserializer = config.deserializer?.bind(config) ?? ((event: MessageEventLike): In => JSON.parse(event.data as string) as In);
    const extension = this.#extension;
    // RxJS leaves an empty protocol out of the constructor call too.
    const options = { WebSocketCtor: this.#WebSocketCtor, url: url as string, protocols: protocol || undefined, binaryType };
    const observer = {
      open: ({ socket }: { socket: WebSocketLike }) => {
        openObserver?.next({ type: 'open', target: socket });
        if (share.stopped) return;
        this.#outgoing.open(socket);
        share.open = true;
        if (share.after) this.#stop(share, ...share.after);
      },
      message: (event: NativeEvent) => {
        let value: In;
        try {
          value = deserializer(event as { readonly data: unknown });
        } catch (error) {
          this.#stop(share);
          return this.#end(share, error);
        }
        if (extension?.received(value) !== false) for (const subscriber of share.subscribers) subscriber.next(value);
      },
      error: (event: NativeEvent) => this.#end(share, event),
      // No event: the connection ended while it had no socket, so no close happened to tell closeObserver of.
      close: (event: NativeEvent | undefined) => {
        this.#detach(share);
        if (event) closeObserver?.next(event);
        // A close the client started completes, however the peer answered (or failed to, in time).
        this.#end(share, !event || event.wasClean || share.stopped ? undefined : event);
      },
    };
    try {
      share.connection = extension ? extension.connect(options, observer) : new Connection(options, observer);
    } catch (error) {
      this.#end(share, error);
    }
  }

  /** The client closes the share's socket; the next subscriber gets a new one. */
  #stop(share: Share<In>, code = NORMAL_CLOSURE, reason?: string): void {
    if (share === this.#share) this.#share = undefined;
    if (share.stopped) return;
    share.stopped = true;
    this.#config.closingObserver?.next();
    this.#detach(share);
    share.connection?.close(code, reason);
  }

  #detach(share: Share<In>): void {
    if (!share.open) return;
    share.open = false;
    this.#outgoing.close();
  }
}
