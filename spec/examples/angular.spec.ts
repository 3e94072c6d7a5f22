/**
 * The Angular examples in real Angular environment injectors. Angular ships ES modules only, so the
 * check programs are bundled with esbuild and run by Node, against real servers.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startTopicServer } from '../rxjs/topic-server.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { until } from '../support/wait.js';

const ROOT = join(__dirname, '../..');
const BUNDLE = join(ROOT, '.artifacts/angular-check.mjs');
const TOPIC_BUNDLE = join(ROOT, '.artifacts/angular-topic-check.mjs');
let echo: EchoServer;

beforeAll(async () => {
  mkdirSync(join(ROOT, '.artifacts'), { recursive: true });
  for (const [entry, outfile] of [
    ['chat-socket.check.ts', BUNDLE],
    ['topic-socket.check.ts', TOPIC_BUNDLE],
  ] as const) {
    await build({
      entryPoints: [join(ROOT, 'examples/angular', entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['ws'],
      logLevel: 'error',
    });
  }
  echo = await startEchoServer();
}, 60_000);
afterAll(async () => {
  await echo.close();
});

/** Runs a bundled check program against `url`; resolves with what it printed. */
function runCheck(bundle: string, url: string): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [bundle, url], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

it('shares one socket per injector, exposes it as signals and closes it when the injector is destroyed', async () => {
  const output = await runCheck(BUNDLE, echo.url);
  expect(output).toContain('angular example: shared socket, signals and DestroyRef close all work');
  expect(echo.received).toEqual(['{"user":"ada","text":"hello"}']);
  await until(() => echo.server.clients.size === 0, 5000, 'the server to see the client leave');
  expect(echo.connections[0].readyState).toBe(3);
}, 30_000);

it('follows a topic per component with the rxjs drop-in, follows them again after a dropped connection, and releases them on destroy', async () => {
  const server = await startTopicServer();
  try {
    const output = runCheck(TOPIC_BUNDLE, server.url);
    // Drop the connection once both components follow their topic, as a server restart would.
    await until(() => server.log.length === 2, 10_000, 'both components to follow their topic');
    server.dropAll();
    expect(await output).toContain('angular example: topics per component, followed again after a reconnect, released on destroy');
    expect(server.log).toEqual(['1 sub prices', '1 sub news', '2 sub prices', '2 sub news', '2 unsub prices']);
    await until(() => server.closeCodes.get(2) === 1000, 5000, 'the app to close the socket');
  } finally {
    await server.close();
  }
}, 30_000);
