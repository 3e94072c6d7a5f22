/**
 * Installs the packed tarball into a scratch project, with rxjs and ws beside it, and uses it
 * as a consumer would: from ES modules, from CommonJS, and from strict TypeScript.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';

const ROOT = join(__dirname, '../..');
let project: string;
let echo: EchoServer;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'reactive-websocket-consumer-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const target = join(project, 'node_modules/reactive-websocket');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed[0]!.filename), '-C', target, '--strip-components=1']);
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  for (const dependency of ['rxjs', 'ws', '@types/node', '@types/ws', 'undici-types']) {
    symlinkSync(join(ROOT, 'node_modules', dependency), join(project, 'node_modules', dependency), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  cpSync(join(__dirname, 'fixture'), project, { recursive: true });
  echo = await startEchoServer();
}, 60000);

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

it('ships only dist/, README, LICENSE and package.json', () => {
  const files = readdirSync(join(project, 'node_modules/reactive-websocket'));
  expect(files.sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
});

it('works from ES modules (import)', async () => {
  expect(JSON.parse(await run('esm.mjs'))).toEqual({ core: { from: 'esm' }, facade: 'facade', notImplemented: 'NotImplementedError' });
});

it('works from CommonJS (require)', async () => {
  expect(JSON.parse(await run('cjs.cjs'))).toEqual({ core: { from: 'cjs' }, facade: 'facade', notImplemented: 'NotImplementedError' });
});

it('type-checks under --strict with nodenext: generics flow, misuse is rejected', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  let output = '';
  try {
    output = execFileSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project, encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(output).toBe('');
}, 60000);
