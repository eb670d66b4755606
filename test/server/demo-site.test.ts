/**
 * The demo site as `npm start` users see it, but built: every page is built
 * with Vite into a temporary folder and served by `vite preview` with the
 * demo's own servers (demo/vite.config.ts), then opened in Chromium at a
 * laptop's and a phone's width. Each page must show live data that changes,
 * log no console error, fit a 390 px screen, and have no serious or critical
 * accessibility violation (axe-core). Screenshots go to test/screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Browser, Page } from 'puppeteer-core';
import { build, preview, type PreviewServer } from 'vite';
import { launchBrowser, recordPageErrors } from '../../bench/support/browser.js';
import { pollUntil } from '../../bench/support/stats.js';
import { PAGES } from '../../demo/pages.js';

const configFile = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
const screenshots = fileURLToPath(new URL('../screenshots/', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'ws-bind-demo-'));

/** What a page needs done before its values change: pages that only react to the user. */
const ACTIONS: Record<string, (page: Page) => Promise<void>> = {
  'chat.html': async (page) => {
    await page.type('#lobby-title ~ ws-send input[name="text"]', 'hello from the demo test');
    await page.click('#lobby-title ~ ws-send button');
    await page.locator('#lobby-title ~ ws-bind button.wave').click();
  },
  'faces.html': async (page) => {
    await page.waitForSelector('.face[data-mine]', { timeout: 10000 });
    await page.click('ws-send[data*="-90"] button');
  },
  'serverless.html': (page) => page.click('ws-send[data*="-90"] button'),
  'compute.html': (page) => page.click('.views button'),
  'private.html': async (page) => {
    await page.type('#join input[name="name"]', 'Tester');
    await page.click('#join button');
    await page.locator('#room input[name="text"]').fill('hello privately');
    await page.click('#room ws-send button');
  },
};

/** What the page shows its reader: the text of main, including visually hidden text. */
const shownText = (page: Page) => page.$eval('main', (main) => (main as unknown as { innerText: string }).innerText);

async function until(check: () => Promise<boolean>, message: string | (() => Promise<string>), timeout = 10000): Promise<void> {
  if (!(await pollUntil(check, timeout, 100))) assert.fail(typeof message === 'string' ? message : await message());
}

let server: PreviewServer;
let browser: Browser;
let origin: string;

before(async () => {
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ configFile, logLevel: 'warn', build: { outDir }, preview: { port: 0, strictPort: true } });
  origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
});

// Three pages at a time: most of a page's time is spent waiting for data, not computing.
describe('demo pages', { concurrency: 3 }, () => {
for (const { file } of PAGES) {
  it(`${file}: live, changing, no console errors, fits a phone, no serious accessibility violation`, async () => {
    // A context of its own opens a window of its own: a page in a background tab would be hidden, and hidden pages
    // hold their rendering until they are shown (SPEC 3.2).
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const errors = recordPageErrors(page);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${origin}/${file}`, { waitUntil: 'load' });

    const act = ACTIONS[file];
    const live = async () => (await page.$('ws-bind[state="live"]')) !== null;
    // A page that changes only when used is acted on at once (its module scripts ran before load); sends wait for the socket.
    if (!act) await until(live, 'no value went live');
    const before = await shownText(page);
    await act?.(page);
    await until(async () => (await shownText(page)) !== before, 'nothing on the page changed');
    await until(live, 'no value went live');
    const name = file.replace('.html', '');
    await page.screenshot({ path: join(screenshots, `${name}-1280.png`), fullPage: true });

    await page.setViewport({ width: 390, height: 844 });
    const width = () => page.$eval('html', (html) => html.scrollWidth);
    await until(async () => (await width()) <= 390, async () => `wider than a 390 px phone: ${await width()} px`, 2000);
    await page.screenshot({ path: join(screenshots, `${name}-390.png`), fullPage: true });

    // Through CDP, so strict-csp.html's policy (script-src 'self') does not stop it.
    await page.evaluate(axe.source);
    const violations = await page.evaluate(async () => {
      const { violations } = await (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] });
      return violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], 'serious or critical accessibility violations');
    assert.deepEqual(errors, [], 'console errors');
    await context.close();
  });
}
});
