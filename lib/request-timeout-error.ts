/**
 * The error a request fails with when no reply it accepts arrives in time.
 *
 * Like RxJS's `TimeoutError`, it means "nothing came in time"; it carries the request that went
 * unanswered and the time allowed, so a caller can retry, report or give up.
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
