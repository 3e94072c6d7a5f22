/**
 * The WebSocket the integration specs connect with.
 *
 * By default `ws`'s, passed as `WebSocketCtor` (Node 20 has no global one). With
 * `SPEC_WEBSOCKET=runtime`, as `npm test` runs the runtime matrix on Node 22 and 24 (see
 * scripts/runtimes.mjs), the runtime's own global WebSocket (undici), and no `WebSocketCtor` at
 * all: the library finds it itself, as it does for most users there and in browsers.
 */
import { WebSocket as WsWebSocket } from 'ws';
import type { WebSocketConstructor } from '../../lib/index.js';

/** Whether the specs run on the runtime's own WebSocket rather than `ws`'s. */
export const onRuntimeWebSocket: boolean = process.env.SPEC_WEBSOCKET === 'runtime';

const runtime = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
if (onRuntimeWebSocket && typeof runtime !== 'function') {
  throw new Error(`SPEC_WEBSOCKET=runtime, but Node ${process.version} has no global WebSocket: run these specs on Node 22 or later.`);
}

/** The constructor the specs' sockets are made with, for a spec that extends it or reads its constants. */
export const ClientWebSocket: WebSocketConstructor = onRuntimeWebSocket ? runtime! : WsWebSocket;

/** What to pass as `WebSocketCtor`: `ws`'s, or nothing on the runtime's own, so that the library looks it up. */
export const WebSocketCtor: WebSocketConstructor | undefined = onRuntimeWebSocket ? undefined : ClientWebSocket;

/** Which WebSocket is in use, for the matrix summary and for test names: `'ws'` or `'undici'`. */
export const clientName: 'ws' | 'undici' = onRuntimeWebSocket ? 'undici' : 'ws';

/** What the WebSocket in use does where runtimes differ, as observed on ws 8, undici 6 (Node 22) and undici 7 (Node 24). */
export interface ClientBehaviour {
  /** The default `binaryType`: ws's `'nodebuffer'` delivers Buffers; undici's `'blob'`, Blobs. */
  readonly defaultBinaryType: 'nodebuffer' | 'blob';
  /** What its error event says for a refused TCP connection; `undefined` for nothing at all. */
  readonly refusedConnection: RegExp | undefined;
  /** What its error event says for a handshake answered with an HTTP error; `undefined` for nothing at all. */
  readonly refusedHandshake: RegExp | undefined;
  /** Whether it sends the credentials of a URL as Basic auth. */
  readonly sendsUrlCredentials: boolean;
  /** Whether a connection dropped without a close frame fires `error` before its 1006 close, as browsers do. */
  readonly errorOnDrop: boolean;
  /** Whether the TCP connection ends when `close()` gets no answer: ws's `terminate()` drops it; undici has no way to. */
  readonly dropsUnansweredClose: boolean;
  /** Whether `close()` during a handshake that never completes ends its TCP connection within a second. */
  readonly dropsAbandonedHandshake: boolean;
  /**
   * The largest (decompressed) message it accepts: ws's is its `maxPayload` option (100 MiB by
   * default); undici's is 128 MiB, not configurable through the WHATWG constructor.
   */
  readonly maxMessageBytes: number | undefined;
  /** What its error event says when it drops a connection for a message over that; `undefined` for nothing at all. */
  readonly oversized: string | undefined;
}

const undiciMajor = Number(process.versions.undici?.split('.')[0]);

/** What the WebSocket in use does where runtimes differ. */
export const client: ClientBehaviour = !onRuntimeWebSocket
  ? {
      defaultBinaryType: 'nodebuffer',
      refusedConnection: /connect ECONNREFUSED/,
      refusedHandshake: /Unexpected server response: \d{3}/,
      sendsUrlCredentials: true,
      errorOnDrop: false,
      dropsUnansweredClose: true,
      dropsAbandonedHandshake: true,
      maxMessageBytes: undefined,
      oversized: 'Max payload size exceeded',
    }
  : {
      defaultBinaryType: 'blob',
      // undici 6 says one sentence for both; undici 7 says nothing.
      refusedConnection: undiciMajor < 7 ? /Received network error or non-101 status code/ : undefined,
      refusedHandshake: undiciMajor < 7 ? /Received network error or non-101 status code/ : undefined,
      sendsUrlCredentials: false,
      errorOnDrop: undiciMajor >= 7,
      dropsUnansweredClose: false,
      dropsAbandonedHandshake: undiciMajor >= 7,
      maxMessageBytes: 128 * 1024 * 1024,
      oversized: undiciMajor < 7 ? 'Max decompressed message size exceeded' : undefined,
    };

/** The bytes of a binary message, whether it came as ws's Buffer or as an ArrayBuffer (binaryType `'arraybuffer'`). */
export function bytesOf(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return Buffer.from(data as ArrayBuffer);
  return undefined;
}
