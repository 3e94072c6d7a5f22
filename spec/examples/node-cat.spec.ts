import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { until } from '../support/wait.js';

const CAT = join(__dirname, '../../examples/node/cat.mjs');
let echo: EchoServer;
beforeEach(async () => {
  echo = await startEchoServer();
});
afterEach(async () => {
  await echo.close();
});

function run(args: string[], input?: string) {
  const child = spawn(process.execPath, [CAT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cat.mjs did not exit within 10 s\n${out.stderr}`));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, out, exited };
}

describe('examples/node/cat.mjs', () => {
  it('sends stdin lines, prints the replies, reports states on stderr and exits at end of input', async () => {
    const { out, exited } = run([echo.url], 'hello\nworld\n');
    expect(await exited).toBe(0);
    expect(out.stdout).toBe('hello\nworld\n');
    expect(out.stderr).toBe('[connecting]\n[open]\n[closing]\n[closed]\n');
    expect(echo.received).toEqual(['hello', 'world']);
  });

  it('closes and exits cleanly on Ctrl-C', async () => {
    const { child, out, exited } = run([echo.url]);
    await until(() => out.stderr.includes('[open]'), 5000, 'the connection');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.stderr).toMatch(/\[closing\]\n\[closed\]\n$/);
  });

  it('prints its usage without a URL', async () => {
    const { out, exited } = run([]);
    expect(await exited).toBe(2);
    expect(out.stderr).toMatch(/usage: node examples\/node\/cat.mjs ws:\/\/host:port\/path/);
  });
});
