/**
 * The demo pages in Debian's chromium, driven by playwright-core, against the server `npm start`
 * runs. Screenshots go to .artifacts/screenshots/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '../../.artifacts/screenshots');
const WAIT = { timeout: 10_000 };

let server: DemoServer;
let context: BrowserContext;
let profile: string;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does.`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startDemoServer();
  profile = mkdtempSync(join(tmpdir(), 'reactive-websocket-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
});
afterEach(async () => {
  await page.close();
});

async function buttons(): Promise<Record<string, boolean>> {
  return {
    open: await page.isDisabled('#openbtn'),
    send: await page.isDisabled('#sendbtn'),
    close: await page.isDisabled('#closebtn'),
  };
}

it('callback page: open, send, see the echo, close, with the buttons enabled as the example does', async () => {
  await page.goto(`${server.url}callback.html`);
  expect(await buttons()).toEqual({ open: false, send: true, close: true });

  await page.click('#openbtn');
  await page.waitForSelector('#sendbtn:not([disabled])', WAIT);
  expect(await buttons()).toEqual({ open: true, send: false, close: false });

  await page.fill('#data', 'Hello from chromium');
  await page.click('#sendbtn');
  await page.waitForSelector('#log li:has-text("Message received : Hello from chromium")', WAIT);
  await page.screenshot({ path: join(SCREENSHOTS, 'callback.png'), fullPage: true });

  await page.click('#closebtn');
  await page.waitForSelector('#log li:has-text("Connection is closed")', WAIT);
  expect(await buttons()).toEqual({ open: false, send: true, close: true });
  expect(await page.locator('#log li').allTextContents()).toEqual([
    'Connection is open',
    'Message received : Hello from chromium',
    'Connection is closed',
  ]);
  expect(server.log.some((line) => line.includes('says Hello from chromium'))).toBe(true);
}, 30_000);

it('reactive page: drop the connection, watch it reconnect, and the message sent meanwhile arrive', async () => {
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
  await page.screenshot({ path: join(SCREENSHOTS, 'reactive.png'), fullPage: true });

  expect(await page.getAttribute('#state', 'data-history')).toMatch(/^connecting open reconnecting open/);
  expect(Number(await page.textContent('#reconnects'))).toBeGreaterThanOrEqual(1);
  expect(await page.locator('#log li').allTextContents()).toEqual(['before the drop', 'sent while down']);
  expect(await page.textContent('#queued')).toBe('0');
}, 30_000);
