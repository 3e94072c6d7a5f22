/**
 * The demo pages in Chromium (see spec/support/chromium.ts for which one), driven by playwright-core,
 * against the server `npm start` runs. With SCREENSHOTS_DIR set, each test saves screenshots there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

const WAIT = { timeout: 10_000 };

let server: DemoServer;
let browser: LaunchedChromium;
let page: Page;
let pageErrors: Error[];

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
  expect(pageErrors).toEqual([]);
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
  await screenshot('callback');

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
  await screenshot('reactive');

  expect(await page.getAttribute('#state', 'data-history')).toMatch(/^connecting open reconnecting open/);
  expect(Number(await page.textContent('#reconnects'))).toBeGreaterThanOrEqual(1);
  expect(await page.locator('#log li').allTextContents()).toEqual(['before the drop', 'sent while down']);
  expect(await page.textContent('#queued')).toBe('0');
}, 30_000);
