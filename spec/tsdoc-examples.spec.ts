/**
 * The `@example`s of lib/'s TSDoc, which the API docs show: every class and function the three
 * entries export has one, and each (with the code of each entry's `@module` comment) compiles as a
 * program against the package, imports included, so that an example cannot drift from the API it shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const LIB = join(ROOT, 'lib');
const ENTRIES: Readonly<Record<string, string>> = {
  'reactive-websocket': 'lib/index.ts',
  'reactive-websocket/core': 'lib/core.ts',
  'reactive-websocket/rxjs': 'lib/rxjs.ts',
};

interface Example {
  /** Where it is: `lib/facade.ts:28`. */
  readonly at: string;
  readonly code: string;
}

/** The code of every `@example` in a source file: its fenced blocks, or the whole tag where it has none, as TypeDoc shows it. */
function examplesOf(path: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const found: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length;
    const lines = comment[0]
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''));
    let start = -1;
    let fenced = false;
    const finish = (end: number): void => {
      if (start < 0) return;
      const body = lines.slice(start + 1, end);
      body.unshift(lines[start].replace(/^\s*@example\s*/, ''));
      const fences = body.join('\n').match(/```(?:ts|typescript)?\n[\s\S]*?```/g);
      const code = fences ? fences.map((fence) => fence.replace(/^```\w*\n/, '').replace(/```$/, '')).join('\n') : body.join('\n');
      found.push({ at: `${relative(ROOT, path)}:${firstLine + start}`, code });
      start = -1;
    };
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith('```')) fenced = !fenced;
      if (fenced) return;
      if (/^\s*@\w+/.test(line)) {
        finish(i);
        if (/^\s*@example\b/.test(line)) start = i;
      }
    });
    finish(lines.length);
    // An entry's page shows the code of its @module comment too.
    if (/^\s*@module\b/m.test(lines.join('\n'))) {
      const fences = lines.join('\n').match(/```ts\n[\s\S]*?```/g) ?? [];
      for (const fence of fences) found.push({ at: `${relative(ROOT, path)}:${firstLine}`, code: fence.slice('```ts\n'.length, -3) });
    }
  }
  return found;
}

const sources = (readdirSync(LIB, { recursive: true }) as string[])
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(LIB, name))
  .sort();
const examples = sources.flatMap(examplesOf);

// One program: the library, and each example as a file of its own that imports the package by name.
const exampleFile = (i: number): string => join(ROOT, '.examples', `example-${i}.ts`);
const files = new Map(examples.map((example, i) => [exampleFile(i), `${example.code}\nexport {};\n`]));
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, [join(ROOT, path)]])),
};
const host = ts.createCompilerHost(options);
const readFile = host.readFile.bind(host);
const fileExists = host.fileExists.bind(host);
const getSourceFile = host.getSourceFile.bind(host);
host.readFile = (name) => files.get(name) ?? readFile(name);
host.fileExists = (name) => files.has(name) || fileExists(name);
host.getSourceFile = (name, version, ...rest) =>
  files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : getSourceFile(name, version, ...rest);
const program = ts.createProgram([...files.keys(), ...Object.values(ENTRIES).map((path) => join(ROOT, path))], options, host);
const checker = program.getTypeChecker();

/** The classes and functions an entry exports, each with whether its TSDoc has an `@example`. */
function exportedCallables(entry: string): Array<{ name: string; hasExample: boolean }> {
  const module = checker.getSymbolAtLocation(program.getSourceFile(join(ROOT, entry))!)!;
  return checker.getExportsOfModule(module).flatMap((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = (symbol.declarations ?? []).filter((node) => ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node));
    if (declarations.length === 0) return [];
    const hasExample = declarations.some((node) => ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'example'));
    return [{ name: exported.name, hasExample }];
  });
}

describe('the @examples of the API docs', () => {
  it('are found: the library has many, in fenced code blocks or not', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it.each(Object.entries(ENTRIES))('%s: every class and function it exports has one', (_name, entry) => {
    const callables = exportedCallables(entry);
    expect(callables.length).toBeGreaterThan(3);
    expect(callables.filter((callable) => !callable.hasExample).map((callable) => callable.name)).toEqual([]);
  });

  it.each(examples.map((example, i) => [example.at, i] as const))('the one at %s compiles as a program', (_at, i) => {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(exampleFile(i)));
    const messages = diagnostics.map((diagnostic) => {
      const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
      return `line ${line === undefined ? '?' : line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  });
});
