import { filter, type OperatorFunction } from 'rxjs';

/** The connection opened. */
export interface SocketOpenEvent {
  /** Always `'open'`. */
  readonly type: 'open';
}

/**
 * A message arrived. This is the runtime's own `MessageEvent`, passed through untouched:
 * `data` is a string for text frames and, for binary frames, whatever `binaryType` asks for.
 */
export interface SocketMessageEvent {
  /** Always `'message'`. */
  readonly type: 'message';
  /** The message: a string for text frames; for binary frames, whatever `binaryType` asks for. */
  readonly data: unknown;
}

/** Something went wrong: the connection failed, or a message could not be decoded. */
export interface SocketErrorEvent {
  /** Always `'error'`. */
  readonly type: 'error';
  /** One of the library's error classes (`ConnectionError`, `DeserializationError`, …), naming what happened. */
  readonly error: Error;
}

/** The connection closed. */
export interface SocketCloseEvent {
  /** Always `'close'`. */
  readonly type: 'close';
  /** The close code (1000 normal, 1006 when the connection was lost without a close frame, …). */
  readonly code: number;
  /** The reason the closing side gave, often empty. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/** Every event a socket emits, discriminated on `type`. */
export type SocketEvent = SocketOpenEvent | SocketMessageEvent | SocketErrorEvent | SocketCloseEvent;

/** The names of the socket's events: `'open' | 'message' | 'error' | 'close'`. */
export type SocketEventType = SocketEvent['type'];

/** The event type whose `type` is `T`, e.g. `SocketEventOf<'close'>` is `SocketCloseEvent`. */
export type SocketEventOf<T extends SocketEventType> = Extract<
  SocketEvent,
  {
    /** The event's name. */
    type: T;
  }
>;

/** The event names in their documented order, for validation and error messages. */
export const SOCKET_EVENT_TYPES: readonly SocketEventType[] = ['open', 'message', 'error', 'close'];

/**
 * An operator that keeps the events of one type and narrows their type to match.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, ofType } from 'reactive-websocket';
 *
 * const socket = new ReactiveWebSocket('ws://127.0.0.1:8080');
 * // event is a SocketCloseEvent here: code, reason and wasClean are typed.
 * socket.events$.pipe(ofType('close')).subscribe((event) => console.log(event.code, event.reason));
 * ```
 */
export function ofType<T extends SocketEventType>(type: T): OperatorFunction<SocketEvent, SocketEventOf<T>> {
  return filter((event): event is SocketEventOf<T> => event.type === type);
}

/** @throws TypeError naming the valid events, for a name that is not one of them. */
export function assertEventType(type: unknown): asserts type is SocketEventType {
  if (!(SOCKET_EVENT_TYPES as readonly unknown[]).includes(type)) {
    throw new TypeError(
      `reactive-websocket: ${JSON.stringify(type)} is not a socket event; the events are ${SOCKET_EVENT_TYPES.join(', ')}.`,
    );
  }
}
