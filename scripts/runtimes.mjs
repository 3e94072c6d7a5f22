// The runtime matrix of `npm test`, after the main jest run: the specs of jest.runtimes.config.js
// (integration, fault injection, the packed package's consumers) on each Node of
// spec/support/matrix.json, with its own global WebSocket and no ws (SPEC_WEBSOCKET=runtime).
// The Nodes come from npm (node-<platform>-<arch>) and are installed once under
// $TMPDIR/reactive-websocket-matrix. Both runs go at once, one jest worker each, and their
// output is printed as each ends. Then .artifacts/test-summary.txt gets one line per run and,
// last, the total: "jest: N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { MATRIX, nodeExecutable } = require('../spec/support/matrix-cache.cjs');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = join(ROOT, '.artifacts', 'runs');
const jest = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');

/** Runs the matrix's jest on Node `version`; resolves with its exit code once its output is printed. */
async function runOn(version) {
  const node = await nodeExecutable(version);
  const label = `node-${version}`;
  return new Promise((resolve) => {
    const child = spawn(node, [jest, '--config', 'jest.runtimes.config.js', '--maxWorkers=1'], {
      cwd: ROOT,
      env: { ...process.env, SPEC_WEBSOCKET: 'runtime', SPEC_RUN_LABEL: label },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n===== the runtime matrix on Node ${version}, its own WebSocket =====\n${Buffer.concat(output)}`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** The counts a run recorded and what it ran on, or `undefined` if it recorded none. */
function counts(name) {
  const file = join(RUNS, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

// Installed one after the other, so that two downloads do not share the network and the disk.
for (const version of MATRIX.node) await nodeExecutable(version);
const codes = await Promise.all(MATRIX.node.map(runOn));

// The main run's counts, when it ran before (as in npm test); then each of the matrix.
const main = counts('main');
const matrix = MATRIX.node.map((version) => counts(`node-${version}`) ?? { label: `node ${version}`, missing: true, passed: 0, failed: 0 });
const runs = main === undefined ? matrix : [main, ...matrix];
const rxjs = JSON.parse(readFileSync(join(ROOT, 'node_modules/rxjs/package.json'), 'utf8')).version;
const typescript = JSON.parse(readFileSync(join(ROOT, 'node_modules/typescript/package.json'), 'utf8')).version;
const total = runs.reduce((sum, run) => ({ passed: sum.passed + run.passed, failed: sum.failed + run.failed }), { passed: 0, failed: 0 });
const lines = [
  ...runs.map((run) => `${run.label}: ${run.missing ? 'no result' : `${run.passed} passed, ${run.failed} failed`}`),
  `consumers on rxjs ${[rxjs, ...MATRIX.rxjs].join(', ')}; types checked with TypeScript ${typescript} and ${MATRIX.typescript}`,
  `jest: ${total.passed} passed, ${total.failed} failed`,
];
writeFileSync(join(ROOT, '.artifacts', 'test-summary.txt'), `${lines.join('\n')}\n`);
process.stdout.write(`\n${lines.join('\n')}\n`);
const failed = codes.some((code) => code !== 0) || runs.some((run) => run.missing);
process.exitCode = failed ? 1 : 0;
