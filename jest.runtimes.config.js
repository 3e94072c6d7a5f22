// The runtime matrix (scripts/runtimes.mjs): the specs that exercise a runtime's own WebSocket,
// run again on other Node versions with SPEC_WEBSOCKET=runtime. Every integration spec and the
// consumer spec run, except those below.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/spec/integration', '<rootDir>/spec/package'],
  testPathIgnorePatterns: [
    // About what ws says of a refused handshake (its HTTP status); what undici says is checked in lifecycle and echo.
    '/spec/integration/refused-handshake\\.spec\\.ts$',
    // Counts the listeners on ws's sockets (its EventEmitter), and its child process loads ws.
    '/spec/integration/teardown\\.spec\\.ts$',
    // Connects through the slow link's ws subclass, whatever the runtime.
    '/spec/integration/heartbeat-large-message\\.spec\\.ts$',
    // R8 checks how the backoff spreads 50 reconnects: the policy's schedule, nothing of the
    // runtime's; 50 clients per Node while the matrix runs two Nodes at once would only add load.
    '/spec/integration/storm\\.spec\\.ts$',
    // Subclasses ws's WebSocket to record and track the sockets it makes.
    '/spec/integration/safety-net\\.spec\\.ts$',
    // The closing window is made with ws's own frames and read on ws's socket.
    '/spec/integration/closing-window\\.spec\\.ts$',
    // Compares the two APIs over one runtime; the main run covers it with ws.
    '/spec/integration/feature-parity\\.spec\\.ts$',
    // Mutation guards that read ws's socket states; the main run covers them.
    '/spec/integration/unguarded\\.spec\\.ts$',
    // Its ledger listens on each ws socket before the library does; the long run (npm run test:lifecycle:long) is where it earns its time.
    '/spec/integration/lifecycle-property\\.spec\\.ts$',
    // Type-checks once, in the main run: the compilers do not depend on the runtime.
    '/spec/package/types\\.spec\\.ts$',
  ],
};
