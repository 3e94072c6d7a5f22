/**
 * The error a request fails with when no reply it accepts arrives in time.
 *
 * Like RxJS's `TimeoutError`, it means "nothing came in time"; it carries the request that went
 * unanswered and the time allowed, so a caller can retry, report or give up.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, RequestTimeoutError, jsonDeserializer, jsonSerializer } from 'reactive-websocket';
 *
 * interface Call {
 *   readonly id: number;
 *   readonly method: string;
 * }
 * interface Reply {
 *   readonly id: number;
 *   readonly result: unknown;
 * }
 *
 * const socket = new ReactiveWebSocket<Reply, Call>({
 *   url: 'ws://127.0.0.1:8080/rpc',
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 * });
 * socket.request({ id: 1, method: 'time' }, { match: (reply) => reply.id === 1, timeout: 2000 }).subscribe({
 *   next: (reply) => console.log(reply.result),
 *   error: (error: unknown) => console.error(error instanceof RequestTimeoutError ? `no reply within ${error.timeout} ms` : error),
 * });
 * ```
 */
export class RequestTimeoutError extends Error {
  /** Always `'RequestTimeoutError'`, for telling the errors apart after serialization. */
  override readonly name = 'RequestTimeoutError';

  /**
   * @param timeout - the ms that were allowed (the request's `timeout` option).
   * @param request - the message that was sent and not answered.
   */
  constructor(
    readonly timeout: number,
    readonly request: unknown,
  ) {
    super(
      `reactive-websocket: no reply within ${timeout} ms. Check that the server answers and match() accepts the reply, or raise timeout.`,
    );
  }
}
