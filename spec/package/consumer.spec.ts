/**
 * Installs the packed tarball with npm into a scratch project, with rxjs and ws beside it, and uses
 * it as a consumer would: from ES modules, from CommonJS, and from strict TypeScript.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';

const ROOT = join(__dirname, '../..');
let project: string;
let echo: EchoServer;

/** The version of a package this repository resolved, so the consumer installs the same one. */
function installed(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'reactive-websocket-consumer-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as Array<{ filename: string }>;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const dependencies = ['rxjs', 'ws', '@types/ws', '@types/node'].map((name) => `${name}@${installed(name)}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${packed[0].filename}`, ...dependencies], {
    cwd: project,
    stdio: 'ignore',
  });
  cpSync(join(__dirname, 'fixture'), project, { recursive: true });
  echo = await startEchoServer();
}, 120_000);

afterAll(async () => {
  await echo?.close();
  rmSync(project, { recursive: true, force: true });
});

function run(file: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [file, echo.url], { cwd: project, timeout: 10000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

it('ships only dist/, the core/ and rxjs/ entries for older resolvers, README, LICENSE and package.json', () => {
  const files = readdirSync(join(project, 'node_modules/reactive-websocket'));
  expect(files.sort()).toEqual(['LICENSE', 'README.md', 'core', 'dist', 'package.json', 'rxjs']);
});

it('works from ES modules (import)', async () => {
  expect(JSON.parse(await run('esm.mjs'))).toEqual({
    core: { from: 'esm' },
    facade: 'facade',
    dropIn: { from: 'esm' },
    notImplemented: 'NotImplementedError',
  });
});

it('works from CommonJS (require)', async () => {
  expect(JSON.parse(await run('cjs.cjs'))).toEqual({
    core: { from: 'cjs' },
    facade: 'facade',
    dropIn: { from: 'cjs' },
    notImplemented: 'NotImplementedError',
  });
});

it('type-checks under --strict with nodenext: generics flow, misuse is rejected', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  let output: string;
  try {
    output = execFileSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project, encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(output).toBe('');
}, 60000);
