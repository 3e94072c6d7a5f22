/**
 * Runs `npm run bench -- --quick` so the benchmark harness cannot rot. It checks that every figure
 * is produced for every client, not what the figures are: speed is read from the benchmark, never
 * asserted in tests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CLIENTS = [
  'ws',
  'reactive-websocket',
  'reactive-websocket facade',
  'reactive-websocket/rxjs',
  'rxjs webSocket',
  'reconnecting-websocket',
  'partysocket',
  'websocket-ts',
];

it('produces every figure for every client in quick mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reactive-websocket-bench-'));
  const out = join(dir, 'results.json');
  try {
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(ROOT, 'bench/run.mjs'), '--quick', '--out', out],
        { cwd: ROOT, timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      quick: boolean;
      clients: Record<string, Record<string, number>>;
      bundles: Record<string, { min: number; gzip: number }>;
    };
    expect(results.quick).toBe(true);
    expect(Object.keys(results.clients)).toEqual(CLIENTS);
    for (const client of CLIENTS) {
      const figures = results.clients[client];
      for (const key of ['receive1', 'receive10', 'send', 'messagesPerSecond', 'p50', 'p99', 'heap', 'throughputRatio', 'heapRatio']) {
        expect([client, key, Number.isFinite(figures[key])]).toEqual([client, key, true]);
      }
    }
    for (const client of ['ws', 'reactive-websocket']) expect(results.clients[client].backpressureRss).toBeGreaterThan(0);
    for (const size of Object.values(results.bundles)) expect(size.gzip).toBeGreaterThan(0);
    expect(printed).toContain('| reactive-websocket |');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 150_000);
