/**
 * Installs the packed tarball with npm into consumer projects, one per rxjs version (RxJS 7, 8 and
 * 9), and uses it as a consumer would: from ES modules and CommonJS, with the runtime's own
 * WebSocket where it has one (Node 22 and later) and ws's where not (Node 20). Also runs the
 * README's RxJS 9 example. The runtime matrix runs this spec on Node 22 and 24 as well.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  README_URL,
  RXJS_9_EXAMPLE,
  RXJS_VERSIONS,
  consumer,
  readmeExample,
  runScript,
  rxjsCopies,
  type Consumer,
} from '../support/consumers.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';

const [RXJS_7, RXJS_8, RXJS_9] = RXJS_VERSIONS;
const projects = new Map<string, Consumer>();
let echo: EchoServer;

beforeAll(async () => {
  for (const rxjs of RXJS_VERSIONS) projects.set(rxjs, await consumer(rxjs));
  echo = await startEchoServer();
}, 180_000);

afterAll(async () => {
  await echo?.close();
});

const run = (rxjs: string, file: string): Promise<string> => runScript(projects.get(rxjs)!, file, [echo.url]);
/** Which WebSocket the scripts use on this Node: ws's before Node 22, else the runtime's own. */
const expectedWebSocket = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function' ? 'global' : 'ws';

it('ships only dist/, the core/ and rxjs/ entries for older resolvers, README, LICENSE and package.json', () => {
  const files = readdirSync(join(projects.get(RXJS_7)!.dir, 'node_modules/reactive-websocket'));
  expect(files.sort()).toEqual(['LICENSE', 'README.md', 'core', 'dist', 'package.json', 'rxjs']);
});

describe.each([RXJS_7, RXJS_8])('in an app on rxjs %s', (rxjs) => {
  it.each(['esm.mjs', 'cjs.cjs'])('serves the core, the facade and the drop-in from %s', async (file) => {
    const from = file.slice(0, 3);
    expect(JSON.parse(await run(rxjs, file))).toEqual({
      websocket: expectedWebSocket,
      core: { from },
      facade: 'facade',
      dropIn: { from },
      unsubscribed: 'ObjectUnsubscribedError: object unsubscribed',
      notImplemented: 'NotImplementedError',
    });
  });

  it("shares the app's one copy of rxjs: the socket is its Observable, for pipe, from and instanceof", async () => {
    expect(await rxjsCopies(projects.get(rxjs)!)).toEqual([rxjs]);
    // RxJS 8 has no ObjectUnsubscribedError of its own: the drop-in throws the library's.
    expect(JSON.parse(await run(rxjs, 'interop.mjs'))).toEqual({
      instanceOfObservable: true,
      pipe: 5,
      from: 'hello',
      unsubscribed: { ours: true, rxjs: rxjs === RXJS_7 },
    });
  });
});

describe(`in an app on rxjs ${RXJS_9}`, () => {
  it('installs without flags, with its own RxJS 7 beside the app’s RxJS 9', async () => {
    expect(await rxjsCopies(projects.get(RXJS_9)!)).toEqual([RXJS_7, RXJS_9]);
  });

  it('serves the core, the facade and the drop-in from ES modules and CommonJS', async () => {
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const from = file.slice(0, 3);
      expect(JSON.parse(await run(RXJS_9, file))).toMatchObject({
        websocket: 'global',
        core: { from },
        facade: 'facade',
        dropIn: { from },
      });
    }
  });

  it('turns the streams into RxJS 9 Observables with toObservable()', async () => {
    expect(JSON.parse(await run(RXJS_9, 'rxjs9.mjs'))).toEqual({
      facade: 'facade',
      platformObservable: true,
      core: 5,
      states: ['open', 'closing', 'closed'],
      dropIn: { from: 'rxjs 9' },
    });
  });

  it("runs the README's RxJS 9 example, which prints what it says", async () => {
    const example = readmeExample(RXJS_9_EXAMPLE);
    const printed = /console\.log\(\w+\); \/\/ (.+)\n/.exec(example)?.[1];
    expect(printed).toBeDefined();
    // A file of this process's own: the runtime matrix runs this spec on two Nodes at once.
    const file = `readme-${process.pid}.mts`;
    writeFileSync(join(projects.get(RXJS_9)!.dir, file), example.replace(README_URL, echo.url));
    try {
      expect(await run(RXJS_9, file)).toBe(`${printed}\n`);
    } finally {
      rmSync(join(projects.get(RXJS_9)!.dir, file));
    }
  });
});
