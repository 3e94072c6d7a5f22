import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

const EXAMPLES = join(__dirname, '../../examples');
const SERVER = join(EXAMPLES, 'server.mjs');

describe('examples/server.mjs (npm start)', () => {
  it('says clearly, and exits, when its port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [SERVER],
          { env: { ...process.env, PORT: String(port) }, timeout: 20_000 },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} is already in use. Stop what uses it, or pick another: PORT=8081 npm start`);
    } finally {
      blocker.close();
    }
  }, 30_000);
});

describe('the demo pages as examples/server.mjs serves them', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function get(path: string): Promise<{ type: string | null; body: string }> {
    const response = await fetch(new URL(path, server.url), { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    return { type: response.headers.get('content-type'), body: await response.text() };
  }

  const source = (name: string): string => readFileSync(join(EXAMPLES, 'browser', `${name}.ts`), 'utf8');

  it.each(['callback', 'reactive'])('the %s page names the file it runs, and loads the bundle of that file', async (name) => {
    const { body } = await get(`${name}.html`);
    expect(body).toContain(`This page runs <code>examples/browser/${name}.ts</code>`);
    expect(body).toContain(`<script type="module" src="/${name}.js"></script>`);
    expect(existsSync(join(EXAMPLES, 'browser', `${name}.ts`))).toBe(true);
  });

  it.each(['callback', 'reactive'])('serves the %s bundle minified, with a link to its source map', async (name) => {
    const { type, body } = await get(`${name}.js`);
    expect(type).toBe('text/javascript; charset=utf-8');
    // A handful of lines (those left are inside template literals), against thousands in the sources.
    expect(body.split('\n').length).toBeLessThan(10);
    // The functions the page declares are renamed.
    const declared = [...source(name).matchAll(/^function (\w+)/gm)].map((match) => match[1]);
    expect(declared.length).toBeGreaterThan(1);
    for (const fn of declared) expect(body).not.toContain(`function ${fn}(`);
    expect(body.endsWith(`\n//# sourceMappingURL=${name}.js.map\n`)).toBe(true);
  });

  it.each(['callback', 'reactive'])(
    "serves the source map of the %s bundle, holding the page's TypeScript as it is on disk",
    async (name) => {
      const { type, body } = await get(`${name}.js.map`);
      expect(type).toBe('application/json; charset=utf-8');
      const map = JSON.parse(body) as { version: number; sources: string[]; sourcesContent: string[] };
      expect(map.version).toBe(3);
      const index = map.sources.indexOf(`examples/browser/${name}.ts`);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(map.sourcesContent[index]).toBe(source(name));
      expect(map.sources).toContain('dist/esm/index.js');
    },
  );
});
