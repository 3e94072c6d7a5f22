import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The architecture as the file layout shows it: small files, one concept each, imports that form no circle.
const LIB = join(__dirname, '..', 'lib');
const files = readdirSync(LIB).filter((name) => name.endsWith('.ts'));
const source = (name: string): string => readFileSync(join(LIB, name), 'utf8');
const imports = (name: string): string[] =>
  [...source(name).matchAll(/^(?:import|export)[^;]*? from '\.\/([\w-]+)\.js';/gm)].map((match) => `${match[1]}.ts`);

describe('the layout of lib/', () => {
  it.each(files)('keeps %s under 400 lines', (name) => {
    expect(source(name).split('\n').length).toBeLessThanOrEqual(400);
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

  it('builds the facade on the public core only', () => {
    const allowed = ['reactive-websocket.ts', 'config.ts', 'events.ts', 'codec.ts', 'report.ts', 'inspect.ts'];
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
