import { quote, tagOf } from './check.js';

/**
 * Thrown where the runtime has no `WebSocket` and none was passed as `WebSocketCtor`.
 *
 * The name follows the `NotImplementedError` of the module this library's facade comes from.
 *
 * @example
 * ```ts
 * import { NotImplementedError, websocket } from 'reactive-websocket';
 *
 * try {
 *   const ws = websocket<string, string>('ws://127.0.0.1:8080');
 *   ws.bind('open', () => ws.send('hello'));
 * } catch (error) {
 *   // Node 20 with no WebSocketCtor: the message says to pass ws's constructor.
 *   if (!(error instanceof NotImplementedError)) throw error;
 *   console.error(error.message);
 * }
 * ```
 */
export class NotImplementedError extends Error {
  /** Always `'NotImplementedError'`, for telling the errors apart after serialization. */
  override readonly name = 'NotImplementedError';
}

/**
 * Thrown by `send()` when the outbox is full and the overflow policy is `'error'`.
 *
 * Nothing was queued: the message that caused it is still the caller's.
 *
 * @example
 * ```ts
 * import { BufferOverflowError, ReactiveWebSocket } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket<string, string>({ url: 'ws://127.0.0.1:8080', buffer: { limit: 100 } });
 * try {
 *   socket.send('tick');
 * } catch (error) {
 *   // 100 messages already wait for the connection; this one was not queued.
 *   if (!(error instanceof BufferOverflowError)) throw error;
 *   console.warn(`tick not sent: the outbox holds ${error.limit} messages`);
 * }
 * ```
 */
export class BufferOverflowError extends Error {
  /** Always `'BufferOverflowError'`, for telling the errors apart after serialization. */
  override readonly name = 'BufferOverflowError';

  /**
   * @param limit - the `buffer.limit` in force.
   * @param url - the socket's URL, credentials redacted.
   * @param bytes - when `buffer.maxBytes` is the bound reached: the bytes held, the message's size and the bound.
   */
  constructor(
    readonly limit: number,
    url: string,
    bytes?: { readonly held: number; readonly message: number; readonly maxBytes: number },
  ) {
    const advice = (bound: string): string =>
      `Nothing was queued. Send again once some have gone out (or, with delivery, been acknowledged), raise ${bound}, ` +
      "or set buffer.overflow to 'drop-oldest' or 'drop-newest'.";
    super(
      bytes === undefined
        ? `reactive-websocket: cannot queue the message: the outbox for ${url} already holds ${count(limit, 'message')}, ` +
            `as many as buffer.limit allows. ${advice('buffer.limit')}`
        : `reactive-websocket: cannot queue a message of ${count(bytes.message, 'byte')}: the outbox for ${url} already holds ` +
            `${count(bytes.held, 'byte')}, and buffer.maxBytes is ${bytes.maxBytes}. ${advice('buffer.maxBytes')}`,
    );
  }
}

/** How a socket came to be closed for good, carried by {@link SocketClosedError}. */
export interface ClosedBy {
  /**
   * `'client'` after `close()` (or when the socket stopped trying: a URL provider gave an invalid
   * URL; then there is no `code`); `'server'` or `'network'` when the connection ended without it.
   */
  readonly by: 'client' | 'server' | 'network';
  /** The close code, if one is known; always set after `close()`. */
  readonly code?: number;
  /** The close reason, if one was given. */
  readonly reason?: string;
  /**
   * Why no reconnect followed, when the server or the network closed it: `'off'`, reconnect was
   * off; `'declined'`, `shouldReconnect` returned false; `'exhausted'`, `reconnect.attempts`
   * attempts failed.
   */
  readonly reconnect?: 'off' | 'declined' | 'exhausted';
}

/**
 * Thrown by `send()` once the socket is closed for good, and reported on `error$` for
 * messages that were queued but never sent because the socket closed first.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, SocketClosedError } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket<string, string>('ws://127.0.0.1:8080');
 * socket.error$.subscribe(({ error }) => {
 *   // Queued messages no connection took: they are handed back, not lost silently.
 *   if (error instanceof SocketClosedError) console.warn(error.unsent, error.closed);
 * });
 * socket.send('hello');
 * socket.close();
 * try {
 *   socket.send('too late');
 * } catch (error) {
 *   if (!(error instanceof SocketClosedError)) throw error;
 *   console.warn(error.message); // says how it closed and to create a new socket
 * }
 * ```
 */
export class SocketClosedError extends Error {
  /** Always `'SocketClosedError'`, for telling the errors apart after serialization. */
  override readonly name = 'SocketClosedError';

  /**
   * @param url - the socket's URL, credentials redacted.
   * @param closed - who closed it, with which code and reason, and why no reconnect followed.
   * @param unsent - messages that were queued and never reached the socket (empty when thrown by `send()`).
   */
  constructor(
    url: string,
    readonly closed: ClosedBy,
    readonly unsent: readonly unknown[] = [],
  ) {
    const how = `the socket to ${url} ${closedHow(closed)}`;
    const one = unsent.length === 1;
    super(
      unsent.length === 0
        ? `reactive-websocket: cannot send: ${how}; create a new socket to send more${closedAdvice(closed, 'it reconnects by itself')}.`
        : `reactive-websocket: ${unsent.length} queued ${one ? 'message was' : 'messages were'} not sent: ${how} before ` +
            `${one ? 'it' : 'they'} could be. ${one ? 'It is' : 'They are'} in error.unsent; send ${one ? 'it' : 'them'} on a new ` +
            `socket if ${one ? 'it is' : 'they are'} still needed${closedAdvice(closed, 'queued messages wait for the next connection')}.`,
    );
  }
}

/** "was closed by close() with code 1000", "was closed by the server with code 4001 ("bye"), and reconnect is off", … */
function closedHow({ by, code, reason, reconnect }: ClosedBy): string {
  const given = reason ? ` (${JSON.stringify(reason)})` : '';
  if (by === 'client' && code === undefined) return `stopped (${reason ? `${JSON.stringify(reason)}, ` : ''}reported on error$)`;
  const closed = `was closed by ${by === 'client' ? 'close()' : `the ${by}`}` + (code === undefined ? '' : ` with code ${code}`) + given;
  if (reconnect === 'off') return `${closed}, and reconnect is off`;
  if (reconnect === 'declined') return `${closed}, and shouldReconnect chose not to reconnect`;
  if (reconnect === 'exhausted')
    return `${closed}, and reconnecting gave up (reconnect.attempts reached; see the ReconnectError on error$)`;
  return closed;
}

/** What else may help, beyond a new socket: only what applies to how it was closed. */
function closedAdvice({ reconnect }: ClosedBy, so: string): string {
  if (reconnect === 'off') return `, or pass reconnect: true so that ${so}`;
  if (reconnect === 'exhausted') return ', or raise reconnect.attempts';
  return '';
}

/**
 * Reported on `error$` when the `deserializer` throws for an incoming message.
 *
 * The message is skipped; `messages$` keeps going.
 *
 * @example
 * ```ts
 * import { DeserializationError, ReactiveWebSocket, jsonDeserializer } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket<{ readonly price: number }>({ url: 'ws://127.0.0.1:8080', deserializer: jsonDeserializer });
 * socket.messages$.subscribe((message) => console.log(message.price));
 * socket.error$.subscribe(({ error }) => {
 *   // A message that is not JSON: skipped, and messages$ goes on.
 *   if (error instanceof DeserializationError) console.warn('skipped', error.event.data, error.cause);
 * });
 * ```
 */
export class DeserializationError extends Error {
  /** Always `'DeserializationError'`, for telling the errors apart after serialization. */
  override readonly name = 'DeserializationError';

  /**
   * @param event - the raw message event the deserializer was given.
   * @param cause - what the deserializer threw.
   */
  constructor(
    readonly event: {
      /** The message's data as the runtime delivered it. */
      readonly data: unknown;
    },
    cause: unknown,
  ) {
    super(
      sentence(`reactive-websocket: the deserializer threw for an incoming message (${preview(event.data)}): ${describeError(cause)}`) +
        " The message was skipped; check the server's format or make the deserializer accept it.",
      { cause },
    );
  }
}

/**
 * Reported on `error$` when the runtime's socket reports an error: a refused or failed
 * connection, a protocol error, a connection the heartbeat presumed dead. Browsers give no
 * detail; `ws` gives its message. It is also the second argument of `reconnect.shouldReconnect`
 * for the close that follows it.
 *
 * @example
 * ```ts
 * import { ConnectionError, ReactiveWebSocket } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket({
 *   url: 'ws://127.0.0.1:8080',
 *   // Stop on refused credentials; retry anything else.
 *   reconnect: { shouldReconnect: (_close, error) => error?.status !== 401 && error?.status !== 403 },
 * });
 * socket.error$.subscribe(({ error }) => {
 *   if (error instanceof ConnectionError) console.warn(`HTTP ${error.status ?? 'status unknown'}: ${error.message}`);
 * });
 * ```
 */
export class ConnectionError extends Error {
  /** Always `'ConnectionError'`, for telling the errors apart after serialization. */
  override readonly name = 'ConnectionError';

  /**
   * The HTTP status the server answered the WebSocket handshake with instead of 101, where the
   * runtime says it (`ws` does; browsers and undici do not): 401 or 403 for refused credentials,
   * 404 for a wrong path, 5xx for a server error. `undefined` otherwise.
   */
  readonly status: number | undefined;

  /**
   * @param url - the socket's URL, credentials redacted.
   * @param detail - what the runtime said, if anything.
   * @param options - `cause`, what the runtime threw or reported; `status`, the handshake's HTTP status if known.
   */
  constructor(url: string, detail?: string, options?: { cause?: unknown; status?: number | undefined }) {
    // undici 7 reports some failures with an empty message: that says nothing either.
    const said = detail?.replace(/\.+$/, '') || undefined;
    super(
      `reactive-websocket: the connection to ${url} failed` +
        (said ? `: ${said}` : ' (the runtime gave no detail)') +
        `. ${advice(options?.status, said)}; a close event follows.`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = options?.status;
  }
}

// What undici ("Max decompressed message size exceeded") and ws ("Max payload size exceeded") say
// when they drop a connection for a message over their limit.
const OVERSIZED = /max (?:decompressed message|payload) size exceeded/i;

/** What to do about a failed connection: by what the runtime said, and by the handshake's HTTP status when it said that. */
function advice(status: number | undefined, said: string | undefined): string {
  if (said !== undefined && OVERSIZED.test(said)) {
    return (
      'The server sent a message larger than the runtime accepts, and the runtime dropped the connection for it: ' +
      "have the server send smaller messages, or on Node pass a WebSocketCtor that accepts larger ones (ws's WebSocket with a higher maxPayload)"
    );
  }
  if (status === undefined) {
    // Browsers say nothing, and undici only "non-101 status code": the server may have refused the handshake.
    return said === undefined || said.includes('non-101')
      ? "Check that the server is running and reachable, and that the URL's path and any credentials are right (the runtime does not say the HTTP status)"
      : 'Check that the server is running and reachable';
  }
  if (status === 401 || status === 403) {
    return `The server refused the handshake with HTTP ${status}: check the credentials or token it expects`;
  }
  if (status === 404) return "The server has no WebSocket endpoint there (HTTP 404): check the URL's path";
  if (status >= 500)
    return `The server answered the handshake with HTTP ${status}, a server error: with reconnect on, the socket tries again`;
  return `The server answered the handshake with HTTP ${status} instead of 101 Switching Protocols: check the URL and what the server expects`;
}

/** A short, safe description of message data for error messages. */
export function preview(data: unknown): string {
  if (typeof data === 'string') {
    return `text of ${count(data.length, 'character')}: ${quote(data, 1024)}`;
  }
  if (data !== null && typeof data === 'object') {
    const size = (data as { byteLength?: unknown; size?: unknown }).byteLength ?? (data as { size?: unknown }).size;
    const kind = tagOf(data);
    return typeof size === 'number' ? `${kind} of ${count(size, 'byte')}` : kind;
  }
  return typeof data;
}

/** A number with its noun, in the singular for exactly 1: "1 message", "2 messages", "0 bytes". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `text` ending with exactly one full stop: as it is when it already ends with `.`, `!`, `?` or
 * `…` (trailing spaces trimmed), else with a `.` added. For ending a message with what a runtime
 * or a callback said, without a doubled period.
 */
export function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The message of an error, or the value itself for anything thrown that is not an Error. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reported on `error$` when reconnection gives up: `reconnect.attempts` attempts in a row failed,
 * or the URL provider returned a URL that can never work. The socket is closed for good after it.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, ReconnectError } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket({ url: 'ws://127.0.0.1:8080', reconnect: { attempts: 5 } });
 * socket.error$.subscribe(({ error }) => {
 *   // Five attempts in a row failed: the socket is closed for good.
 *   if (error instanceof ReconnectError) console.error(`gave up after ${error.attempts} attempts`);
 * });
 * ```
 */
export class ReconnectError extends Error {
  /** Always `'ReconnectError'`, for telling the errors apart after serialization. */
  override readonly name = 'ReconnectError';

  /**
   * @param url - the socket's URL, credentials redacted.
   * @param attempts - how many attempts were made.
   * @param detail - why it gave up.
   */
  constructor(
    url: string,
    readonly attempts: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(sentence(`reactive-websocket: gave up reconnecting to ${url} after ${count(attempts, 'attempt')}: ${detail}`), options);
  }
}
