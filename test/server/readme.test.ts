/**
 * Every code block of README.md is checked: each ```html block is served as a
 * page with the built one-file bundle, its URLs answered by real servers on one
 * origin (the reference server at /feeds, the raw /gateway backend, and a
 * pigeonhole chat server at /ws for the Go chat example; `wss://NAME.example`
 * is mapped to that origin), and opened in Chromium. The page must log no
 * error, no `ws-error` may fire, and every element must come alive: each
 * `<ws-bind>` and `<ws-sparkline>` live, each `<ws-source>` and `<ws-status>`
 * open, each `<ws-worker>` idle. A block whose first line is
 * `<!-- not run: REASON -->` is skipped with that reason. JSON blocks must
 * parse, JS and TS blocks must parse as modules, CSS blocks must parse into as
 * many rules as they hold, and the npm scripts `sh` blocks name must exist.
 *
 * What a user does is done for them: every `<ws-send>` form gets its required
 * fields filled and is submitted, and every other `<ws-send>` without `on` has
 * its first button clicked, so lists fed by those sends get a value.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Browser, Page } from 'puppeteer-core';
import { minify } from 'terser';
import { launchBrowser, recordPageErrors } from '../../bench/support/browser.js';
import { createGateway, type Gateway } from '../../server/feeds/gateway.js';
import { createServer, type ReferenceServer } from '../../server/server.js';
import { attachPigeonholes, type PigeonholeServer } from '../support/pigeonhole-server.js';

/** The DOM as the page-side functions below use it (this file is type-checked without the DOM library). */
interface PageNode {
  readonly localName: string;
  readonly outerHTML: string;
  value: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
  click(): void;
  requestSubmit(): void;
}
interface PageGlobals {
  document: PageNode;
  customElements: { whenDefined(name: string): Promise<unknown> };
  CSSStyleSheet: new () => { replaceSync(css: string): void; readonly cssRules: { readonly length: number } };
  addEventListener(type: string, listener: (event: { target: PageNode; detail: unknown }) => void, capture: boolean): void;
  reportWsError(text: string): void;
}

interface Block { lang: string; line: number; text: string; notRun?: string }

/** The fenced blocks of the README, with the line each opens on. */
function readBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: { lang: string; line: number; lines: string[] } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^```(\S*)\s*$/.exec(text);
    if (!open && fence) open = { lang: fence[1], line: index + 1, lines: [] };
    else if (open && fence && fence[1] === '') {
      const body = open.lines.join('\n');
      const notRun = /^<!-- not run: (.+?) -->/.exec(body)?.[1];
      blocks.push({ lang: open.lang, line: open.line, text: body, ...(notRun ? { notRun } : {}) });
      open = undefined;
    } else open?.lines.push(text);
  });
  return blocks;
}

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = readBlocks(readme);
const htmlBlocks = blocks.filter((block) => block.lang === 'html');
/** A `js` block whose first line is `// main.js` is the app module of the npm way in; the page's import map resolves `ws-bind` for it, as a bundler would. */
const mainModule = blocks.find((block) => block.lang === 'js' && block.text.startsWith('// main.js'));

/** The files the snippets load, by URL path prefix. */
const STATIC = [
  { prefix: '/vendor/', dir: new URL('../../dist/', import.meta.url) },
  { prefix: '/workers/', dir: new URL('../../demo/public/workers/', import.meta.url) },
];
/** The WebSocket endpoints of the snippet host. */
const UPGRADE_PATHS = ['/feeds', '/gateway', '/ws'];
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8' };

/** How long one snippet may take to come alive; the machine is shared, so this is generous. */
const ALIVE_MS = 8000;

let host: ReturnType<typeof createHttpServer>;
let origin: string;
let feeds: ReferenceServer;
let gateway: Gateway;
let pigeonholes: PigeonholeServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(new URL('ws-bind.js', STATIC[0].dir)), 'the snippets load the built bundles: run npm run build first');
  host = createHttpServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(host.address() as AddressInfo).port}`;
  // Fast timers, so a snippet on the clock, ticker or metrics comes alive in a fraction of a second.
  feeds = await createServer({ server: host, clockInterval: 200, tickerInterval: 200, metricsInterval: 200 });
  gateway = await createGateway({ server: host });
  pigeonholes = attachPigeonholes(host, '/ws');
  // The servers above ignore the upgrades of other paths; refuse those, so a wrong URL fails at once.
  host.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    if (!UPGRADE_PATHS.includes(new URL(request.url ?? '/', 'http://x').pathname)) socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([feeds?.close(), gateway?.close(), pigeonholes?.close()]);
  host?.closeAllConnections();
  await new Promise((resolve) => host?.close(resolve));
});

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  const snippet = /^\/snippet\/(\d+)$/.exec(path);
  if (snippet) return send(response, '.html', snippetPage(htmlBlocks[Number(snippet[1])].text));
  if (path === '/main.js' && mainModule) return send(response, '.js', mainModule.text);
  const place = STATIC.find(({ prefix }) => path.startsWith(prefix) && !path.includes('..'));
  const body = place && (await readFile(new URL(path.slice(place.prefix.length), place.dir)).catch(() => undefined));
  if (body) return send(response, extname(path), body);
  response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
}

function send(response: ServerResponse, extension: string, body: string | Buffer): void {
  response.writeHead(200, { 'content-type': TYPES[extension] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  response.end(body);
}

/**
 * The page for one html block: as written when it loads ws-bind itself (a whole page, or a script tag), else after
 * the one-file bundle. Example hosts are mapped to this origin; the import map stands in for a bundler's resolution
 * of `import 'ws-bind'`.
 */
function snippetPage(snippet: string): string {
  const html = snippet.replace(/wss:\/\/[\w-]+\.example/g, `ws://${origin}`);
  const head = '<meta charset="utf-8"><script type="importmap">{"imports":{"ws-bind":"/vendor/ws-bind.js"}}</script>';
  if (/<head>/i.test(html)) return html.replace(/<head>/i, `<head>${head}`);
  const loader = /<script\b/i.test(html) ? '' : '<script type="module" src="/vendor/ws-bind.js"></script>';
  return `<!doctype html>${head}${loader}\n${html}`;
}

/** Opens a page and records every error it shows: console errors, uncaught exceptions, failed loads, `ws-error`s. */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = recordPageErrors(page);
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await page.exposeFunction('reportWsError', (text: string) => errors.push(`ws-error: ${text}`));
  await page.evaluateOnNewDocument(() => {
    const page = globalThis as unknown as PageGlobals;
    page.addEventListener('ws-error', (event) => page.reportWsError(`${event.target.localName}: ${JSON.stringify(event.detail)}`), true);
  });
  await page.goto(`http://${origin}${path}`, { waitUntil: 'load' });
  return { page, errors };
}

/** Does what the page's user would: fills and submits each `<ws-send>` form, clicks each other `<ws-send>`'s first button. */
function actAsUser(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const { document, customElements } = globalThis as unknown as PageGlobals;
    await customElements.whenDefined('ws-send');
    for (const sender of document.querySelectorAll('ws-send')) {
      const form = sender.querySelector('form');
      if (form) {
        for (const field of form.querySelectorAll('input[required]')) field.value ||= 'hello from the README';
        form.requestSubmit();
      } else if (!sender.hasAttribute('on')) sender.querySelector('button')?.click();
    }
  });
}

/** The state each element must reach to count as alive. */
const ALIVE: Record<string, string> = { 'ws-bind': 'live', 'ws-sparkline': 'live', 'ws-source': 'open', 'ws-status': 'open', 'ws-worker': 'idle' };

/** Waits until every element of the page is alive; on timeout, fails naming those that are not. */
async function untilAlive(page: Page): Promise<void> {
  const deadline = Date.now() + ALIVE_MS;
  for (;;) {
    const notAlive = await page.evaluate((alive) =>
      [...(globalThis as unknown as PageGlobals).document.querySelectorAll(Object.keys(alive).join())]
        .filter((element) => element.getAttribute('state') !== alive[element.localName])
        .map((element) => `${element.outerHTML.slice(0, 160)} is ${element.getAttribute('state') ?? 'not upgraded'}`), ALIVE);
    if (notAlive.length === 0) return;
    if (Date.now() > deadline) assert.fail(`not alive after ${ALIVE_MS} ms:\n${notAlive.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const [index, block] of htmlBlocks.entries()) {
  test(`README line ${block.line}: the html block runs`, { skip: block.notRun ?? false, timeout: 30000 }, async () => {
    const { page, errors } = await openPage(`/snippet/${index}`);
    try {
      const count = await page.evaluate(() => [...(globalThis as unknown as PageGlobals).document.querySelectorAll('ws-source, ws-bind, ws-send, ws-status, ws-worker, ws-sparkline')].length);
      assert.ok(count > 0, 'the block holds no ws-bind element: mark it <!-- not run: … --> or add one');
      await actAsUser(page);
      await untilAlive(page);
      // Errors that follow the sends (a refused publish) arrive a moment later.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
}

test('README: JSON blocks parse, JS and TS blocks parse as modules', async () => {
  for (const block of blocks.filter(({ lang }) => lang === 'json')) {
    assert.doesNotThrow(() => JSON.parse(block.text), `line ${block.line}`);
  }
  // The TS blocks carry no type annotations, so a JavaScript parser reads them; terser parses without running anything.
  for (const block of blocks.filter(({ lang }) => lang === 'js' || lang === 'ts')) {
    await assert.doesNotReject(minify(block.text, { module: true, compress: false, mangle: false }), `line ${block.line}`);
  }
});

test('README: CSS blocks parse, and the npm scripts that sh blocks run exist', async () => {
  const page = await browser.newPage();
  try {
    for (const block of blocks.filter(({ lang }) => lang === 'css')) {
      const rules = await page.evaluate((css) => {
        const sheet = new (globalThis as unknown as PageGlobals).CSSStyleSheet();
        sheet.replaceSync(css);
        return sheet.cssRules.length;
      }, block.text);
      assert.equal(rules, block.text.split('}').length - 1, `line ${block.line}: a rule did not parse`);
    }
  } finally {
    await page.close();
  }
  const scripts = Object.keys((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: object }).scripts);
  for (const block of blocks.filter(({ lang }) => lang === 'sh')) {
    for (const match of block.text.matchAll(/\bnpm (?:run (\S+)|(start|test)\b)/g)) {
      const name = match[1] ?? match[2];
      assert.ok(scripts.includes(name), `line ${block.line}: npm script "${name}" does not exist`);
    }
  }
});
