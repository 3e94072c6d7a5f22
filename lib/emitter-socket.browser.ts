/*
 * What browser bundles get in place of `emitter-socket.ts` (through the package's `browser`
 * field): there is no `ws` socket in a browser, so none of its fast path is bundled. Every socket
 * is listened to through `addEventListener` or its `on*` properties, and closed with `close()`.
 */
import type { EmitterSink } from './emitter-socket.js';

/** Never a `ws` socket in a browser. @returns false. */
export function listenEmitter(_socket: object, _sink: EmitterSink): boolean {
  return false;
}

/** Never a `ws` socket in a browser. @returns false. */
export function unlistenEmitter(_socket: object): boolean {
  return false;
}

/** Never a `ws` socket in a browser. @returns false. */
export function terminateEmitter(_socket: object): boolean {
  return false;
}

/** Never a `ws` socket in a browser. @returns 0. */
export function emitterBacklog(_socket: object): number {
  return 0;
}
