import { describeType, tagOf } from './check.js';
import { sentence } from './errors.js';
import { callForSend } from './report.js';
import type { SocketMessageEvent } from './events.js';

/** Something that can be sent as a Blob: matches the runtime's `Blob` without requiring DOM types. */
export interface BlobLike {
  /** Its size in bytes. */
  readonly size: number;
  /** Its MIME type, or `''`. */
  readonly type: string;
  /** Its bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What a socket can put on the wire: text, or binary as an ArrayBuffer, a typed array or view, or a Blob. */
export type WebSocketData = string | ArrayBuffer | ArrayBufferView | BlobLike;

/** Turns an outgoing value into data a socket can send. It may throw for a value it cannot encode. */
export type Serializer<Out> = (value: Out) => WebSocketData;

/** Turns an incoming message event into the value `messages$` emits. It may throw for a message it cannot decode. */
export type Deserializer<In> = (event: SocketMessageEvent) => In;

/** The default serializer: strings and binary data pass unchanged. */
export function identitySerializer<Out>(value: Out): WebSocketData {
  return value as unknown as WebSocketData;
}

/** The default deserializer: the event's `data`, unchanged. */
export function dataDeserializer<In>(event: SocketMessageEvent): In {
  return event.data as In;
}

/**
 * Whether a value can be handed to a socket's `send`. Checks by internal tag rather than
 * `instanceof`, so buffers from another realm (a worker, a test sandbox) are recognised.
 */
export function isWebSocketData(value: unknown): value is WebSocketData {
  if (typeof value === 'string') return true;
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value)) return true;
  const tag = tagOf(value);
  return tag === 'ArrayBuffer' || tag === 'Blob' || tag === 'File';
}

/**
 * Data to hold until later, as it is now: binary is copied (an ArrayBuffer to an ArrayBuffer, a
 * typed array or DataView to a Uint8Array of exactly its bytes), since the caller may write to
 * it after `send()`, as `WebSocket.send` allows. Strings and Blobs cannot change: returned as they are.
 */
export function snapshot(data: WebSocketData): WebSocketData {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (tagOf(data) === 'ArrayBuffer') return (data as ArrayBuffer).slice(0);
  return data;
}

/**
 * Encodes a value as JSON text for sending.
 *
 * Unlike a bare `JSON.stringify`, it refuses what JSON cannot carry instead of sending
 * `undefined`: a `TypeError` for `undefined`, functions and symbols, and for BigInt values and
 * cycles (with the original error as `cause`).
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, jsonDeserializer, jsonSerializer } from 'reactive-websocket';
 *
 * interface Command {
 *   readonly op: string;
 * }
 * interface Reply {
 *   readonly result: string;
 * }
 *
 * const socket = new ReactiveWebSocket<Reply, Command>({
 *   url: 'ws://127.0.0.1:8080',
 *   serializer: jsonSerializer,
 *   deserializer: jsonDeserializer,
 * });
 * socket.send({ op: 'hello' }); // sends the text {"op":"hello"}
 * ```
 */
export function jsonSerializer(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new TypeError(
      sentence(`cannot encode the message as JSON: ${cause instanceof Error ? cause.message : String(cause)}`) +
        ' Remove BigInt values and circular references, or pass a serializer that handles them.',
      { cause },
    );
  }
  if (text === undefined) {
    throw new TypeError(
      `cannot encode a value of type ${describeType(value)} as JSON. ` + 'Send an object, array, string, number, boolean or null.',
    );
  }
  return text;
}

// Keys that, merged into an ordinary object later, would reach its prototype.
const UNSAFE_KEYS = /"(?:__proto__|constructor|prototype)"\s*:/;

/**
 * Decodes a text message as JSON. Throws (so the socket reports a `DeserializationError` and
 * skips the message) for binary data and for text that is not JSON.
 *
 * Keys named `__proto__`, `constructor` and `prototype` are dropped, so a decoded message can
 * never carry a prototype into code that merges it into another object.
 *
 * @example
 * ```ts
 * import { ReactiveWebSocket, jsonDeserializer } from 'reactive-websocket';
 *
 * interface Price {
 *   readonly symbol: string;
 *   readonly price: number;
 * }
 *
 * const socket = new ReactiveWebSocket<Price>({ url: 'ws://127.0.0.1:8080/prices', deserializer: jsonDeserializer });
 * socket.messages$.subscribe(({ symbol, price }) => console.log(symbol, price));
 * // A message that is not JSON is skipped, and reported here as a DeserializationError.
 * socket.error$.subscribe(({ error }) => console.warn(error.message));
 * ```
 */
export function jsonDeserializer<In = unknown>(event: SocketMessageEvent): In {
  const { data } = event;
  if (typeof data !== 'string') {
    throw new TypeError(`expected a text message holding JSON, got binary data (${describeType(data)})`);
  }
  // The reviver costs a walk of the whole value, so it runs only when a risky key may be present.
  return (UNSAFE_KEYS.test(data) ? JSON.parse(data, dropUnsafeKeys) : JSON.parse(data)) as In;
}

function dropUnsafeKeys(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value;
}

/**
 * The serializer, checked: what it returns for a value, which must be something a socket sends.
 * @throws TypeError when the serializer throws or returns anything else; nothing is sent or queued then.
 */
export function encoder<Out>(serializer: Serializer<Out>): (value: Out) => WebSocketData {
  // One per serializer, not per socket: most sockets share the default or jsonSerializer.
  const known = ENCODERS.get(serializer as Serializer<unknown>);
  if (known !== undefined) return known;
  const encode = (value: Out): WebSocketData => {
    const data: unknown = callForSend(serializer, value, 'the serializer');
    if (isWebSocketData(data)) return data;
    const sends = 'a socket sends strings, ArrayBuffers, typed arrays, DataViews and Blobs';
    throw new TypeError(
      serializer === identitySerializer
        ? `reactive-websocket: cannot send a value of type ${describeType(data)}: ${sends}. ` +
            'Pass a serializer (for example jsonSerializer) to send other values. Nothing was sent or queued.'
        : `reactive-websocket: the serializer returned a value of type ${describeType(data)}; ${sends}. ` +
            'Make the serializer return one of them. Nothing was sent or queued.',
    );
  };
  ENCODERS.set(serializer as Serializer<unknown>, encode as (value: unknown) => WebSocketData);
  return encode;
}

const ENCODERS = new WeakMap<Serializer<unknown>, (value: unknown) => WebSocketData>();
