import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

// The architecture as the file layout shows it: small files, one concept each, imports that form no circle.
const LIB = join(__dirname, '..', 'lib');
// Every module, its subfolders included, by its path under lib/ ('engine.ts', 'rxjs/resilience.ts').
const files = (readdirSync(LIB, { recursive: true }) as string[])
  .map((name) => name.split('\\').join('/'))
  .filter((name) => name.endsWith('.ts'))
  .sort();
const source = (name: string): string => readFileSync(join(LIB, name), 'utf8');
/** The modules of lib/ that `name` imports or re-exports from, by their paths under lib/. */
const imports = (name: string): string[] =>
  [...source(name).matchAll(/^(?:import|export)[^;]*? from '(\.{1,2}\/[\w/-]+)\.js';/gm)].map((match) =>
    posix.join(posix.dirname(name), `${match[1]}.ts`),
  );

/** The modules `name` needs at run time: its imports less those of types only. */
const valueImports = (name: string): string[] =>
  [...source(name).matchAll(/^(?:import (?!type )|export (?!type ))[^;]*? from '(\.{1,2}\/[\w/-]+)\.js';/gm)].map((match) =>
    posix.join(posix.dirname(name), `${match[1]}.ts`),
  );

describe('the layout of lib/', () => {
  it.each(files)('keeps %s under 400 lines', (name) => {
    expect(source(name).split('\n').length).toBeLessThanOrEqual(400);
  });

  it('finds the modules of the subfolders too, and every import it follows is a module of lib/', () => {
    expect(files).toContain('rxjs/resilience.ts');
    for (const name of files) for (const target of imports(name)) expect(files).toContain(target);
  });

  it('has no import circles', () => {
    const circles: string[] = [];
    const visit = (name: string, path: string[]): void => {
      if (path.includes(name)) {
        circles.push([...path.slice(path.indexOf(name)), name].join(' → '));
        return;
      }
      for (const next of imports(name)) visit(next, [...path, name]);
    };
    for (const name of files) visit(name, []);
    expect(circles).toEqual([]);
  });

  it('keeps every feature out of the engine and the core: only the config keys and resilient() name them all', () => {
    const features = ['reconnect.ts', 'heartbeat.ts', 'sender.ts', 'delivery.ts'];
    const entries = ['index.ts', 'core.ts', 'rxjs.ts'];
    const namingAll = files.filter((name) => !entries.includes(name) && features.every((feature) => valueImports(name).includes(feature)));
    expect(namingAll).toEqual(['reactive-websocket.ts', 'rxjs/resilience.ts']);
    for (const core of ['engine.ts', 'session.ts', 'core-socket.ts', 'config.ts', 'feature.ts']) {
      expect({ [core]: valueImports(core).filter((name) => features.includes(name)) }).toEqual({ [core]: [] });
    }
  });

  it('builds the facade on the public core only', () => {
    const allowed = ['reactive-websocket.ts', 'config.ts', 'events.ts', 'codec.ts', 'check.ts', 'report.ts', 'inspect.ts'];
    expect(imports('facade.ts').filter((name) => !allowed.includes(name))).toEqual([]);
    expect(source('facade.ts')).not.toMatch(/\['#|\(socket as unknown|@internal/);
  });

  // A browser stand-in (see package.json's `browser` field) must offer what its Node module does.
  const standIns = files.filter((name) => name.endsWith('.browser.ts'));

  it('has the browser stand-ins package.json maps, and no other', () => {
    const browser = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { browser: Record<string, string> })
      .browser;
    const expected = Object.fromEntries(
      ['esm', 'cjs'].flatMap((format) =>
        standIns.map((name) => [
          `./dist/${format}/${name.replace('.browser.ts', '.js')}`,
          `./dist/${format}/${name.replace('.ts', '.js')}`,
        ]),
      ),
    );
    expect(browser).toEqual(expected);
    expect(standIns.length).toBeGreaterThan(0);
  });

  it.each(standIns)('gives %s the same exports as the module it stands in for', (name) => {
    const exported = (file: string): string[] => Object.keys(require(join(LIB, file)) as object).sort();
    expect(exported(name)).toEqual(exported(name.replace('.browser.ts', '.ts')));
  });
});
