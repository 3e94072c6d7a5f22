/**
 * Consumer projects: the packed package installed with npm next to one rxjs version, as a user
 * installs it, cached under $TMPDIR/reactive-websocket-matrix (see matrix-cache.cjs) and installed
 * again only when the package or a version changes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MATRIX, installed, nodeExecutable, packedTarball, pruneTarballs } from './matrix-cache.cjs';

/** The repository's root. */
export const REPOSITORY = join(__dirname, '../..');

/** The version of a package this repository resolved. */
export function repositoryVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPOSITORY, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The rxjs versions consumers are tried with: the repository's RxJS 7, then those of matrix.json. */
export const RXJS_VERSIONS: readonly string[] = [repositoryVersion('rxjs'), ...MATRIX.rxjs];

/** The README's marker before the RxJS 9 example. */
export const RXJS_9_EXAMPLE = '<!-- The RxJS 9 example: spec/package runs and type-checks it. -->';
/** The URL the README's examples connect to, replaced with a test server's when they run. */
export const README_URL = 'ws://127.0.0.1:8080';

/** The first TypeScript code block after `marker` in `document` (README.md, or a page of docs/). */
export function readmeExample(marker: string, document = 'README.md'): string {
  const readme = readFileSync(join(REPOSITORY, document), 'utf8');
  const at = readme.indexOf(marker);
  const block = at < 0 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (block === null) throw new Error(`${document} has no \`\`\`ts block after "${marker}"`);
  return block[1];
}

/** RxJS 9 needs Node 22.13 or later. */
const RXJS_9_NODE = [22, 13];

/** A consumer project: its folder, and the Node to run its scripts with. */
export interface Consumer {
  readonly rxjs: string;
  readonly dir: string;
  readonly node: string;
}

let tarball: Promise<string> | undefined;

/** The packed package (dist/ must be built), packed once per process. */
export function packed(): Promise<string> {
  tarball ??= packedTarball(REPOSITORY).then((file) => (pruneTarballs(), file));
  return tarball;
}

/**
 * The project of `rxjs` (one of {@link RXJS_VERSIONS}), with the fixture files of
 * spec/package/fixture copied in (and, for RxJS 9, the README's example as readme.mts). Its scripts run on this Node, except RxJS 9's where this Node
 * is too old for it: those run on the newest Node of the matrix.
 */
export async function consumer(rxjs: string): Promise<Consumer> {
  const major = Number(rxjs.split('.')[0]);
  // Node 20 has no global WebSocket: the projects that run there get ws.
  const ws = major < 9 ? [`ws@${repositoryVersion('ws')}`, `@types/ws@${repositoryVersion('@types/ws')}`] : [];
  const dir = await installed(`consumer-rxjs-${rxjs}`, [
    await packed(),
    `rxjs@${rxjs}`,
    ...ws,
    `@types/node@${repositoryVersion('@types/node')}`,
  ]);
  const fixture = join(REPOSITORY, 'spec/package/fixture');
  for (const name of readdirSync(fixture)) place(join(dir, name), readFileSync(join(fixture, name), 'utf8'));
  if (major >= 9) place(join(dir, 'readme.mts'), readmeExample(RXJS_9_EXAMPLE));
  const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
  const tooOld = major >= 9 && (nodeMajor < RXJS_9_NODE[0] || (nodeMajor === RXJS_9_NODE[0] && nodeMinor < RXJS_9_NODE[1]));
  return { rxjs, dir, node: tooOld ? await nodeExecutable(MATRIX.node.at(-1)!) : process.execPath };
}

/** Writes `text` to `file` unless it holds that already: another process may be running it. */
function place(file: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(file, text);
}

/** Runs a script of a consumer project with `args`; resolves with its output, rejects with its error output. */
export function runScript(project: Consumer, file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(project.node, [file, ...args], { cwd: project.dir, timeout: 15_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} with rxjs ${project.rxjs} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** The versions of every copy of rxjs installed in a project, as `npm ls` lists them. */
export function rxjsCopies(project: Consumer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile('npm', ['ls', 'rxjs', '--all', '--parseable'], { cwd: project.dir }, (error, stdout) => {
      if (error) return reject(new Error(`npm ls rxjs failed in ${project.dir}: ${error.message}`));
      const folders = [...new Set(stdout.split('\n').filter((line) => line.endsWith('/rxjs') || line.endsWith('\\rxjs')))];
      resolve(
        folders.map((folder) => (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version).sort(),
      );
    }),
  );
}
