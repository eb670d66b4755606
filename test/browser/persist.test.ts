/**
 * `persist` on `<ws-bind>` (SPEC 3.2): what an element shows and its topic
 * position survive a reload; the kept content shows at once, as stale, and
 * the element resubscribes from the kept position so nothing is missed or
 * shown twice. Pages are same-origin frames (sessionStorage is shared with
 * them), reloaded as a user reloads, against the reference server.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { entryTexts, mount, pause, recordEvents, unmountAll } from './helpers.js';

interface RefServer { port: number; url: string }
interface TestWindow extends Window { wsErrors: { kind: string; message: string }[] }

const PAGE = '/test/browser/fixtures/page.html';
const ports: number[] = [];
const frames: HTMLIFrameElement[] = [];

function command<R = unknown>(name: string, payload: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown>>(name, payload);
}

async function startServer(options: Record<string, unknown> = {}): Promise<RefServer> {
  const server = await command<RefServer>('ref:start', { options });
  ports.push(server.port);
  return server;
}

function until(condition: () => boolean, message: () => string, timeout = 10000): Promise<void> {
  return waitUntil(condition, message(), { timeout, interval: 20 }).catch(() => {
    throw new Error(message());
  });
}

/** Opens a page of this origin holding `markup`; `reload()` reloads it as a user would. */
async function openPage(markup: string): Promise<{ frame: HTMLIFrameElement; the(selector: string): HTMLElement; errors(): TestWindow['wsErrors']; reload(): Promise<void> }> {
  const frame = document.createElement('iframe');
  frame.src = `${PAGE}?markup=${encodeURIComponent(markup)}`;
  const loaded = (): Promise<unknown> => new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const first = loaded();
  document.body.append(frame);
  frames.push(frame);
  await first;
  return {
    frame,
    the(selector) {
      const element = frame.contentDocument?.querySelector<HTMLElement>(selector);
      if (!element) throw new Error(`nothing matches ${selector}`);
      return element;
    },
    errors: () => (frame.contentWindow as TestWindow).wsErrors,
    async reload() {
      const next = loaded();
      frame.contentWindow!.location.reload();
      await next;
    },
  };
}

function lines(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
}

function say(port: number, topic: string, text: string): Promise<unknown> {
  return command('ref:publish', { port, topic, data: { name: 'bot', text } });
}

async function clearKept(): Promise<void> {
  sessionStorage.clear();
  await new Promise((resolve) => Object.assign(indexedDB.deleteDatabase('ws-bind'), { onsuccess: resolve, onerror: resolve, onblocked: resolve }));
}

beforeEach(clearKept);

afterEach(async () => {
  unmountAll();
  for (const frame of frames.splice(0)) frame.remove();
  for (const port of ports.splice(0)) await command('ref:stop', { port });
  await clearKept();
});

describe('persist: what an element shows survives a reload', () => {
  it('shows every chat line once and in order after a reload during which 30 lines were published', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    for (let n = 1; n <= 5; n++) await say(port, 'chat/persist', `line ${n}`);
    const page = await openPage(`<ws-bind id="log" src="${url}" topic="chat/persist" history="20" persist select="text" mode="append"></ws-bind>`);
    await until(() => entryTexts(page.the('#log')).length === 5, () => `the history never showed (${entryTexts(page.the('#log')).join()})`);
    for (let n = 6; n <= 10; n++) await say(port, 'chat/persist', `line ${n}`);
    await until(() => entryTexts(page.the('#log')).length === 10, () => 'lines 6 to 10 never showed');

    const publishing = (async () => {
      for (let n = 11; n <= 40; n++) {
        await say(port, 'chat/persist', `line ${n}`);
        await pause(5);
      }
    })();
    await pause(10);
    await page.reload();
    await publishing;

    await until(() => entryTexts(page.the('#log')).at(-1) === 'line 40', () => `line 40 never showed (${entryTexts(page.the('#log')).slice(-3).join()})`);
    await pause(300);
    expect(entryTexts(page.the('#log'))).to.deep.equal(lines(1, 40));
    expect(page.errors()).to.deep.equal([]);
  });

  it('misses nothing over a reload with share="tabs" while another page keeps the shared socket', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const markup = (id: string) => `<ws-source id="feeds" src="${url}" share="tabs"></ws-source>
      <ws-bind id="${id}" source="feeds" topic="chat/shared" history="20" persist select="text" mode="append"></ws-bind>`;
    const stays = await openPage(markup('other'));
    const reloads = await openPage(markup('log'));
    for (let n = 1; n <= 5; n++) await say(port, 'chat/shared', `line ${n}`);
    await until(() => entryTexts(reloads.the('#log')).length === 5, () => 'page 2 never showed 5 lines');

    const publishing = (async () => {
      for (let n = 6; n <= 35; n++) {
        await say(port, 'chat/shared', `line ${n}`);
        await pause(5);
      }
    })();
    await pause(10);
    await reloads.reload();
    await publishing;

    for (const [page, id] of [[reloads, '#log'], [stays, '#other']] as const) {
      await until(() => entryTexts(page.the(id)).at(-1) === 'line 35', () => `line 35 never showed in ${id} (${entryTexts(page.the(id)).slice(-3).join()})`);
    }
    await pause(300);
    expect(entryTexts(reloads.the('#log'))).to.deep.equal(lines(1, 35));
    expect(entryTexts(stays.the('#other'))).to.deep.equal(lines(1, 35));
    expect(await command('ref:connections', { port })).to.equal(1);
  });

  for (const where of ['session', 'local']) {
    it(`shows a kept ticker value as stale before the socket opens (persist="${where}")`, async function () {
      this.timeout(30000);
      const { port, url } = await startServer();
      const page = await openPage(`<ws-bind id="price" src="${url}" topic="ticker" select="AAPL.price" persist="${where}">—</ws-bind>`);
      await until(() => page.the('#price').getAttribute('state') === 'live', () => 'the price never went live');
      await command('ref:stop', { port });
      ports.splice(ports.indexOf(port), 1);
      await until(() => page.the('#price').getAttribute('state') === 'stale', () => 'the price never went stale');
      const kept = page.the('#price').textContent;
      // Written within a second of the last change (the write on pagehide is not awaited by the browser).
      await pause(1200);
      await page.reload();
      await until(() => page.the('#price').textContent !== '—', () => 'the kept price never showed');
      expect(page.the('#price').textContent).to.equal(kept);
      expect(page.the('#price').getAttribute('state')).to.equal('stale');
      expect(page.the('#price').hasAttribute('stale')).to.equal(true);

      await startServer({ port });
      await until(() => page.the('#price').getAttribute('state') === 'live', () => 'the price never went live again', 15000);
      expect(page.errors()).to.deep.equal([]);
    });
  }

  for (const [fault, stored] of [['unparsable', '{"v":1,"values":['], ['of another version', '{"v":99,"values":["old"]}'], ['of the wrong shape', '{"v":1,"values":"x"}']]) {
    it(`drops kept data that is ${fault} with one parse ws-error, and starts as usual`, async () => {
      const { url } = await startServer();
      sessionStorage.setItem(`ws-bind ${PAGE} log`, stored);
      const page = await openPage(`<ws-bind id="log" src="${url}" topic="ticker" select="AAPL.price" persist>—</ws-bind>`);
      await until(() => page.the('#log').getAttribute('state') === 'live', () => 'the element never went live');
      expect(page.errors().map((error) => error.kind)).to.deep.equal(['parse']);
      expect(page.errors()[0].message).to.contain('#log');
      expect(page.the('#log').textContent).to.match(/^\d+(\.\d+)?$/);
    });
  }

  it('makes persist without an id a config fault', async () => {
    const { url } = await startServer();
    const container = mount(`<ws-bind src="${url}" topic="ticker" persist>—</ws-bind>`, {});
    const element = container.querySelector('ws-bind')!;
    await until(() => element.getAttribute('state') === 'error', () => `the element is ${element.getAttribute('state')}`);
    const errors = recordEvents<{ kind: string; message: string }>(element, 'ws-error');
    element.removeAttribute('persist');
    element.setAttribute('persist', '');
    await until(() => errors.length > 0, () => 'no ws-error');
    expect(errors.map((event) => event.detail.kind)).to.deep.equal(['config']);
    expect(errors[0].detail.message).to.contain('id');
    element.id = 'fixed';
    element.removeAttribute('persist');
    await until(() => element.getAttribute('state') !== 'error', () => 'removing persist did not clear the fault');
  });

  it('reports a refused write once and goes on rendering', async function () {
    this.timeout(20000);
    const { url } = await startServer();
    // Fill this origin's session storage to its quota: big pieces first, then ever smaller ones.
    let piece = 0;
    for (let size = 256 * 1024; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) sessionStorage.setItem(`filler ${piece++}`, 'x'.repeat(size));
      } catch { /* full at this size: go on with a smaller one */ }
    }
    const container = mount(`<ws-bind id="full" src="${url}" topic="ticker" format="json" persist></ws-bind>`);
    const element = container.querySelector('ws-bind')!;
    const errors = recordEvents<{ kind: string; message: string }>(element, 'ws-error');
    await until(() => element.getAttribute('state') === 'live', () => 'the element never went live');
    const first = element.textContent;
    await until(() => element.textContent !== first, () => 'the element stopped rendering');
    await pause(2500);
    expect(errors.length).to.equal(1);
    expect(errors[0].detail.message).to.contain('refused');
    const second = element.textContent;
    await until(() => element.textContent !== second, () => 'the element stopped rendering after the refusal');
  });
});
