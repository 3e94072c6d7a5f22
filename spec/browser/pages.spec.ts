/**
 * The demo pages in Chromium (see spec/support/chromium.ts for which one), driven by playwright-core,
 * against the server `npm start` runs. With SCREENSHOTS_DIR set, each test saves screenshots there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';
import { deferred } from '../support/wait.js';

const WAIT = { timeout: 10_000 };

let server: DemoServer;
let browser: LaunchedChromium;
let page: Page;
let pageErrors: Error[];
let proxy: ChaosProxy | undefined;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  console.info(`browser specs: Chromium ${browser.version} (${browser.source}: ${browser.executablePath})`);
}, 150_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

/** Saves a full-page screenshot as SCREENSHOTS_DIR/name.png, when SCREENSHOTS_DIR is set. */
async function screenshot(name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

beforeEach(async () => {
  pageErrors = [];
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
});
afterEach(async () => {
  await page?.close();
  await proxy?.close();
  proxy = undefined;
  expect(pageErrors).toEqual([]);
});

/** The demo server's log from now on: `lines()` returns what it logged since. */
function serverLogFromHere(): { lines(): string[] } {
  const start = server.log.length;
  return { lines: () => server.log.slice(start) };
}

/** Resolves once `check(lines)` holds for the server's log lines, polling; fails after `ms`, showing them. */
async function serverSaw(log: { lines(): string[] }, check: (lines: string[]) => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check(log.lines())) {
    if (Date.now() > deadline) throw new Error(`the server did not see ${what} within ${ms} ms; it logged:\n${log.lines().join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const count = (lines: string[], pattern: RegExp): number => lines.filter((line) => pattern.test(line)).length;

/** Loads a demo page through a TCP proxy to the demo server, so a test can refuse or cut its connections. */
async function gotoThroughProxy(path: string): Promise<ChaosProxy> {
  proxy = await ChaosProxy.start(Number(new URL(server.url).port));
  await page.goto(`${proxy.url.replace('ws:', 'http:')}/${path}`);
  return proxy;
}

async function logItems(): Promise<string[]> {
  return page.locator('#log li').allTextContents();
}

describe('every page', () => {
  it.each(['callback', 'reactive'])(
    'the %s page names the file it runs, and Chromium finds that file through the source map of the minified bundle',
    async (name) => {
      // Chromium's debugger reports each script it parses, with the source map the script links to.
      const cdp = await browser.context.newCDPSession(page);
      const parsed = deferred<{ url: string; sourceMapURL?: string }>(WAIT.timeout, `the script ${name}.js`);
      cdp.on('Debugger.scriptParsed', (script) => {
        if (script.url.endsWith(`/${name}.js`)) parsed.resolve(script);
      });
      await cdp.send('Debugger.enable');
      try {
        await page.goto(`${server.url}${name}.html`);
        expect(await page.locator('#source').innerText()).toMatch(new RegExp(`^This page runs examples/browser/${name}\\.ts, `));
        const script = await parsed.promise;
        expect(script.sourceMapURL).toBe(`${name}.js.map`);
        const sources = await page.evaluate(
          async (url) => ((await (await fetch(url)).json()) as { sources: string[] }).sources,
          new URL(script.sourceMapURL!, script.url).href,
        );
        expect(sources).toContain(`examples/browser/${name}.ts`);
      } finally {
        await cdp.detach();
      }
    },
    30_000,
  );
});

describe('callback page', () => {
  async function buttons(): Promise<Record<string, boolean>> {
    return {
      open: await page.isDisabled('#openbtn'),
      send: await page.isDisabled('#sendbtn'),
      close: await page.isDisabled('#closebtn'),
    };
  }

  it('opens, sends, shows the echo and closes, with the buttons enabled as the example does', async () => {
    await page.goto(`${server.url}callback.html`);
    expect(await buttons()).toEqual({ open: false, send: true, close: true });

    await page.click('#openbtn');
    await page.waitForSelector('#sendbtn:not([disabled])', WAIT);
    expect(await buttons()).toEqual({ open: true, send: false, close: false });

    await page.fill('#data', 'Hello from chromium');
    await page.click('#sendbtn');
    await page.waitForSelector('#log li:has-text("Message received : Hello from chromium")', WAIT);
    await screenshot('callback');

    await page.click('#closebtn');
    await page.waitForSelector('#log li:has-text("Connection is closed")', WAIT);
    expect(await buttons()).toEqual({ open: false, send: true, close: true });
    expect(await logItems()).toEqual(['Connection is open', 'Message received : Hello from chromium', 'Connection is closed']);
    expect(server.log.some((line) => line.includes('says Hello from chromium'))).toBe(true);
  }, 30_000);

  it('clears the input after Send, ready for the next message', async () => {
    await page.goto(`${server.url}callback.html`);
    await page.click('#openbtn');
    await page.waitForSelector('#sendbtn:not([disabled])', WAIT);
    await page.fill('#data', 'first');
    await page.click('#sendbtn');
    await page.waitForSelector('#log li:has-text("Message received : first")', WAIT);
    expect(await page.inputValue('#data')).toBe('');
    await page.fill('#data', 'second');
    await page.press('#data', 'Enter');
    await page.waitForSelector('#log li:has-text("Message received : second")', WAIT);
    expect(await page.inputValue('#data')).toBe('');
  }, 30_000);

  it('opens one connection for a double click on Open connection, so Close leaves none open', async () => {
    const log = serverLogFromHere();
    await page.goto(`${server.url}callback.html`);
    await page.dblclick('#openbtn');
    await page.waitForSelector('#log li:has-text("Connection is open")', WAIT);
    await page.click('#closebtn');
    await page.waitForSelector('#log li:has-text("Connection is closed")', WAIT);
    await serverSaw(log, (lines) => count(lines, / closed \(/) >= 1, 'a close');
    await screenshot('callback-double-click');

    // Every connection the page opened is closed: as many "closed" lines as "connected" ones.
    await serverSaw(log, (lines) => count(lines, / connected from /) === count(lines, / closed \(/), 'every connection closed');
    expect(count(log.lines(), / connected from /)).toBe(1);
    expect(await logItems()).toEqual(['Connection is open', 'Connection is closed']);
  }, 30_000);

  it('says in plain words when the server cannot be reached, and keeps the technical message for the console', async () => {
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    const proxy = await gotoThroughProxy('callback.html');
    await proxy.refuse();

    await page.click('#openbtn');
    await page.waitForSelector('#openbtn:not([disabled])', WAIT);
    await page.waitForSelector('#log li', WAIT);
    await screenshot('callback-refused');
    expect(await logItems()).toEqual(['Could not connect to the server.']);
    expect(consoleLines.some((line) => line.includes('reactive-websocket: the connection to'))).toBe(true);
  }, 30_000);

  it('says in plain words when an open connection is lost', async () => {
    const proxy = await gotoThroughProxy('callback.html');
    await page.click('#openbtn');
    await page.waitForSelector('#log li:has-text("Connection is open")', WAIT);
    proxy.cut();

    await page.waitForSelector('#openbtn:not([disabled])', WAIT);
    await page.locator('#log li').nth(1).waitFor(WAIT);
    await screenshot('callback-lost');
    expect(await logItems()).toEqual(['Connection is open', 'Connection lost.']);
    expect(await buttons()).toEqual({ open: false, send: true, close: true });
  }, 30_000);
});

describe('reactive page', () => {
  it('drops the connection, reconnects, and delivers the message sent meanwhile', async () => {
    await page.goto(`${server.url}reactive.html`);
    await page.waitForSelector('#state.open', WAIT);
    await page.fill('#text', 'before the drop');
    await page.click('#send');
    await page.waitForSelector('#log li:has-text("before the drop")', WAIT);

    await page.click('#drop');
    await page.waitForSelector('#state.reconnecting', WAIT);
    await page.fill('#text', 'sent while down');
    await page.click('#send');
    expect(await page.textContent('#queued')).toBe('1');
    await page.waitForSelector('#state.open', WAIT);
    await page.waitForSelector('#log li:has-text("sent while down")', WAIT);
    await screenshot('reactive');

    expect(await page.getAttribute('#state', 'data-history')).toMatch(/^connecting open reconnecting open/);
    expect(await page.textContent('#reconnects')).toBe('1');
    expect(await logItems()).toEqual(['before the drop', 'sent while down']);
    expect(await page.textContent('#queued')).toBe('0');
  }, 30_000);

  it('enables Drop connection only while open, and a click while reconnecting does not cut the next connection', async () => {
    await page.goto(`${server.url}reactive.html`);
    await page.waitForSelector('#state.open', WAIT);
    expect(await page.isDisabled('#drop')).toBe(false);
    await page.click('#drop');
    await page.waitForSelector('#state.reconnecting', WAIT);
    await screenshot('reactive-reconnecting');
    // A click that races the button being disabled, as a script or a fast user could make.
    await page.dispatchEvent('#drop', 'click');
    expect(await page.isDisabled('#drop')).toBe(true);

    await page.waitForSelector('#state.open', WAIT);
    await page.fill('#text', 'after the reconnect');
    await page.click('#send');
    await page.waitForSelector('#log li:has-text("after the reconnect")', WAIT);
    expect(await page.getAttribute('#state', 'data-history')).toBe('connecting open reconnecting open');
    expect(await page.isDisabled('#drop')).toBe(false);
  }, 30_000);

  it('shows in Queued what waits for the connection: what the server receives first when it is back', async () => {
    const log = serverLogFromHere();
    await page.goto(`${server.url}reactive.html`);
    await page.waitForSelector('#state.open', WAIT);
    await page.click('#drop');
    await page.waitForSelector('#state.reconnecting', WAIT);
    await page.dispatchEvent('#drop', 'click');
    const shown = Number(await page.textContent('#queued'));

    await serverSaw(log, (lines) => count(lines, / connected from /) === 2, 'the reconnect');
    const [, id] = /client (\d+) connected/.exec(log.lines().filter((line) => / connected from /.test(line))[1])!;
    const received = () => log.lines().filter((line) => line.includes(`client ${id} says `) || line.includes(`client ${id} asked`));
    await page.waitForSelector('#state.open', WAIT);
    await page.fill('#text', 'marker');
    await page.click('#send');
    await serverSaw(log, () => received().some((line) => / says marker$| asked to be dropped$/.test(line)), 'the marker or a drop');
    // What the new connection carried before the message sent after it opened: the queue as it was.
    const lines = received();
    const marker = lines.findIndex((line) => line.endsWith(' says marker'));
    const queuedAtReconnect = marker === -1 ? lines : lines.slice(0, marker);
    expect(queuedAtReconnect).toHaveLength(shown);
    expect(await page.textContent('#queued')).toBe('0');
  }, 30_000);

  it('counts successful reconnects, not attempts that failed', async () => {
    const proxy = await gotoThroughProxy('reactive.html');
    await page.waitForSelector('#state.open', WAIT);
    await proxy.refuse();
    await page.waitForSelector('#state.reconnecting', WAIT);
    // Two attempts fail before the server is reachable again.
    await page.waitForSelector('#state[title^="attempt 3,"]', WAIT);
    await proxy.accept();
    await page.waitForSelector('#state.open', WAIT);
    await screenshot('reactive-reconnects');
    expect(await page.textContent('#reconnects')).toBe('1');
  }, 30_000);
});
