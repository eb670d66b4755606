/**
 * SPEC 2: `dist/ws-bind.js` and `dist/ws-bind.iife.js` are each ONE
 * self-contained file. A page that loads only that file, copied alone into
 * an empty folder (the test runner serves `/one-file/esm/` and
 * `/one-file/iife/` that way), has every feature: `match`, every `format`,
 * `heartbeat`, `announce`, SSE, a `<template>` and `mode="html"` (through
 * the platform's `setHTML` in Chromium). Needs `npm run build` first.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  TestServer,
  closePages,
  find,
  openPage,
  patiently,
  requireBuilt,
  type Page,
} from './helpers.js';

/** Counts the page's calls of `Element.prototype.setHTML`, if the browser has it, before any bundle runs. */
const SET_HTML_SPY = `<script>
  window.setHTMLCalls = 0;
  const platformSetHTML = Element.prototype.setHTML;
  if (platformSetHTML) {
    Element.prototype.setHTML = function (...args) {
      window.setHTMLCalls++;
      return platformSetHTML.apply(this, args);
    };
  }
</script>`;

/** How each bundle gets into its page: the ESM file as a module, the IIFE as a classic script after the elements. */
const bundles = [
  { file: 'dist/ws-bind.js', url: '/one-file/esm/ws-bind.js', head: '<script type="module" src="/one-file/esm/ws-bind.js"></script>', bodyEnd: '' },
  { file: 'dist/ws-bind.iife.js', url: '/one-file/iife/ws-bind.iife.js', head: '', bodyEnd: '<script src="/one-file/iife/ws-bind.iife.js"></script>' },
];

/** Every format of SPEC 3.2, the message field it reads and what its text must look like (en-US). */
const formats: { format: string; select: string; extra?: string; check: (text: string) => boolean }[] = [
  { format: 'text', select: 'n', check: (text) => text === '1234.5' },
  { format: 'number', select: 'n', check: (text) => text === '1,234.5' },
  { format: 'number', select: 'pi', extra: 'digits="2"', check: (text) => text === '3.14' },
  { format: 'percent', select: 'ratio', check: (text) => text === '25%' },
  { format: 'currency', select: 'price', extra: 'currency="USD"', check: (text) => text === '$12.50' },
  { format: 'date', select: 'at', check: (text) => /2024/.test(text) && !/T12/.test(text) },
  { format: 'time', select: 'at', check: (text) => /\d:\d\d/.test(text) && !/2024/.test(text) },
  { format: 'datetime', select: 'at', check: (text) => /2024/.test(text) && /\d:\d\d/.test(text) },
  { format: 'relative', select: 'ago', check: (text) => /3 min.* ago/.test(text) },
  { format: 'bytes', select: 'size', check: (text) => /^[\d.,]+\s?[kMG]i?B$/.test(text) },
  { format: 'json', select: 'obj', check: (text) => text.includes('"a"') },
];

for (const bundle of bundles) {
  describe(`a page with only ${bundle.file}, copied alone into an empty folder`, () => {
    let server: TestServer;
    let page: Page;

    before(async () => {
      await requireBuilt(bundle.url, bundle.file);
      server = await TestServer.start();
      const formatted = formats.map(({ format, select, extra = '' }, i) =>
        `<ws-bind id="format-${i}" src="${server.url('/formats')}" select="${select}" format="${format}" ${extra}>…</ws-bind>`);
      page = await openPage(SET_HTML_SPY + bundle.head, `
        <ws-source id="raw" src="${server.url('/raw')}"></ws-source>
        <ws-source id="beating" src="${server.url('/beating')}" heartbeat="200" heartbeat-message="hb"></ws-source>
        <ws-source id="events" transport="sse" src="${server.eventsUrl()}"></ws-source>
        <ws-bind id="matched" source="raw" match="kind=quote sym=AAPL" select="price">—</ws-bind>
        ${formatted.join('\n')}
        <ws-bind id="card" src="${server.url('/card')}" select="user"><template><a class="name">{{ name }}</a><span>{{ balance | currency:EUR }}</span></template>loading…</ws-bind>
        <ws-bind id="note" src="${server.url('/note')}" select="body" mode="html"></ws-bind>
        <ws-bind id="announced" src="${server.url('/news')}" select="title" announce="polite" announce-every="200"></ws-bind>
        <ws-bind id="from-sse" source="events" select="v">—</ws-bind>
        ${bundle.bodyEnd}`);
    });

    after(async () => {
      closePages();
      await server?.stop(); // Unset when the bundle was missing.
    });

    /**
     * Waits until the page holds a socket to `path`, so what the server pushes there reaches it. Each feature has its
     * own path, so one that fails to load does not hide the others.
     */
    async function connected(path: string): Promise<void> {
      await waitUntil(async () => (await server.paths()).includes(path), `the page never connected to ${path}; ${page.errors()}`,
        { ...patiently, interval: 50 });
    }

    /** Waits until `#id` shows `text`, saying what it shows and what the page reported if it never does. */
    function untilShows(id: string, text: string): Promise<void> {
      const element = find(page.document, `#${id}`);
      return waitUntil(() => element.textContent?.trim() === text,
        `#${id} shows "${element.textContent?.trim()}" (state "${element.getAttribute('state')}"), not "${text}"; ${page.errors()}`,
        patiently);
    }

    it('match: an element shows only the messages that meet every condition', async () => {
      await connected('/raw');
      await server.pushTo('/raw',
        { kind: 'quote', sym: 'MSFT', price: 1 },
        { kind: 'trade', sym: 'AAPL', price: 2 },
        { kind: 'quote', sym: 'AAPL', price: 3 });
      await untilShows('matched', '3');
      await server.pushTo('/raw', { kind: 'quote', sym: 'MSFT', price: 4 });
      await server.pushTo('/raw', { kind: 'quote', sym: 'AAPL', price: 5 });
      await untilShows('matched', '5');
    });

    it('every format renders', async () => {
      await connected('/formats');
      await server.pushTo('/formats', {
        n: 1234.5,
        pi: 3.14159,
        ratio: 0.25,
        price: 12.5,
        at: '2024-03-05T12:00:00Z',
        ago: Date.now() - 3 * 60_000,
        size: 5_000_000,
        obj: { a: [1, 'b'] },
      });
      for (const [i, { format, extra = '', check }] of formats.entries()) {
        const element = find(page.document, `#format-${i}`);
        await waitUntil(() => element.textContent?.trim() !== '…',
          `format="${format}" ${extra} never rendered (state "${element.getAttribute('state')}"); ${page.errors()}`, patiently);
        const text = element.textContent?.trim() ?? '';
        expect(check(text), `"${text}" is not a ${format} ${extra}`).to.equal(true);
      }
    });

    it('heartbeat: sends heartbeat-message every heartbeat ms', async () => {
      await waitUntil(async () => (await server.stats()).received.filter((text) => text === 'hb').length >= 2,
        `the server never got two heartbeats; ${page.errors()}`, patiently);
    });

    it('announce: the text reaches the shared live region', async () => {
      await connected('/news');
      await server.pushTo('/news', { title: 'Markets open' });
      await untilShows('announced', 'Markets open');
      await waitUntil(() => page.document.querySelector('[aria-live]')?.textContent?.includes('Markets open') ?? false,
        `no live region announced it; ${page.errors()}`, patiently);
      expect(page.document.querySelectorAll('[aria-live]').length).to.equal(1);
    });

    it('transport="sse": server-sent events render', async () => {
      await waitUntil(async () => (await server.eventStreams()) === 1, `no event stream opened; ${page.errors()}`, patiently);
      await server.pushEvents({ v: 'from sse' });
      await untilShows('from-sse', 'from sse');
    });

    it('a <template> child renders each value', async () => {
      await connected('/card');
      await server.pushTo('/card', { user: { name: '<b>Ada</b>', balance: 12.5 } });
      const card = find(page.document, '#card');
      await waitUntil(() => card.querySelector('a.name') !== null,
        `the card shows "${card.textContent?.trim()}" (state "${card.getAttribute('state')}"); ${page.errors()}`, patiently);
      expect(find(card, 'a.name').textContent).to.equal('<b>Ada</b>');
      expect(find(card, 'span').textContent).to.equal('€12.50');
      expect(card.textContent).not.to.include('loading');
    });

    it('mode="html" inserts sanitized markup through the platform\'s setHTML', async () => {
      await connected('/note');
      const platform = page.window as unknown as { Element: { prototype: object }; setHTMLCalls: number };
      expect('setHTML' in platform.Element.prototype, 'this browser has Element.setHTML').to.equal(true);
      await server.pushTo('/note', { body: '<b>bold</b><img src="data:," onerror="parent.hacked=1"><script>parent.hacked=2</script>' });
      const note = find(page.document, '#note');
      await waitUntil(() => note.querySelector('b')?.textContent === 'bold',
        `the note shows "${note.textContent?.trim()}" (state "${note.getAttribute('state')}"); ${page.errors()}`, patiently);
      expect(note.querySelector('script'), 'script elements').to.equal(null);
      expect(note.querySelector('img')?.hasAttribute('onerror'), 'the img stays, without its handler').to.equal(false);
      expect(platform.setHTMLCalls, 'calls of Element.setHTML').to.be.greaterThan(0);
    });
  });
}
