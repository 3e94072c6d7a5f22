import { Observable } from 'rxjs';
import { RequestTimeoutError } from './request-timeout-error.js';

/** How long (ms) a request waits for its reply unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT = 10_000;

/**
 * Settings of {@link request}.
 *
 * @typeParam In - the type of decoded incoming messages.
 */
export interface RequestOptions<In> {
  /** Whether an incoming message is the reply to this request. A throw fails the request with what it threw. */
  readonly match: (message: In) => boolean;
  /** How long (ms) to wait for the reply before failing with {@link RequestTimeoutError}. Default 10,000; `Infinity` waits forever. */
  readonly timeout?: number;
}

/**
 * What a request is made over: something that sends and something that receives. A
 * `ReactiveWebSocket` is one as it is.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing messages before encoding.
 */
export interface RequestChannel<In, Out> {
  /** Sends a message, or queues it until it can be sent. */
  send(message: Out): void;
  /** The incoming messages, decoded. */
  readonly messages$: Observable<In>;
}

/**
 * Request/response over a socket: on each subscription, listens for replies, sends `message`
 * once, emits the first incoming message `options.match` accepts and completes.
 *
 * - Fails with {@link RequestTimeoutError} when no accepted reply arrives within `options.timeout`
 *   ms of subscribing (default 10,000).
 * - Fails with what `send` threw (a full outbox, a value the serializer rejects, and a
 *   `SocketClosedError` on a socket already closed for good).
 * - Errors and completes as the messages do if they end first: it completes without a value
 *   when the socket closes cleanly after the request went out and before the reply, as
 *   `messages$.pipe(filter(match), take(1))` would.
 * - Unsubscribing before the reply stops the wait: the timer and the subscription to the
 *   messages are gone at once.
 *
 * Nothing is sent until subscription, and every subscription sends again, so `retry()` resends.
 *
 * @example
 * ```ts
 * // JSON-RPC 2.0 over a ReactiveWebSocket
 * import type { Observable } from 'rxjs';
 * import { ReactiveWebSocket, jsonDeserializer, jsonSerializer, request } from 'reactive-websocket';
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
 * const socket = new ReactiveWebSocket<RpcReply, RpcCall>({
 *   url: 'ws://127.0.0.1:8080/rpc',
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 * });
 * let nextId = 1;
 * function call(method: string, params: unknown[]): Observable<RpcReply> {
 *   const id = nextId++;
 *   return request(socket, { jsonrpc: '2.0', id, method, params }, { match: (reply) => reply.id === id, timeout: 5000 });
 * }
 * call('subtract', [42, 23]).subscribe((reply) => console.log(reply.result)); // 19
 * ```
 *
 * @throws TypeError at the call for a `match` that is not a function or a `timeout` that is not above 0.
 */
export function request<In, Out>(socket: RequestChannel<In, Out>, message: Out, options: RequestOptions<In>): Observable<In> {
  const { match, timeout = DEFAULT_REQUEST_TIMEOUT } = options;
  if (typeof match != 'function' || !(typeof timeout == 'number' && timeout > 0)) {
    throw new TypeError(
      `reactive-websocket: request options need match, a function, and a timeout in ms above 0 (or Infinity), not ${String(timeout)}.`,
    );
  }
  return new Observable<In>((subscriber) => {
    let sent = false;
    // Listen before sending, so that a reply faster than the return from send() is not missed.
    const replies = socket.messages$.subscribe({
      next: (reply) => {
        try {
          if (match(reply)) {
            subscriber.next(reply);
            subscriber.complete();
          }
        } catch (error) {
          subscriber.error(error);
        }
      },
      error: (error: unknown) => subscriber.error(error),
      // Ended before the send: the socket is closed for good, which send() reports as an error.
      complete: () => sent && subscriber.complete(),
    });
    const timer = timeout < Infinity ? setTimeout(() => subscriber.error(new RequestTimeoutError(timeout, message)), timeout) : undefined;
    // Added before sending: what send() throws errors the subscriber, and this must still run.
    subscriber.add(() => {
      clearTimeout(timer);
      replies.unsubscribe();
    });
    socket.send(message);
    sent = true;
    if (replies.closed) subscriber.complete();
  });
}
