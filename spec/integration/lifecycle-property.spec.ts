/**
 * Property-based lifecycle tests (issue 15): random sequences of sends, close(), subscriptions,
 * server closes with various codes, dropped connections, refused handshakes and a stalled or cut
 * link, against a real `ws` server behind the chaos proxy on 127.0.0.1, for `ReactiveWebSocket`
 * (also lazy, and the core socket of `reactive-websocket/core`), the facade `websocket()` and the
 * drop-in `webSocket(resilient())` with its `multiplex` topics. After each run:
 *
 * - every message given to send/next reached the server, or was reported (a BufferOverflowError
 *   thrown, dropped$ or droppedObserver, a SocketClosedError listing it unsent), or was handed to a
 *   connection that the run dropped abruptly; with delivery, every one arrived;
 * - each server connection received its messages in send order, none twice without delivery;
 * - state$ took only transitions of the lifecycle table, and ended closed and completed after close();
 * - no socket, timer or listener was left, and the server saw every client go;
 * - no exception reached the process or RxJS's unhandled-error hook, and nothing was reported as a callback failure;
 * - with the drop-in, each live multiplex topic was subscribed exactly once per connection.
 *
 * Seeded: the seed is printed, and a failure prints the shrunk command list with the command that
 * replays it (LIFECYCLE_KIND, LIFECYCLE_SEED, LIFECYCLE_PATH, LIFECYCLE_REPLAY). LIFECYCLE_RUNS sets
 * the runs per kind (`npm run test:lifecycle:long`: 2,000 each); LIFECYCLE_SHRINK_MS bounds shrinking.
 */
import fc from 'fast-check';
import { config as rxjsConfig } from 'rxjs';
import { commandsFor, configFor, runScenario, type Kind, type World } from '../support/lifecycle-model.js';

const KINDS: Array<{ kind: Kind; runs: number }> = [
  { kind: 'ReactiveWebSocket' as const, runs: 150 },
  { kind: 'websocket()' as const, runs: 100 },
  { kind: 'webSocket(resilient())' as const, runs: 150 },
  // A replay (LIFECYCLE_KIND) runs the one kind its seed and path belong to.
].filter(({ kind }) => process.env.LIFECYCLE_KIND === undefined || process.env.LIFECYCLE_KIND === kind);
const MAX_COMMANDS = 30;
const RUNS = process.env.LIFECYCLE_RUNS === undefined ? undefined : Number(process.env.LIFECYCLE_RUNS);
// npm test runs one fixed seed, so that a run can be repeated exactly; the long run draws a new one (LIFECYCLE_SEED=random).
const SEED_GIVEN = process.env.LIFECYCLE_SEED ?? '20261205';
const SEED = SEED_GIVEN === 'random' ? Date.now() % 2 ** 31 : Number(SEED_GIVEN);
const PATH = process.env.LIFECYCLE_PATH;
// The shrinking state of the command list, which fast-check needs besides the seed and path to replay it.
const REPLAY = process.env.LIFECYCLE_REPLAY;
// Shrinking re-runs failing sequences against real sockets: after this long, the smallest failing sequence found so far is reported.
const SHRINK_MS = Number(process.env.LIFECYCLE_SHRINK_MS ?? 60_000);
// A run takes tens of milliseconds; one with a close() on a stalled link takes its 1 s closing timeout.
const RUN_MS = 1000;

/**
 * What a run let escape: an error RxJS could deliver to no one, or one the library reported as a
 * failing callback (none of the runs' callbacks throws). An exception or rejection that reaches
 * the process fails the test through jest's own handlers (under jest a spec's `process.on` never
 * hears them), so only these two are caught per run, where the run can be shrunk.
 */
const escaped: string[] = [];
const savedOnUnhandledError = rxjsConfig.onUnhandledError;

beforeAll(() => {
  rxjsConfig.onUnhandledError = (error) => escaped.push(`an RxJS unhandled error: ${String(error)}`);
  (globalThis as { reportError?: unknown }).reportError = (error: unknown) => escaped.push(`reportError: ${String(error)}`);
  console.log(`[lifecycle-property] seed=${SEED}${PATH ? ` path=${PATH}` : ''} runs=${RUNS ?? 'default'}`);
});
afterAll(() => {
  rxjsConfig.onUnhandledError = savedOnUnhandledError;
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe.each(KINDS)('the lifecycle of $kind under random commands', ({ kind, runs }) => {
  const numRuns = RUNS ?? runs;

  it(
    'loses nothing silently, keeps order, takes only listed transitions and leaves nothing behind',
    async () => {
      const started = Date.now();
      const totals = { runs: 0, sent: 0, arrived: 0, reported: 0, lostInCuts: 0, connections: 0, closingWindowSends: 0 };
      const log = (world: World): void => {
        totals.runs++;
        totals.sent += world.ledger.sends.length;
        totals.arrived += new Set(world.server.connections.flatMap((c) => c.ids)).size;
        totals.reported += world.ledger.reported.size;
        totals.lostInCuts += world.ledger.figures.lostInCuts;
        totals.connections += world.server.connections.length;
        totals.closingWindowSends += world.ledger.figures.closingWindowSends;
      };
      // Set by the first failure: past it, every further shrinking candidate passes at once, which ends the shrinking.
      let shrinkUntil: number | undefined;
      const property = fc.asyncProperty(
        configFor(kind),
        fc.commands(commandsFor(kind), { maxCommands: MAX_COMMANDS, size: 'max', replayPath: REPLAY }),
        async (config, commands) => {
          if (shrinkUntil !== undefined && Date.now() > shrinkUntil) return;
          escaped.length = 0;
          try {
            await runScenario(config, commands, log);
            if (escaped.length > 0) throw new Error(escaped.join('\n'));
          } catch (error) {
            shrinkUntil ??= Date.now() + SHRINK_MS;
            throw error;
          }
        },
      );
      const details = await fc.check(property, { seed: SEED, path: PATH, numRuns, endOnFailure: PATH !== undefined });
      console.log(
        `[lifecycle-property] ${kind}: ${Object.entries(totals)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')} ms=${Date.now() - started} seed=${SEED}`,
      );
      if (details.failed) {
        const replay = /replayPath="([^"]*)"/.exec(fc.stringify(details.counterexample))?.[1];
        const cut = shrinkUntil !== undefined && Date.now() > shrinkUntil ? ` (shrinking stopped after ${SHRINK_MS} ms)` : '';
        throw new Error(
          `${fc.defaultReportMessage(details)}${cut}\n\n${String(details.errorInstance)}\n\n` +
            `Replay: LIFECYCLE_KIND='${kind}' LIFECYCLE_SEED=${details.seed} LIFECYCLE_PATH=${details.counterexamplePath} ` +
            (replay === undefined ? '' : `LIFECYCLE_REPLAY='${replay}' `) +
            'npx jest spec/integration/lifecycle-property.spec.ts',
        );
      }
      // The generators, checked: the runs connected, delivered and met full outboxes, not only closed sockets.
      if (PATH === undefined && numRuns >= 50) {
        expect(totals.connections).toBeGreaterThan(numRuns / 3);
        expect(totals.arrived).toBeGreaterThan(numRuns / 2);
        expect(totals.reported).toBeGreaterThan(0);
      }
    },
    numRuns * RUN_MS + SHRINK_MS + 30_000,
  );
});
