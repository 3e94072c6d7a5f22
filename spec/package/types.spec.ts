/**
 * Type-checks consumers of the packed package under TypeScript 6 (the repository's) and 7 (from
 * the matrix cache), with --strict, moduleResolution nodenext and no skipLibCheck, so that the
 * published .d.ts files are checked too: the strict fixture in apps on RxJS 7 and 8, and the
 * examples of README.md and docs/runtimes.md.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MATRIX, typescript7 } from '../support/matrix-cache.cjs';
import { REPOSITORY, RXJS_VERSIONS, consumer, readmeExample, repositoryVersion } from '../support/consumers.js';

const [RXJS_7, RXJS_8, RXJS_9] = RXJS_VERSIONS;
const TYPESCRIPT_6 = repositoryVersion('typescript');
const TYPESCRIPT_7 = MATRIX.typescript;
const MAX_PAYLOAD_EXAMPLE = '<!-- The maxPayload example: spec/package type-checks it. -->';

/** What is checked: the files of one consumer project, by each compiler. */
const CASES: ReadonlyArray<readonly [typescript: string, rxjs: string, files: readonly string[]]> = [TYPESCRIPT_6, TYPESCRIPT_7].flatMap(
  (typescript) =>
    [
      [typescript, RXJS_7, ['strict.ts', 'max-payload.ts']],
      [typescript, RXJS_8, ['strict.ts']],
      [typescript, RXJS_9, ['readme.mts']],
    ] as const,
);
const key = (typescript: string, rxjs: string): string => `${typescript} ${rxjs}`;

/** What tsc prints for `files` of the project of `rxjs` with the fixture's compiler options: nothing when they type-check. */
async function typeCheck(typescript: string, rxjs: string, files: readonly string[]): Promise<string> {
  const project = await consumer(rxjs);
  if (files.includes('max-payload.ts'))
    writeFileSync(join(project.dir, 'max-payload.ts'), readmeExample(MAX_PAYLOAD_EXAMPLE, 'docs/runtimes.md'));
  const config = `tsconfig.${files.join('.')}.json`;
  writeFileSync(join(project.dir, config), JSON.stringify({ extends: './tsconfig.json', files }));
  const tsc = typescript === TYPESCRIPT_6 ? require.resolve('typescript/bin/tsc') : await typescript7();
  return new Promise((resolve) =>
    execFile(process.execPath, [tsc, '-p', config], { cwd: project.dir, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve(`${stdout}${stderr}${error && !stdout && !stderr ? error.message : ''}`),
    ),
  );
}

// Each check takes seconds of one core: two at a time, started together, each test waits for its own.
const results = new Map<string, Promise<string>>();
beforeAll(() => {
  const lanes = [Promise.resolve(), Promise.resolve()];
  CASES.forEach(([typescript, rxjs, files], i) => {
    const result = lanes[i % lanes.length].then(() => typeCheck(typescript, rxjs, files));
    lanes[i % lanes.length] = result.then(() => undefined);
    results.set(key(typescript, rxjs), result);
  });
});

it.each(CASES)(
  'TypeScript %s type-checks, in an app on rxjs %s, %j',
  async (typescript, rxjs) => {
    expect(await results.get(key(typescript, rxjs))).toBe('');
  },
  180_000,
);

it("names in the README's compatibility table the versions of Node, RxJS and TypeScript that npm test runs", () => {
  const readme = readFileSync(join(REPOSITORY, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Install and compatibility'), readme.indexOf('### Runtimes'));
  for (const version of [...MATRIX.node, ...RXJS_VERSIONS, TYPESCRIPT_6, TYPESCRIPT_7]) expect(table).toContain(version);
});
