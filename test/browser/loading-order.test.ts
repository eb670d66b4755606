/**
 * Every element works wherever its script is (SPEC 2, 3): the built bundles
 * loaded by real documents as a classic script in `<head>`, deferred, as a
 * module, after the body, or injected after the elements exist. Children the
 * parser adds after an element's start tag (a `<template>`, placeholder text,
 * a `<form>`) count. Against the real reference server.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  RefServer,
  TestServer,
  closePages,
  expectCloseDetailTypes,
  entryTexts,
  find,
  injectScript,
  openPage,
  patiently,
  recordEvents,
  requireBuilt,
  statusLabel,
  untilState,
  type CloseDetail,
  type Page,
} from './helpers.js';

const IIFE = '/dist/ws-bind.iife.js';
const ESM = '/dist/ws-bind.js';

/** Where a page's script is, and how it gets there. */
interface Loading {
  name: string;
  head?: string;
  bodyEnd?: string;
  injected?: Record<string, string>;
}

const loadings: Loading[] = [
  { name: 'a classic script in <head>', head: `<script src="${IIFE}"></script>` },
  { name: 'a deferred classic script', head: `<script defer src="${IIFE}"></script>` },
  { name: 'a module script', head: `<script type="module" src="${ESM}"></script>` },
  { name: 'a classic script after the body', bodyEnd: `<script src="${IIFE}"></script>` },
  { name: 'a classic script injected after the elements exist', injected: { src: IIFE } },
  { name: 'a module injected after the elements exist', injected: { type: 'module', src: ESM } },
];

describe('elements work wherever their script is loaded', () => {
  let ref: RefServer;
  /** A port nothing listens on: connections to it are refused. */
  let refusedUrl: string;

  before(async () => {
    await requireBuilt(IIFE, 'dist/ws-bind.iife.js');
    await requireBuilt(ESM, 'dist/ws-bind.js');
    ref = await RefServer.start();
    const gone = await TestServer.start();
    await gone.stop();
    refusedUrl = gone.url();
  });

  after(async () => {
    closePages();
    await ref?.stop(); // Unset when a bundle was missing.
  });

  loadings.forEach((loading, index) => {
    describe(`with ${loading.name}`, () => {
      const room = `chat/order-${index}`;
      let page: Page;

      before(async () => {
        page = await openPage(loading.head ?? '', `
          <ws-source id="feed" src="${ref.url}"></ws-source>
          <ws-status source="feed"></ws-status>
          <ws-bind id="card" source="feed" topic="${room}-card" history="1"><template><p class="line"><b>{{ name }}</b>: {{ text }}</p></template></ws-bind>
          <ws-bind id="last" source="feed" topic="${room}-last" history="1" select="text">waiting…</ws-bind>
          <ws-bind id="log" source="feed" topic="${room}-log" history="1" select="text" mode="append">no lines yet</ws-bind>
          <ws-send source="feed" topic="${room}-send">
            <form><input name="name" value="ada"><input name="text"><button>Send</button></form>
          </ws-send>
          <ws-source id="refused" src="${refusedUrl}" min-delay="100" max-delay="200"></ws-source>
          ${loading.bodyEnd ?? ''}`);
        if (loading.injected) await injectScript(page, loading.injected);
      });

      it('<ws-source> opens its connection', async () => {
        const source = find(page.document, '#feed');
        await waitUntil(() => source.getAttribute('state') === 'open',
          `the source is "${source.getAttribute('state')}"; ${page.errors()}`, patiently);
        expect(source.matches(':state(open)')).to.equal(true);
      });

      it('<ws-status> shows the connection as Live', async () => {
        const status = find(page.document, 'ws-status');
        await waitUntil(() => statusLabel(status) === 'Live' && status.getAttribute('state') === 'open',
          `the status says "${statusLabel(status)}"; ${page.errors()}`, patiently);
        expect(status.getAttribute('role')).to.equal('status');
      });

      it('<ws-bind> renders through its <template> child', async () => {
        const card = find(page.document, '#card');
        await ref.publish(`${room}-card`, { name: 'ann', text: 'from the template' });
        await waitUntil(() => card.querySelector('p.line')?.textContent === 'ann: from the template',
          `the card (state "${card.getAttribute('state')}") shows "${card.textContent?.trim()}" instead of its template; ${page.errors()}`, patiently);
        expect(card.querySelector('p.line b')?.textContent).to.equal('ann');
        expect(card.querySelector('template'), 'the template stays').not.to.equal(null);
        await untilState(card, 'live');
      });

      it('<ws-bind> shows its placeholder text until the first value, then the value', async () => {
        const last = find(page.document, '#last');
        const log = find(page.document, '#log');
        expect(last.textContent?.trim()).to.equal('waiting…');
        expect(last.getAttribute('state')).to.equal('waiting');
        expect(log.textContent?.trim()).to.equal('no lines yet');

        await ref.publish(`${room}-last`, { name: 'bob', text: 'first value' });
        await ref.publish(`${room}-log`, { name: 'bob', text: 'first line' });
        await waitUntil(() => last.textContent?.trim() === 'first value',
          `#last shows "${last.textContent?.trim()}"; ${page.errors()}`, patiently);
        await waitUntil(() => JSON.stringify(entryTexts(log)) === '["first line"]',
          `#log's entries are ${JSON.stringify(entryTexts(log))}; ${page.errors()}`, patiently);
        expect(log.textContent, 'the placeholder goes with the first entry').not.to.include('no lines yet');
      });

      it('<ws-send> publishes its <form> and resets it on the ack', async () => {
        const send = find(page.document, 'ws-send');
        const acks = recordEvents<{ id: string; pos: string }>(send, 'ws-ack');
        const text = find<HTMLInputElement>(page.document, 'input[name=text]');
        await untilState(find(page.document, '#feed'), 'open');
        text.value = 'sent from the form';
        find<HTMLFormElement>(page.document, 'form').requestSubmit();
        await waitUntil(() => acks.length === 1, `no ws-ack; ${page.errors()}`, patiently);
        expect(acks[0].detail.pos).to.be.a('string');
        await waitUntil(() => text.value === '' && !send.hasAttribute('pending'), 'the form was not reset', patiently);
        expect(page.window.location.href, 'the form did not navigate').to.equal('about:srcdoc');
      });

      it('a refused connection\'s ws-close detail is {code: number, reason: string, willRetry, retryIn}', async () => {
        const refused = find(page.document, '#refused');
        const closes = recordEvents<CloseDetail>(refused, 'ws-close');
        await waitUntil(() => closes.length > 0, `no ws-close; ${page.errors()}`, patiently);
        expectCloseDetailTypes(closes[0].detail);
        expect(closes[0].detail.willRetry).to.equal(true);
        expect(refused.getAttribute('state')).to.equal('reconnecting');
      });
    });
  });
});
