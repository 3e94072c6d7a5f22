// One measurement of one client, in a process of its own (so clients cannot disturb each other's
// JIT state or heap), printing its result as JSON on the last line.
//   node --expose-gc bench/measure.mjs <per-message|echo|memory|backpressure> <client> '<params json>'
import { WebSocket } from 'ws';
import { ReactiveWebSocket } from '../dist/esm/index.js';
import { FakeWebSocket, makeClient } from './clients.mjs';

const [measure, name, json] = process.argv.slice(2);
const params = JSON.parse(json ?? '{}');
const MESSAGE = 'x'.repeat(64);
const gc = globalThis.gc ?? (() => undefined);
const tick = () => new Promise((resolve) => setImmediate(resolve));
const now = () => process.hrtime.bigint();

async function perMessage({ messages }) {
  async function receive(subscribers) {
    const client = makeClient(name, 'ws://127.0.0.1:9/', FakeWebSocket);
    let count = 0;
    for (let i = 0; i < subscribers; i++) client.onMessage(() => count++);
    await client.opened;
    const socket = FakeWebSocket.last;
    for (let i = 0; i < messages / 10; i++) socket.receive(MESSAGE);
    const start = now();
    for (let i = 0; i < messages; i++) socket.receive(MESSAGE);
    const ns = Number(now() - start) / messages;
    if (count !== (messages + messages / 10) * subscribers) throw new Error(`${name} delivered ${count} messages`);
    client.close();
    await tick();
    return ns;
  }
  async function send() {
    const client = makeClient(name, 'ws://127.0.0.1:9/', FakeWebSocket);
    client.onMessage(() => undefined);
    await client.opened;
    const socket = FakeWebSocket.last;
    for (let i = 0; i < messages / 10; i++) client.send(MESSAGE);
    const start = now();
    for (let i = 0; i < messages; i++) client.send(MESSAGE);
    const ns = Number(now() - start) / messages;
    if (socket.sent !== messages + messages / 10) throw new Error(`${name} sent ${socket.sent} messages`);
    client.close();
    return ns;
  }
  return { receive1: await receive(1), receive10: await receive(10), send: await send() };
}

async function echo({ url, messages, inFlight, roundTrips }) {
  const client = makeClient(name, url);
  let sent = 0;
  let received = 0;
  let onReply = () => undefined;
  client.onMessage(() => onReply());
  await client.opened;
  const throughput = await new Promise((resolve) => {
    const start = now();
    onReply = () => {
      received++;
      if (sent < messages) {
        sent++;
        client.send(MESSAGE);
      }
      if (received === messages) resolve(messages / (Number(now() - start) / 1e9));
    };
    for (; sent < Math.min(inFlight, messages); sent++) client.send(MESSAGE);
  });
  const samples = [];
  for (let i = 0; i < roundTrips; i++) {
    const start = now();
    await new Promise((resolve) => {
      onReply = resolve;
      client.send(MESSAGE);
    });
    samples.push(Number(now() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  client.close();
  return { messagesPerSecond: throughput, p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

async function memory({ url, connections }) {
  gc();
  gc();
  const before = process.memoryUsage();
  const clients = [];
  for (let i = 0; i < connections; i++) {
    const client = makeClient(name, url);
    client.onMessage(() => undefined);
    clients.push(client);
  }
  await Promise.all(clients.map((client) => client.opened));
  for (let i = 0; i < 3; i++) {
    await tick();
    gc();
  }
  const after = process.memoryUsage();
  for (const client of clients) client.close();
  return { heap: (after.heapUsed - before.heapUsed) / connections, rss: (after.rss - before.rss) / connections };
}

async function backpressure({ url, bytes }) {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const count = bytes / chunk.length;
  gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = Date.now();
  if (name === 'ws') {
    // The naive producer raw ws invites: send everything, the socket buffers it.
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve) => socket.once('open', resolve));
    for (let i = 0; i < count; i++) socket.send(chunk);
    while (socket.bufferedAmount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.close();
  } else {
    const socket = new ReactiveWebSocket({
      url,
      WebSocketCtor: WebSocket,
      reconnect: false,
      buffer: { highWaterMark: 1024 * 1024, limit: 16 },
    });
    // The documented producer: it may start before the socket opens; whenWritable() checks and waits on one fact.
    for (let i = 0; i < count; i++) {
      if (!socket.writable) await socket.whenWritable();
      socket.send(chunk);
    }
    while (socket.queued > 0 || socket.bufferedAmount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.close();
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { extraRss: peak - before, seconds: (Date.now() - started) / 1000 };
}

const measures = { 'per-message': perMessage, echo, memory, backpressure };
const result = await measures[measure](params);
console.log(JSON.stringify(result));
process.exit(0);
