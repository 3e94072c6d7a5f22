// npm run bench [-- --quick] [-- --out FILE]
// Runs every client through every measurement, interleaved (A B C … A B C …), each run in a fresh
// process, and reports medians and ratios to raw ws (to the smallest peer for bundle size). The
// table is printed and written to bench/results.json. --quick uses small counts: it checks that the
// harness works, not what the figures are.
import { fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSizes } from './bundle.mjs';
import { CLIENTS } from './clients.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1] : join(HERE, quick ? 'results.quick.json' : 'results.json');
const MB = 1024 * 1024;
const P = quick
  ? {
      rounds: 1,
      perMessage: { messages: 100_000 },
      echo: { messages: 5_000, inFlight: 100, roundTrips: 500 },
      memory: { connections: 50 },
      backpressure: { bytes: 16 * MB },
    }
  : {
      rounds: 5,
      perMessage: { messages: 3_000_000 },
      echo: { messages: 200_000, inFlight: 1000, roundTrips: 20_000 },
      memory: { connections: 1000 },
      backpressure: { bytes: 256 * MB },
    };
const BACKPRESSURE_CLIENTS = CLIENTS.filter((client) => ['ws', 'reactive-websocket', 'reactive-websocket baseline'].includes(client));

function startServer(...args) {
  return new Promise((resolve, reject) => {
    const child = fork(join(HERE, 'echo-server.mjs'), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.stdout.once('data', (chunk) => resolve({ url: `ws://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill() }));
    child.once('error', reject);
  });
}

function measure(kind, client, params) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(HERE, 'measure.mjs'), kind, client, JSON.stringify(params)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${kind} ${client} exited with ${code}\n${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const started = Date.now();
const echoServer = await startServer();
const slowServer = await startServer('--slow');
const samples = {};
const record = (client, key, value) => ((samples[client] ??= {})[key] ??= []).push(value);

try {
  for (let round = 0; round < P.rounds; round++) {
    // Rotate the order each round so no client always runs first or last.
    const order = CLIENTS.map((_, i) => CLIENTS[(i + round) % CLIENTS.length]);
    for (const client of order) {
      const perMessage = await measure('per-message', client, P.perMessage);
      record(client, 'receive1', perMessage.receive1);
      record(client, 'receive10', perMessage.receive10);
      record(client, 'send', perMessage.send);
    }
    for (const client of order) {
      const echo = await measure('echo', client, { url: echoServer.url, ...P.echo });
      record(client, 'messagesPerSecond', echo.messagesPerSecond);
      record(client, 'p50', echo.p50);
      record(client, 'p99', echo.p99);
    }
    for (const client of order) {
      const memory = await measure('memory', client, { url: echoServer.url, ...P.memory });
      record(client, 'heap', memory.heap);
      record(client, 'rss', memory.rss);
    }
    for (const client of BACKPRESSURE_CLIENTS) {
      const result = await measure('backpressure', client, { url: slowServer.url, ...P.backpressure });
      record(client, 'backpressureRss', result.extraRss);
    }
    process.stderr.write(`round ${round + 1}/${P.rounds} done\n`);
  }
} finally {
  echoServer.stop();
  slowServer.stop();
}

const bundles = await bundleSizes();
const medians = Object.fromEntries(
  Object.entries(samples).map(([client, figures]) => [
    client,
    Object.fromEntries(Object.entries(figures).map(([key, values]) => [key, median(values)])),
  ]),
);
const raw = medians.ws;
const smallestPeer = Math.min(
  ...Object.entries(bundles)
    .filter(([name]) => !name.startsWith('reactive-websocket') && !name.startsWith('core'))
    .map(([, size]) => size.gzip),
);
const results = {
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  },
  quick,
  parameters: P,
  seconds: Math.round((Date.now() - started) / 1000),
  clients: Object.fromEntries(
    CLIENTS.map((client) => {
      const m = medians[client];
      return [
        client,
        {
          ...m,
          receiveAddedNs: m.receive1 - raw.receive1,
          perExtraSubscriberNs: (m.receive10 - m.receive1) / 9,
          sendAddedNs: m.send - raw.send,
          throughputRatio: m.messagesPerSecond / raw.messagesPerSecond,
          p50Ratio: m.p50 / raw.p50,
          p99Ratio: m.p99 / raw.p99,
          heapRatio: m.heap / raw.heap,
          backpressureRss: m.backpressureRss,
        },
      ];
    }),
  ),
  bundles: Object.fromEntries(
    Object.entries(bundles).map(([name, size]) => [name, { ...size, gzipRatioToSmallestPeer: size.gzip / smallestPeer }]),
  ),
};
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

const f = (value, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));
const rows = [
  [
    'client',
    'echo msg/s',
    '×ws',
    'p50 µs',
    '×ws',
    'p99 µs',
    '×ws',
    'recv ns (+ws)',
    'per extra sub ns',
    'send ns (+ws)',
    'heap/conn KiB',
    '×ws',
    'backpressure RSS MiB',
  ],
  ...CLIENTS.map((client) => {
    const c = results.clients[client];
    return [
      client,
      f(c.messagesPerSecond),
      f(c.throughputRatio, 2),
      f(c.p50, 1),
      f(c.p50Ratio, 2),
      f(c.p99, 1),
      f(c.p99Ratio, 2),
      `${f(c.receive1)} (${c.receiveAddedNs >= 0 ? '+' : ''}${f(c.receiveAddedNs)})`,
      f(c.perExtraSubscriberNs),
      `${f(c.send)} (${c.sendAddedNs >= 0 ? '+' : ''}${f(c.sendAddedNs)})`,
      f(c.heap / 1024, 1),
      f(c.heapRatio, 2),
      c.backpressureRss === undefined ? '-' : f(c.backpressureRss / MB, 1),
    ];
  }),
];
const table = (data) =>
  data
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
    .replace(/\n/, `\n|${data[0].map(() => ' --- |').join('')}\n`);
console.log(
  `\nreactive-websocket benchmark (${quick ? 'quick' : 'full'}; medians of ${P.rounds} interleaved round(s); ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node})\n`,
);
console.log(table(rows));
console.log('\nBundle size (esbuild --bundle --minify --format=esm --platform=browser; rxjs included where pulled in)\n');
console.log(
  table([
    ['entry', 'min bytes', 'min+gzip bytes', '× smallest peer (gzip)', 'of which rxjs (min)', 'added to an app using RxJS (gzip)'],
    ...Object.entries(results.bundles).map(([name, size]) => [
      name,
      size.min,
      size.gzip,
      f(size.gzipRatioToSmallestPeer, 2),
      size.rxjs,
      size.addedGzip,
    ]),
  ]),
);
console.log(`\nwritten to ${OUT} in ${results.seconds} s`);
