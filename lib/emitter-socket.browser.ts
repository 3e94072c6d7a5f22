/*
 * What browser bundles get in place of `emitter-socket.ts` (through the package's `browser`
 * field): there is no `ws` socket in a browser, so none of its fast path is bundled. Every socket
 * is listened to through `addEventListener` or its `on*` properties, and closed with `close()`.
 */

/**
 * Never a `ws` socket in a browser. A constant, so that a bundler folds the callers' tests and
 * drops the calls to the functions below.
 */
export const EMITTER_SOCKETS = false;

// Never called (EMITTER_SOCKETS is asked first). Values, not functions, so that none is bundled.
export const listenEmitter = undefined;
export const unlistenEmitter = undefined;
export const terminateEmitter = undefined;
export const emitterBacklog = undefined;
