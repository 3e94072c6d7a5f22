/**
 * The Angular example in a real Angular environment injector. Angular ships ES modules only, so the
 * check program is bundled with esbuild and run by Node, against a real echo server.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { until } from '../support/wait.js';

const ROOT = join(__dirname, '../..');
const BUNDLE = join(ROOT, '.artifacts/angular-check.mjs');
let echo: EchoServer;

beforeAll(async () => {
  mkdirSync(join(ROOT, '.artifacts'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'examples/angular/chat-socket.check.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: BUNDLE,
    external: ['ws'],
    logLevel: 'error',
  });
  echo = await startEchoServer();
}, 60_000);
afterAll(async () => {
  await echo.close();
});

it('shares one socket per injector, exposes it as signals and closes it when the injector is destroyed', async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [BUNDLE, echo.url], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
  expect(output).toContain('angular example: shared socket, signals and DestroyRef close all work');
  expect(echo.received).toEqual(['{"user":"ada","text":"hello"}']);
  await until(() => echo.server.clients.size === 0, 5000, 'the server to see the client leave');
  expect(echo.connections[0]!.readyState).toBe(3);
}, 30_000);
