// Installs what the runtime matrix needs (other Node versions, TypeScript 7, consumer projects of
// the packed package) with npm into folders under $TMPDIR/reactive-websocket-matrix, outside the
// repository, once per set of versions: a later run finds them installed and only checks.
// Several processes may ask at once: a lock folder lets one install while the others wait.
const { execFile } = require('node:child_process');
const { createHash } = require('node:crypto');
const { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { promisify } = require('node:util');

const run = promisify(execFile);
const ROOT = join(tmpdir(), 'reactive-websocket-matrix');
const MATRIX = require('./matrix.json');
const LOCK_WAIT_MS = 300_000;
const LOCK_POLL_MS = 100;

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function withLock(name, action) {
  mkdirSync(ROOT, { recursive: true });
  const lock = join(ROOT, `${name}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than the longest wait was left by a process that died holding it.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > LOCK_WAIT_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`timed out after ${LOCK_WAIT_MS} ms waiting for ${lock}; remove it if no npm test is running`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The folder `<ROOT>/<name>`, with `packages` (npm install arguments) installed in it: installed
 * now if the folder does not hold exactly those from an earlier run.
 */
async function installed(name, packages) {
  const dir = join(ROOT, name);
  const marker = join(dir, 'installed.json');
  const wanted = JSON.stringify(packages);
  if (read(marker) === wanted) return dir;
  await withLock(name, async () => {
    if (read(marker) === wanted) return;
    rmSync(marker, { force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true })}\n`);
    try {
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packages], {
        cwd: dir,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      throw new Error(`npm install ${packages.join(' ')} failed in ${dir}:\n${error.stderr || error.message}`);
    }
    writeFileSync(marker, wanted);
  });
  return dir;
}

/** The `node` executable of Node `version` for this platform, from the npm package node-<platform>-<arch>. */
async function nodeExecutable(version) {
  const name = `node-${process.platform}-${process.arch}`;
  const dir = await installed(`node-${version}`, [`${name}@${version}`]);
  return join(dir, 'node_modules', name, 'bin', 'node');
}

/** TypeScript 7's `tsc` (a script run with node), installed apart from the repository's TypeScript 6. */
async function typescript7() {
  const dir = await installed(`typescript-${MATRIX.typescript}`, [`typescript@${MATRIX.typescript}`]);
  return join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
}

/**
 * The repository packed with `npm pack` (build it first), as `<ROOT>/tarballs/<sha256>.tgz`: the
 * same contents give the same file, so consumer projects installed from it stay valid.
 */
async function packedTarball(repository) {
  mkdirSync(join(ROOT, 'tarballs'), { recursive: true });
  const scratch = mkdtempSync(join(ROOT, 'tarballs', 'packing-'));
  try {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: repository });
    const packed = join(scratch, JSON.parse(stdout)[0].filename);
    const sha = createHash('sha256').update(readFileSync(packed)).digest('hex');
    const tarball = join(ROOT, 'tarballs', `${sha}.tgz`);
    renameSync(packed, tarball);
    return tarball;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Removes the tarballs of earlier builds: all but the newest few. */
function pruneTarballs(keep = 5) {
  const dir = join(ROOT, 'tarballs');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => ({ file: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of files.slice(keep)) rmSync(file, { force: true });
}

module.exports = { MATRIX, ROOT, installed, nodeExecutable, typescript7, packedTarball, pruneTarballs };
