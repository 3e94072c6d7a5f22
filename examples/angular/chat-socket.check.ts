// Exercises the Angular service in a real environment injector against the echo server whose
// URL is argv[2]. Bundled and run by spec/examples/angular.spec.ts; exits non-zero on failure.
import assert from 'node:assert/strict';
import { createEnvironmentInjector, type EnvironmentInjector } from '@angular/core';
import { WebSocket } from 'ws';
import { ChatSocket, provideChatSocket } from './chat-socket.js';

const url = process.argv[2];

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  // A root environment injector, as bootstrapApplication would make, without a platform.
  const root = createEnvironmentInjector([], null as unknown as EnvironmentInjector);
  const app = createEnvironmentInjector(provideChatSocket({ url, WebSocketCtor: WebSocket }), root);

  const chat = app.get(ChatSocket);
  assert.equal(app.get(ChatSocket), chat, 'one shared socket per injector');
  assert.equal(chat.state(), 'connecting');
  chat.send({ user: 'ada', text: 'hello' });
  await until(() => chat.messages().length === 1, 'the echo');
  assert.equal(chat.state(), 'open');
  assert.deepEqual(chat.messages(), [{ user: 'ada', text: 'hello' }]);

  // Destroying the injector closes the socket (the signals stop with their injector, so the
  // spec checks from the server's side that the client left).
  app.destroy();
  assert.throws(() => chat.send({ user: 'ada', text: 'late' }), /cannot send: the socket to .* was closed by close\(\)/);
  console.log('angular example: shared socket, signals and DestroyRef close all work');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
