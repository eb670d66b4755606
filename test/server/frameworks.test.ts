/**
 * ws-bind in the frameworks, as their users meet it: the React 19 app in
 * test/frameworks/react-app type-checks against `ws-bind/react` (resolved
 * through package.json's exports, as an installed package is), builds with
 * Vite and runs in Chromium against the reference server; the Vue, Svelte and
 * Solid typings are type-checked by test/frameworks/typings. Reads the build
 * in dist/; run `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import { build, preview, type InlineConfig } from 'vite';
import { launchBrowser, recordPageErrors } from '../../bench/support/browser.js';
import { createServer } from '../../server/server.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const app = join(root, 'test', 'frameworks', 'react-app');
const typings = join(root, 'test', 'frameworks', 'typings');

/** Runs `tsc -p` on a project; a failure shows the compiler's messages. */
async function typeCheck(project: string): Promise<void> {
  await run(tsc, ['-p', join(project, 'tsconfig.json')], { cwd: root }).catch((error: Error & { stdout?: string }) => {
    assert.fail(`tsc -p ${project} failed:\n${error.stdout || error.message}`);
  });
}

interface ManifestDeclaration {
  tagName?: string;
  attributes?: { name: string; description?: string }[];
  events?: { name: string }[];
}

/**
 * A file that compiles only when the typings' description of the tags (src/jsx/tags.ts) names every tag, settable
 * attribute and event that custom-elements.json (read from the elements' doc comments) documents, and nothing else.
 */
function manifestAgreement(): string {
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as { modules: { declarations?: ManifestDeclaration[] }[] };
  const union = (names: string[]) => names.map((name) => JSON.stringify(name)).join(' | ') || 'never';
  const tags = manifest.modules.flatMap((module) => module.declarations ?? []).filter((declaration) => declaration.tagName);
  const lines = tags.map(({ tagName, attributes = [], events = [] }) => {
    const settable = attributes.filter((attribute) => !attribute.description?.startsWith('Reflected')).map((attribute) => attribute.name);
    const name = tagName!.replace(/-/g, '_');
    return [
      `export const ${name}_attributes: Same<keyof WsTags['${tagName}']['attributes'], ${union(settable)}> = true;`,
      `export const ${name}_events: Same<WsTags['${tagName}']['events'], ${union(events.map((event) => event.name))}> = true;`,
    ].join('\n');
  });
  return [
    `import type { WsTags } from ${JSON.stringify(join(root, 'dist', 'types', 'jsx', 'tags.js'))};`,
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    `export const tags: Same<keyof WsTags, ${union(tags.map((tag) => tag.tagName!))}> = true;`,
    ...lines,
  ].join('\n');
}

/** Waits until `#updates` (the count the app's `onws-update` handler keeps) reaches `count`. */
async function waitForUpdates(page: Page, count: number): Promise<void> {
  const updates = await page.$('#updates');
  await page.waitForFunction((output, count) => Number(output.textContent) >= count, { timeout: 10_000 }, updates, count);
}

test('a React 19 app renders live <ws-bind> values through the document\'s template', { timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(join(root, 'dist', 'types', 'jsx', 'react.d.ts')), 'dist/ is missing or stale: run `npm run build` before this test');

  const outDir = mkdtempSync(join(tmpdir(), 'ws-bind-react-app-'));
  t.after(() => rmSync(outDir, { recursive: true, force: true }));

  await t.test('the app and the Vue, Svelte and Solid usages type-check, with a wrong attribute value rejected', async () => {
    await Promise.all([typeCheck(app), typeCheck(typings)]);
  });

  await t.test('the typings name every tag, attribute and event custom-elements.json documents, and no other', async () => {
    const check = join(mkdtempSync(join(tmpdir(), 'ws-bind-tags-')), 'manifest-agreement.ts');
    t.after(() => rmSync(resolve(check, '..'), { recursive: true, force: true }));
    writeFileSync(check, manifestAgreement());
    const options = ['--ignoreConfig', '--noEmit', '--strict', '--skipLibCheck', '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'ES2023,DOM', '--types', ''];
    await run(tsc, [...options, check], { cwd: root }).catch((error: Error & { stdout?: string }) => {
      assert.fail(`src/jsx/tags.ts and custom-elements.json disagree:\n${error.stdout || error.message}\n${readFileSync(check, 'utf8')}`);
    });
  });
  const config: InlineConfig = { configFile: false, root: app, logLevel: 'warn', build: { outDir, emptyOutDir: true } };
  await build(config);

  // The built app and /feeds share one origin, as in the demo: the reference server attaches to the preview server.
  let feeds: Promise<{ close(): Promise<void> }> | undefined;
  const server = await preview({
    ...config,
    preview: { host: '127.0.0.1', port: 0 },
    plugins: [{
      name: 'reference-server',
      configurePreviewServer(vite) {
        feeds = createServer({ server: vite.httpServer as Server, feeds: ['clock', 'chat'], clockInterval: 250 });
      },
    }],
  });
  t.after(async () => {
    await (await feeds)?.close();
    await server.close();
  });
  await feeds;
  const { port } = server.httpServer.address() as AddressInfo;

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors = recordPageErrors(page);
  await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });

  await t.test('<ws-bind template="clock-line"> renders the template\'s markup with values that change', async () => {
    const clock = await page.$('#clock');
    const tick = async (previous?: string) => {
      const handle = await page.waitForFunction((clock, previous) => {
        const time = clock.querySelector('time.tick');
        return time && time.textContent !== previous && { ms: time.textContent, datetime: time.getAttribute('datetime') };
      }, { timeout: 10_000 }, clock, previous);
      return (await handle.jsonValue()) as { ms: string; datetime: string };
    };
    const first = await tick();
    const second = await tick(first.ms);
    for (const { ms, datetime } of [first, second]) assert.equal(new Date(datetime).getTime(), Number(ms));
    assert.ok(Number(second.ms) > Number(first.ms), `the clock went from ${first.ms} to ${second.ms}`);
  });

  await t.test('onws-update is a listener, and React\'s re-renders leave a constant placeholder\'s content alone', async () => {
    await waitForUpdates(page, 4);
    const clock = await page.$eval('#clock', (element) => ({ text: element.textContent, ticks: element.querySelectorAll('time.tick').length }));
    assert.equal(clock.ticks, 1, `#clock shows ${clock.text}`);
    assert.doesNotMatch(clock.text ?? '', /Waiting/);
  });

  await t.test('a text child that changes is reset by React at each render, wiping the rendered value', async () => {
    const element = await page.$('#changing-placeholder');
    // Mutation polling sees the value in the frame <ws-bind> writes it, before React's next render replaces it.
    const shows = (pattern: RegExp) =>
      page.waitForFunction((element, source) => new RegExp(source).test(element.textContent ?? ''), { polling: 'mutation', timeout: 10_000 }, element, pattern.source);
    await shows(/^\d{4}-\d\d-\d\dT/);
    await shows(/^Waiting \([1-9]\d* updates so far\)$/);
  });

  await t.test('a <template> written in JSX renders nothing: its children are not its content', async () => {
    const shown = await page.$eval('#jsx-template', (element) => ({
      state: element.getAttribute('state'),
      children: [...element.children].map((child) => child.localName),
      content: element.querySelector('template')?.content.childNodes.length,
    }));
    assert.deepEqual(shown, { state: 'live', children: ['template'], content: 0 });
  });

  await t.test('<ws-send keep="name"> publishes the form, then clears it but the name', async () => {
    await page.type('input[name=name]', 'Ada');
    await page.type('input[name=text]', 'hello from React');
    await page.click('#chat-form button');
    const [chat, text] = await Promise.all([page.$('#chat'), page.$('input[name=text]')]);
    await page.waitForFunction((chat) => chat.textContent?.includes('hello from React'), { timeout: 10_000 }, chat);
    await page.waitForFunction((text) => text.value === '', { timeout: 10_000 }, text);
    assert.equal(await page.$eval('input[name=name]', (input) => input.value), 'Ada');
  });

  await t.test('className and class set the class; a ref reaches the element and sets what React keeps to itself (key)', async () => {
    assert.deepEqual(await page.$$eval('#clock, #chat', (elements) => elements.map((element) => element.className)), ['clock', 'chat']);
    const keyed = await page.$('#chat-by-name');
    await page.waitForFunction((keyed) => keyed.textContent?.includes('hello from React'), { timeout: 10_000 }, keyed);
    assert.deepEqual(await keyed!.evaluate((element) => [element.getAttribute('mode'), element.getAttribute('key'), element.getAttribute('state')]), ['keyed', 'name', 'live']);
  });

  assert.deepEqual(pageErrors, []);
});
