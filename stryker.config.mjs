// Mutation testing of the small modules, the connection primitive, the engine, the features and the drop-in: `npm run mutate` (not part of
// `npm test`; it takes over an hour on 2 cores). The composed core (session.ts,
// reactive-websocket.ts) is covered by the integration specs instead.
import baseJestConfig from './jest.config.js';

/** The modules mutated, each with the unit spec that covers it (spec/ mirrors lib/). */
const modules = [
  'reconnect',
  'check',
  'outbox',
  'heartbeat',
  'close-code',
  'url',
  'codec',
  'fanout',
  'facade',
  'events',
  'errors',
  'connection',
  'native-socket',
  'emitter-socket',
  'lifecycle',
  'engine',
  'queue',
  'feature',
  'sender',
  'delivery',
  'request',
  'rxjs/config',
  'rxjs/resilience',
  'rxjs/web-socket-subject',
  'rxjs/object-unsubscribed-error',
];
/** Unit specs of the same modules kept in files of their own (native-socket.spec.ts also covers emitter-socket; rxjs/config has none: web-socket-subject.spec.ts covers it). */
const extraSpecs = [
  'heartbeat-upload',
  'facade-unbind',
  'messages',
  'binary-copy',
  'state-machine',
  'safety-net',
  'feature-merge',
  // request() through the drop-in's subject, with lib/request.ts.
  'rxjs/request',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: modules.map((name) => `lib/${name}.ts`),
  testRunner: 'jest',
  jest: {
    // Jest's related-test lookup misses the specs that import lib/rxjs.ts (a folder lib/rxjs/ stands
    // beside it), so their modules would look untested: run every spec of the list instead.
    enableFindRelatedTests: false,
    // Only the unit specs of those modules: the integration, browser and package specs are slow and test other things.
    config: {
      ...baseJestConfig,
      testMatch: [...modules, ...extraSpecs].map((name) => `<rootDir>/spec/${name}.spec.ts`),
      reporters: ['default'],
    },
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // The machine has 2 cores and is shared.
  concurrency: 2,
  thresholds: { high: 90, low: 85, break: 85 },
  reporters: ['clear-text', 'progress', 'html'],
  // clear-text prints the score table and every surviving mutant; html writes reports/mutation/mutation.html.
  clearTextReporter: { logTests: false, reportTests: false },
};
