// A jest reporter that ends the run with one plain line, "jest: N passed, N failed", and saves it
// to .artifacts/test-summary.txt so that .ci/run can print it as its last line.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    const dir = join(this.rootDir, '.artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'test-summary.txt'), `${line}\n`);
    process.stdout.write(`${line}\n`);
  }
}

module.exports = SummaryReporter;
