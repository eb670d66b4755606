/**
 * `share="tabs"` (SPEC 3.1): pages of one origin whose `<ws-source>` names
 * the same `src` with `share="tabs"` use one socket, held by a shared worker.
 * Each page is a same-origin frame (frames of one origin share the worker, as
 * tabs do), loading the library as an author's page does.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { recordEvents, recordStates } from './helpers.js';

interface RefServer { port: number; url: string }

const ports: number[] = [];
const frames: HTMLIFrameElement[] = [];

function command<R = unknown>(name: string, payload: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown>>(name, payload);
}

async function startServer(): Promise<RefServer> {
  const server = await command<RefServer>('ref:start', {});
  ports.push(server.port);
  return server;
}

/** Opens a page of this origin holding `markup`, with the library from `build` (src, esm or iife). */
async function openPage(markup: string, build = 'src', query = ''): Promise<Document> {
  const frame = document.createElement('iframe');
  frame.src = `/test/browser/fixtures/page.html?build=${build}&markup=${encodeURIComponent(markup)}${query}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  return frame.contentDocument!;
}

function closePage(page: Document): void {
  const frame = frames.find((candidate) => candidate.contentDocument === page)!;
  frame.remove();
}

function the(page: Document, selector: string): HTMLElement {
  const element = page.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  return element;
}

function until(condition: () => boolean | Promise<boolean>, message: string, timeout = 10000): Promise<void> {
  return waitUntil(condition, message, { timeout, interval: 50 });
}

async function untilCount(name: string, payload: Record<string, unknown>, expected: number, timeout = 10000): Promise<void> {
  let last: unknown;
  await until(async () => (last = await command(name, payload)) === expected, `${name} ${JSON.stringify(payload)} never became ${expected}`, timeout)
    .catch(() => {
      throw new Error(`${name} ${JSON.stringify(payload)} never became ${expected} (it is ${String(last)})`);
    });
}

/** One dashboard page: a shared source, a ticker price, the chat's lines and a form to say something. */
function dashboard(url: string, share = ' share="tabs"', extra = ''): string {
  return `
    <ws-source id="feeds" src="${url}"${share}></ws-source>
    <ws-bind id="price" source="feeds" topic="ticker" select="AAPL.price" format="number" digits="2">—</ws-bind>
    <ws-bind id="chat" source="feeds" topic="chat/tabs" select="text" mode="append"></ws-bind>
    <ws-send id="say" source="feeds" topic="chat/tabs"><form><input name="text"><button>Say</button></form></ws-send>
    ${extra}`;
}

function say(page: Document, text: string): void {
  the(page, '#say input').setAttribute('value', text);
  (the(page, '#say input') as HTMLInputElement).value = text;
  (the(page, '#say form') as HTMLFormElement).requestSubmit();
}

afterEach(async () => {
  for (const frame of frames.splice(0)) frame.remove();
  for (const port of ports.splice(0)) await command('ref:stop', { port });
});

describe('share="tabs": one socket for every page of the origin', () => {
  it('gives three pages one connection, and each page renders its bindings', async () => {
    const { port, url } = await startServer();
    const pages = [await openPage(dashboard(url)), await openPage(dashboard(url)), await openPage(dashboard(url))];
    for (const page of pages) {
      await until(() => /^\d[\d,]*\.\d{2}$/.test(the(page, '#price').textContent), 'a page never showed the price');
      await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'a page source never opened');
    }
    say(pages[0], 'hello from page 1');
    for (const page of pages) await until(() => the(page, '#chat').textContent.includes('hello from page 1'), 'a page never showed the line');
    expect(await command('ref:connections', { port })).to.equal(1);
    expect(await command('ref:subscriptions', { port, topic: 'chat/tabs' })).to.equal(1);
    const sessions = pages.map((page) => (the(page, '#feeds') as HTMLElement & { session?: string }).session);
    expect(new Set(sessions).size, 'one session for every page').to.equal(1);
  });

  it('sends the ack of a page\'s publish to that page only', async () => {
    const { url } = await startServer();
    const pages = [await openPage(dashboard(url)), await openPage(dashboard(url)), await openPage(dashboard(url))];
    for (const page of pages) await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'a page source never opened');
    const acks = pages.map((page) => recordEvents(the(page, '#say'), 'ws-ack'));
    say(pages[1], 'from page 2');
    await until(() => acks[1].length === 1, 'page 2 never got its ack');
    for (const page of pages) await until(() => the(page, '#chat').textContent.includes('from page 2'), 'a page never showed the line');
    expect(acks.map((events) => events.length)).to.deep.equal([0, 1, 0]);
    expect(the(pages[1], '#say').hasAttribute('pending')).to.equal(false);
  });

  it('unsubscribes only what a closed page alone held', async () => {
    const { port, url } = await startServer();
    const own = '<ws-bind id="own" source="feeds" topic="chat/page-one" select="text" mode="append"></ws-bind>';
    const pages = [await openPage(dashboard(url, undefined, own)), await openPage(dashboard(url)), await openPage(dashboard(url))];
    for (const page of pages) await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'a page source never opened');
    await untilCount('ref:subscriptions', { port, topic: 'chat/page-one' }, 1);
    await untilCount('ref:subscriptions', { port, topic: 'chat/tabs' }, 1);

    closePage(pages[0]);
    await untilCount('ref:subscriptions', { port, topic: 'chat/page-one' }, 0);
    expect(await command('ref:subscriptions', { port, topic: 'chat/tabs' })).to.equal(1);
    expect(await command('ref:subscriptions', { port, topic: 'ticker' })).to.equal(1);
    expect(await command('ref:connections', { port })).to.equal(1);
    say(pages[1], 'still here');
    await until(() => the(pages[2], '#chat').textContent.includes('still here'), 'page 3 stopped receiving');
  });

  it('replays its history to a page that joins later, and to a late element in it, without doubling any line', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const log = (id: string, history = '') => `<ws-bind id="${id}" source="feeds" topic="chat/later" select="text" mode="append"${history}></ws-bind>`;
    const first = await openPage(dashboard(url, undefined, log('log')));
    await untilCount('ref:subscriptions', { port, topic: 'chat/later' }, 1);
    for (let n = 1; n <= 15; n++) await command('ref:publish', { port, topic: 'chat/later', data: { name: 'bot', text: `line ${n}` } });
    const texts = (page: Document, id: string) => [...the(page, `#${id}`).children].map((child) => child.textContent);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
    await until(() => texts(first, 'log').length === 15, 'page 1 never showed 15 lines');

    const second = await openPage(dashboard(url, undefined, log('log', ' history="10"')));
    await until(() => JSON.stringify(texts(second, 'log')) === JSON.stringify(range(6, 15)), `page 2 showed ${texts(second, 'log').join()}`);
    the(second, '#chat').insertAdjacentHTML('afterend', log('late', ' history="3"'));
    await until(() => JSON.stringify(texts(second, 'late')) === JSON.stringify(range(13, 15)), `the late element showed ${texts(second, 'late').join()}`);
    for (let n = 16; n <= 17; n++) await command('ref:publish', { port, topic: 'chat/later', data: { name: 'bot', text: `line ${n}` } });

    await until(() => texts(first, 'log').length === 17 && texts(second, 'late').length === 5 && texts(second, 'log').length === 12, 'lines 16 and 17 never reached every element');
    expect(texts(first, 'log')).to.deep.equal(range(1, 17));
    expect(texts(second, 'log')).to.deep.equal(range(6, 17));
    expect(texts(second, 'late')).to.deep.equal(range(13, 17));
    expect(await command('ref:subscriptions', { port, topic: 'chat/later' })).to.equal(1);
    expect(await command('ref:connections', { port })).to.equal(1);
  });

  it('releases what a tab held once it stops answering the worker\'s pings', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const page = await openPage(dashboard(url));
    await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'the page source never opened');
    // A tab that links to the same worker, subscribes, then goes silent as a frozen or discarded tab does.
    const frozen = new SharedWorker('/src/tabs/tab-link.ts', { type: 'module', name: 'ws-bind' });
    frozen.port.postMessage({ l: 0, c: { urls: [url] } });
    frozen.port.postMessage({ l: 0, t: JSON.stringify({ type: 'subscribe', topic: 'chat/frozen' }) });
    await untilCount('ref:subscriptions', { port, topic: 'chat/frozen' }, 1);
    expect(await command('ref:connections', { port })).to.equal(1);

    // Pinged every 5 s, it is gone after the first ping it leaves unanswered: within 10 s.
    await untilCount('ref:subscriptions', { port, topic: 'chat/frozen' }, 0, 15000);
    expect(await command('ref:subscriptions', { port, topic: 'chat/tabs' })).to.equal(1);
    say(page, 'still served');
    await until(() => the(page, '#chat').textContent.includes('still served'), 'the live page stopped receiving');
  });

  it('reconnects once for every page when the server is killed, each showing reconnecting then open', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const pages = [await openPage(dashboard(url)), await openPage(dashboard(url)), await openPage(dashboard(url))];
    for (const page of pages) await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'a page source never opened');
    const states = pages.map((page) => recordStates(the(page, '#feeds')));

    await command('ref:restart', { port });
    for (const page of pages) await until(() => the(page, '#feeds').getAttribute('state') === 'open' && states[pages.indexOf(page)].length > 1, 'a page never came back', 20000);
    for (const seen of states) expect(seen).to.deep.equal(['reconnecting', 'open']);
    expect(await command('ref:connections', { port })).to.equal(1);
    say(pages[2], 'after the restart');
    for (const page of pages) await until(() => the(page, '#chat').textContent.includes('after the restart'), 'a page never showed the line');
    expect(await command('ref:connections', { port })).to.equal(1);
  });

  it('opens a socket per page without share, as before', async () => {
    const { port, url } = await startServer();
    const pages = [await openPage(dashboard(url, '')), await openPage(dashboard(url, '')), await openPage(dashboard(url, ''))];
    for (const page of pages) await until(() => the(page, '#feeds').getAttribute('state') === 'open', 'a page source never opened');
    await untilCount('ref:connections', { port }, 3);
  });

  it('keeps a socket per page where SharedWorker is missing', async () => {
    const { port, url } = await startServer();
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await openPage(dashboard(url), 'src', '&no-shared-worker'));
    for (const page of pages) await until(() => /^\d[\d,]*\.\d{2}$/.test(the(page, '#price').textContent), 'a page never showed the price');
    await untilCount('ref:connections', { port }, 3);
  });

  it('falls back to a socket per page when the shared worker never answers', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await openPage(dashboard(url), 'src', '&silent-shared-worker'));
    for (const page of pages) await until(() => /^\d[\d,]*\.\d{2}$/.test(the(page, '#price').textContent), 'a page never showed the price', 20000);
    await untilCount('ref:connections', { port }, 3);
  });

  for (const build of ['esm', 'iife']) {
    it(`starts the shared worker from the one-file ${build} bundle itself (npm run build first)`, async () => {
      const bundle = build === 'esm' ? '/dist/ws-bind.js' : '/dist/ws-bind.iife.js';
      expect((await fetch(bundle, { method: 'HEAD' })).ok, `${bundle} is missing: run npm run build`).to.equal(true);
      const { port, url } = await startServer();
      const pages = [await openPage(dashboard(url), build), await openPage(dashboard(url), build)];
      for (const page of pages) await until(() => /^\d[\d,]*\.\d{2}$/.test(the(page, '#price').textContent), 'a page never showed the price');
      expect(await command('ref:connections', { port })).to.equal(1);
    });
  }
});
