// Builds dist/: CommonJS in dist/cjs, ES modules in dist/esm, each with its own .d.ts,
// and a package.json in each folder so Node and TypeScript read the format right.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const builds = [
  { dir: 'dist/cjs', type: 'commonjs', flags: ['--module', 'nodenext', '--moduleResolution', 'nodenext'] },
  { dir: 'dist/esm', type: 'module', flags: ['--module', 'esnext', '--moduleResolution', 'bundler'] },
];

rmSync('dist', { recursive: true, force: true });
for (const { dir, type, flags } of builds) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, ...flags], { stdio: 'inherit' });
  mkdirSync(dir, { recursive: true });
  // sideEffects: false here too: bundlers read the nearest package.json, and importing a module of ours has no effect of its own.
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type, sideEffects: false }, null, 2)}\n`);
}
