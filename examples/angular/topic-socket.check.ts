// Exercises the topic service in real environment injectors against the topic server whose URL
// is argv[2]: two "components" (each a child injector, destroyed as Angular destroys a component)
// follow a topic each. The spec drops the connection once both are followed; both topics must be
// followed again on the new connection. Bundled and run by spec/examples/angular.spec.ts; exits
// non-zero on failure.
import assert from 'node:assert/strict';
import { createEnvironmentInjector, runInInjectionContext, type EnvironmentInjector } from '@angular/core';
import { WebSocket } from 'ws';
import { TopicSocket, injectTopic, provideTopicSocket } from './topic-socket.js';

const url = process.argv[2];

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  const root = createEnvironmentInjector([], null as unknown as EnvironmentInjector);
  const app = createEnvironmentInjector(
    provideTopicSocket({ url, WebSocketCtor: WebSocket, reconnect: { initialDelay: 20, maxDelay: 50 } }),
    root,
  );
  assert.equal(app.get(TopicSocket), app.get(TopicSocket), 'one shared socket per injector');

  // A component is created in its own injector and destroyed with it.
  const component = (topic: string) => {
    const injector = createEnvironmentInjector([], app);
    return { injector, latest: runInInjectionContext(injector, () => injectTopic(topic)) };
  };
  const prices = component('prices');
  const news = component('news');
  assert.equal(prices.latest(), undefined);
  await until(() => prices.latest()?.n === 1 && news.latest()?.n === 1, 'both topics on the first connection');

  // The spec drops the connection now; the service reconnects and follows both topics again.
  await until(() => prices.latest()?.n === 2 && news.latest()?.n === 2, 'both topics on the second connection');

  prices.injector.destroy();
  app.destroy();
  console.log('angular example: topics per component, followed again after a reconnect, released on destroy');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
