/**
 * The code of README.md and docs/*.md: every ```ts, ```typescript and ```js block compiles as a
 * program against the package as a user gets it (its name, resolved through package.json's
 * `exports` to the built dist/, so run `npm run build` first, as `npm test` does), and every block
 * marked `<!-- runnable -->` runs with node and prints what the ```text block after it says.
 *
 * A block after a comment naming spec/package (the RxJS 9 example) is left to spec/package, which
 * type-checks and runs it in a project on RxJS 9. Runnable blocks start their own server on
 * 127.0.0.1:8080; here each gets a free port in place of 8080.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
/** Inside the package, so that `import … from 'reactive-websocket'` resolves to the package itself, as in a user's project. */
const SNIPPETS = join(ROOT, '.readme-snippets');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const CODE = new Set(['ts', 'typescript', 'js']);
const RUNNABLE = '<!-- runnable -->';

interface Block {
  /** Where it is: `README.md:42`. */
  readonly at: string;
  readonly lang: string;
  readonly code: string;
  /** The last non-blank line before its opening fence. */
  readonly before: string;
  /** The next block of the document, if any. */
  next?: Block;
}

/** The fenced blocks of a Markdown file, in order, indented ones (in list items) included and dedented. */
function blocksOf(document: string): Block[] {
  const lines = readFileSync(join(ROOT, document), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1];
    const end = lines.findIndex((line, j) => j > i && line.trimEnd() === `${indent}\`\`\``);
    if (end < 0) throw new Error(`${document}:${i + 1}: a code block that never ends`);
    const code = lines
      .slice(i + 1, end)
      .map((line) => line.slice(indent.length))
      .join('\n');
    const before = lines
      .slice(0, i)
      .reverse()
      .find((line) => line.trim() !== '');
    const block: Block = { at: `${document}:${i + 1}`, lang: open[2], code, before: before?.trim() ?? '' };
    if (blocks.length > 0) blocks[blocks.length - 1].next = block;
    blocks.push(block);
    i = end;
  }
  return blocks;
}

const blocks = DOCUMENTS.flatMap(blocksOf);
const programs = blocks.filter((block) => CODE.has(block.lang) && !/<!--.*spec\/package.*-->/.test(block.before));
const runnable = programs.filter((block) => block.before === RUNNABLE);
const fileOf = (block: Block): string => join(SNIPPETS, `${block.at.replace(/[/.:]/g, '-')}.${block.lang === 'js' ? 'mjs' : 'mts'}`);

let program: ts.Program;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/esm/index.d.ts'))) throw new Error('dist/ is missing: run npm run build first.');
  rmSync(SNIPPETS, { recursive: true, force: true });
  mkdirSync(SNIPPETS, { recursive: true });
  for (const block of programs) writeFileSync(fileOf(block), `${block.code}\nexport {};\n`);
  program = ts.createProgram(programs.map(fileOf), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
  });
});
afterAll(() => rmSync(SNIPPETS, { recursive: true, force: true }));

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a block with node, 8080 replaced by `port`; resolves with what it printed. */
function run(block: Block, port: number): Promise<{ stdout: string; stderr: string }> {
  const js = ts.transpileModule(block.code.replaceAll('8080', String(port)), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const file = fileOf(block).replace(/\.m[tj]s$/, '.run.mjs');
  writeFileSync(file, js);
  return new Promise((resolveRun, reject) =>
    execFile(process.execPath, [file], { cwd: ROOT, timeout: 10_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${block.at} did not end by itself with status 0: ${error.message}\n${stderr}`))
        : resolveRun({ stdout, stderr }),
    ),
  );
}

describe('the code of README.md and docs/*.md', () => {
  it('is found: a quick start for each API, runnable, and more', () => {
    expect(programs.length).toBeGreaterThan(5);
    expect(runnable.map((block) => block.code.match(/from '(reactive-websocket[^']*)'/)?.[1])).toEqual(
      expect.arrayContaining(['reactive-websocket', 'reactive-websocket/rxjs']),
    );
    expect(runnable.length).toBeGreaterThanOrEqual(3);
  });

  it.each(runnable.map((block) => [block.at]))('states the output of the runnable block at %s in a ```text block after it', (at) => {
    const block = runnable.find((candidate) => candidate.at === at)!;
    expect(block.next?.lang).toBe('text');
  });

  it.each(programs.map((block) => [block.at, block] as const))('the block at %s compiles as a program', (_at, block) => {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(fileOf(block)));
    const messages = diagnostics.map((diagnostic) => {
      const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
      return `line ${line === undefined ? '?' : line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  });

  it.each(runnable.map((block) => [block.at, block] as const))(
    'the block at %s runs, ends by itself and prints what it says',
    async (_at, block) => {
      const { stdout, stderr } = await run(block, await freePort());
      expect(stderr).toBe('');
      expect(stdout.trimEnd()).toBe(block.next?.code.trimEnd());
    },
  );

  it.each(DOCUMENTS)('%s links only to files that exist (the API docs take no folder links)', (document) => {
    // Links in prose: code, fenced or inline, is left out.
    const text = readFileSync(join(ROOT, document), 'utf8')
      .replace(/^( *)```[\s\S]*?^\1```/gm, '')
      .replace(/`[^`\n]*`/g, '');
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((link) => link[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const path = resolve(dirname(join(ROOT, document)), target);
        return !existsSync(path) || !statSync(path).isFile();
      })
      .map((target) => relative(ROOT, resolve(dirname(join(ROOT, document)), target)));
    expect(broken).toEqual([]);
  });
});
