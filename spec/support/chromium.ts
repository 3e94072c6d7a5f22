/**
 * Chromium for the browser specs, launched through playwright-core. The executable is, in order:
 *
 * 1. `CHROMIUM_PATH`, if set: any Chrome or Chromium executable, or the word `packaged` for the
 *    one shipped in the npm package `@sparticuz/chromium`;
 * 2. else the first of {@link SYSTEM_CHROMIUM_NAMES} on `PATH` (snap wrappers skipped: a snap
 *    browser cannot read a profile in /tmp);
 * 3. else the one in `@sparticuz/chromium`, unpacked once into
 *    `$TMPDIR/reactive-websocket-chromium-<version>/` (about 210 MB) with the NSS libraries and
 *    fonts packed beside it, so it needs nothing from apt. Nothing is downloaded.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';

/** The environment variable naming the browser, or `packaged` to force the npm one. */
export const CHROMIUM_PATH = 'CHROMIUM_PATH';

/** Executable names looked up on `PATH` when `CHROMIUM_PATH` is unset, in this order. */
export const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'] as const;

/** Flags for a quiet, headless browser as root in a container: no sandbox, GPU, sync or update checks. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser comes from: named by `CHROMIUM_PATH`, found on `PATH`, or the npm package's. */
export type ChromiumChoice = { source: 'CHROMIUM_PATH' | 'system'; executablePath: string } | { source: 'packaged' };

/** What {@link chooseChromium} may ask of the file system; the real one by default. */
export interface FileProbe {
  isExecutable(path: string): boolean;
  realpath(path: string): string;
}

const realFiles: FileProbe = {
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  realpath: (path) => realpathSync(path),
};

/**
 * Picks the browser as the module comment says, without starting or unpacking anything.
 * @throws Error when `CHROMIUM_PATH` names something that is not an executable file.
 */
export function chooseChromium(env: NodeJS.ProcessEnv = process.env, files: FileProbe = realFiles): ChromiumChoice {
  const named = env[CHROMIUM_PATH];
  if (named === 'packaged') return { source: 'packaged' };
  if (named) {
    if (!files.isExecutable(named)) {
      throw new Error(
        `${CHROMIUM_PATH}=${named} is not an executable file. Name a Chrome or Chromium executable, ` +
          `set ${CHROMIUM_PATH}=packaged for the one in @sparticuz/chromium, or unset it.`,
      );
    }
    return { source: 'CHROMIUM_PATH', executablePath: named };
  }
  for (const name of SYSTEM_CHROMIUM_NAMES) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      if (files.isExecutable(candidate) && !files.realpath(candidate).startsWith('/snap/')) {
        return { source: 'system', executablePath: candidate };
      }
    }
  }
  return { source: 'packaged' };
}

/** The browser's executable, and the environment it needs beyond the parent's. */
interface Executable {
  executablePath: string;
  env: Record<string, string>;
}

// Runs in a child process: the package is ESM only, which jest's CommonJS runtime cannot import.
// executablePath() unpacks into os.tmpdir(), so the parent points TMPDIR at a fresh directory.
const UNPACK = `
const { pathToFileURL } = await import('node:url');
const { dirname, join } = await import('node:path');
const entry = process.argv[1];
const { default: Chromium, inflate } = await import(pathToFileURL(entry).href);
const executablePath = await Chromium.executablePath();
await inflate(join(dirname(entry), '..', 'bin', 'al2023.tar.br'));
process.stdout.write(executablePath);
`;

/**
 * The browser in `@sparticuz/chromium`, unpacked on first use. It is unpacked into a fresh directory
 * renamed into place when complete, so parallel jest workers, or a run killed halfway, never leave a
 * partial binary where the next run would trust it. (The package's own cache, /tmp/chromium, would.)
 */
async function packagedChromium(): Promise<Executable> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships a browser for Linux x64 only, not ${process.platform} ${process.arch}: ` +
        `set ${CHROMIUM_PATH} to a Chrome or Chromium executable.`,
    );
  }
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const root = join(tmpdir(), `reactive-websocket-chromium-${version}`);
  if (!existsSync(join(root, 'chromium'))) {
    const staging = mkdtempSync(join(tmpdir(), 'reactive-websocket-chromium-unpacking-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', UNPACK, entry], {
        env: { ...process.env, TMPDIR: staging },
        timeout: 120_000,
      });
      if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, not ${staging}`);
      // Its fonts.conf names /tmp/fonts; this one names where the fonts are, and keeps the system's.
      writeFileSync(
        join(staging, 'fonts.conf'),
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
          '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' +
          `  <dir>${join(root, 'fonts')}</dir>\n  <cachedir>${join(root, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      renameSync(staging, root);
    } catch (error) {
      // Another worker may have renamed its copy into place first; then use that one.
      if (!existsSync(join(root, 'chromium'))) throw error;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    executablePath: join(root, 'chromium'),
    env: {
      // NSS, NSPR and expat as packed for Amazon Linux: a fresh machine may lack them.
      LD_LIBRARY_PATH: [join(root, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter),
      FONTCONFIG_FILE: join(root, 'fonts.conf'),
    },
  };
}

/** A running headless Chromium with its own fresh profile. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  readonly source: ChromiumChoice['source'];
  readonly executablePath: string;
  /** As the browser reports it, e.g. `153.0.8010.0`. */
  readonly version: string;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * Launches the browser {@link chooseChromium} picks, headless, with a fresh profile in a temporary
 * directory. Close it with `close()`, which also removes the profile.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const choice = chooseChromium();
  const { executablePath, env } = choice.source === 'packaged' ? await packagedChromium() : { ...choice, env: {} };
  const profile = mkdtempSync(join(tmpdir(), 'reactive-websocket-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `could not launch ${executablePath} (${choice.source}): ${error instanceof Error ? error.message : String(error)}\n` +
        `Set ${CHROMIUM_PATH} to another Chrome or Chromium, or ${CHROMIUM_PATH}=packaged for the one in @sparticuz/chromium.`,
      { cause: error },
    );
  }
  return {
    context,
    source: choice.source,
    executablePath,
    version: context.browser()?.version() ?? 'unknown',
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
