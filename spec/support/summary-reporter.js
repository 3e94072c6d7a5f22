// A jest reporter that ends the run with one plain line, "jest: N passed, N failed", and saves it
// to .artifacts/test-summary.txt so that .ci/run can print it as its last line. It also records
// the run's counts in .artifacts/runs/: the main run (no SPEC_RUN_LABEL) as main.json, starting
// afresh; each run of the runtime matrix under its label, for scripts/runtimes.mjs to add up.
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const label = process.env.SPEC_RUN_LABEL;
    const counts = { passed: results.numPassedTests, failed: results.numFailedTests };
    const dir = join(this.rootDir, '.artifacts');
    const runs = join(dir, 'runs');
    if (label === undefined) rmSync(runs, { recursive: true, force: true });
    mkdirSync(runs, { recursive: true });
    writeFileSync(join(runs, `${label ?? 'main'}.json`), `${JSON.stringify({ label: runLabel(), ...counts })}\n`);
    const line = `jest: ${counts.passed} passed, ${counts.failed} failed`;
    if (label === undefined) writeFileSync(join(dir, 'test-summary.txt'), `${line}\n`);
    process.stdout.write(`${label === undefined ? '' : `[${label}] `}${line}\n`);
  }
}

/** What the run connected with: "node 20.20.2, ws" or "node 24.22.3, its own WebSocket (undici 7.30.2)". */
function runLabel() {
  const websocket = process.env.SPEC_WEBSOCKET === 'runtime' ? `its own WebSocket (undici ${process.versions.undici})` : 'ws';
  return `node ${process.versions.node}, ${websocket}`;
}

module.exports = SummaryReporter;
