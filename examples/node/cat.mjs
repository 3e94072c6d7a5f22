#!/usr/bin/env node
// A command-line WebSocket client: each line of standard input is sent, each message received is
// printed, and state changes go to standard error. End of input closes the connection once
// everything queued has gone; Ctrl-C closes it at once.
//   node examples/node/cat.mjs ws://127.0.0.1:8080/echo
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { ReactiveWebSocket } from 'reactive-websocket';

const url = process.argv[2];
if (!url) {
  console.error('usage: node examples/node/cat.mjs ws://host:port/path');
  process.exit(2);
}

// Node 22 has a global WebSocket; before that, ws provides one.
const socket = new ReactiveWebSocket({ url, WebSocketCtor: globalThis.WebSocket ?? WebSocket });
socket.state$.subscribe({
  next: (state) => console.error(`[${state}]`),
  complete: () => process.exit(process.exitCode ?? 0),
});
socket.reconnect$.subscribe(({ attempt, delay }) => console.error(`[reconnect attempt ${attempt} in ${delay} ms]`));
socket.error$.subscribe(({ error }) => console.error(`[error] ${error.message}`));
socket.messages$.subscribe((message) => process.stdout.write(`${message}\n`));

const input = createInterface({ input: process.stdin });
input.on('line', (line) => socket.send(line));
input.on('close', () => closeWhenSent());
process.once('SIGINT', () => socket.close(1000, 'interrupted'));

function closeWhenSent() {
  if (socket.queued === 0 && socket.state === 'open') socket.close();
  else {
    // Still connecting or reconnecting: close once the queued lines have gone.
    const subscription = socket.open$.subscribe(() => {
      subscription.unsubscribe();
      socket.close();
    });
  }
}
