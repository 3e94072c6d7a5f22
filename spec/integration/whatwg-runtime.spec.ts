/**
 * The library on a WHATWG WebSocket outside the browser: Node's undici implementation, enabled by
 * --experimental-websocket, used as the global with no WebSocketCtor (the path browsers take).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';

const FIXTURE = join(__dirname, '../support/fixtures/undici-client.cjs');
let echo: EchoServer;
beforeEach(async () => {
  echo = await startEchoServer();
  // Like the demo server: "/drop" cuts the connection without a close frame.
  echo.server.on('connection', (socket) =>
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary && data.toString() === '/drop') socket.terminate();
    }),
  );
});
afterEach(async () => {
  await echo.close();
});

it('queues, sends text and binary, reconnects, closes with a code, and serves the facade on undici', async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--experimental-websocket', '--no-warnings', FIXTURE, echo.url],
      { timeout: 15_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const result = JSON.parse(output) as {
    supported: boolean;
    messages: string[];
    binary: number[];
    facade: string;
    closes: number[];
    states: string[];
  };
  expect(result.supported).toBe(true);
  expect(result.messages).toEqual(['queued before open', 'after reconnect']);
  expect(result.binary).toEqual([1, 2, 3]);
  expect(result.closes).toEqual([1006, 4321]);
  expect(result.states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closing', 'closed']);
  expect(result.facade).toBe('facade');
}, 30_000);
