/** Which browser the browser specs launch (spec/support/chromium.ts), without launching one. */
import { chooseChromium, type FileProbe } from '../support/chromium.js';

/** A file system holding exactly `executables`, where `links` maps a path to its real path. */
function files(executables: string[], links: Record<string, string> = {}): FileProbe {
  return { isExecutable: (path) => executables.includes(path), realpath: (path) => links[path] ?? path };
}

const PATH = '/usr/local/bin:/usr/bin';

describe('chooseChromium', () => {
  it('uses the executable CHROMIUM_PATH names, before any on PATH', () => {
    expect(chooseChromium({ CHROMIUM_PATH: '/opt/chrome/chrome', PATH }, files(['/opt/chrome/chrome', '/usr/bin/chromium']))).toEqual({
      source: 'CHROMIUM_PATH',
      executablePath: '/opt/chrome/chrome',
    });
  });

  it('refuses a CHROMIUM_PATH that is not an executable, naming it, rather than quietly using another browser', () => {
    expect(() => chooseChromium({ CHROMIUM_PATH: '/opt/missing', PATH }, files(['/usr/bin/chromium']))).toThrow(
      'CHROMIUM_PATH=/opt/missing is not an executable file',
    );
  });

  it('uses the packaged browser for CHROMIUM_PATH=packaged even when the system has one', () => {
    expect(chooseChromium({ CHROMIUM_PATH: 'packaged', PATH }, files(['/usr/bin/chromium']))).toEqual({ source: 'packaged' });
  });

  it('finds a system browser on PATH, chromium first, then chromium-browser and google-chrome', () => {
    expect(chooseChromium({ PATH }, files(['/usr/bin/google-chrome', '/usr/bin/chromium']))).toEqual({
      source: 'system',
      executablePath: '/usr/bin/chromium',
    });
    expect(chooseChromium({ PATH }, files(['/usr/bin/google-chrome', '/usr/local/bin/chromium-browser']))).toEqual({
      source: 'system',
      executablePath: '/usr/local/bin/chromium-browser',
    });
  });

  it('skips a snap browser, which cannot read a profile in /tmp', () => {
    expect(chooseChromium({ PATH }, files(['/usr/bin/chromium'], { '/usr/bin/chromium': '/snap/bin/chromium' }))).toEqual({
      source: 'packaged',
    });
  });

  it('falls back to the packaged browser when nothing is set or found', () => {
    expect(chooseChromium({ PATH }, files([]))).toEqual({ source: 'packaged' });
    expect(chooseChromium({ CHROMIUM_PATH: '' }, files([]))).toEqual({ source: 'packaged' });
  });
});
