/**
 * A page served with a strict CSP and Trusted Types (`script-src 'self';
 * style-src 'self'; require-trusted-types-for 'script'; trusted-types
 * ws-bind lit-html`): templates, URL and style bindings, keyed lists, append
 * entries and mode="html" all render, the XSS corpus goes through html mode
 * and through the DOMPurify fallback, and the page reports no violation.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { HtmlSanitizer } from '../../src/core/sanitize-html.js';
import { TestServer, patiently } from './helpers.js';
import { XSS_CORPUS, codeCarriers, xssFired } from './xss-corpus.js';

interface StrictWindow extends Window {
  cspViolations: string[];
  strictPage?: { ready: boolean; sanitizeWithSetHtml: HtmlSanitizer; loadPurifySanitizer: () => Promise<HtmlSanitizer> };
}

describe('a page with a strict CSP and Trusted Types', () => {
  let server: TestServer;
  let frame: HTMLIFrameElement;
  let page: StrictWindow;
  let doc: Document;

  beforeEach(async () => {
    server = await TestServer.start();
    delete (window as unknown as { __xss?: unknown }).__xss;
    frame = document.createElement('iframe');
    frame.src = `/test/browser/strict-csp/page.html?port=${server.port}`;
    document.body.append(frame);
    await waitUntil(() => (frame.contentWindow as StrictWindow | null)?.strictPage?.ready, 'the strict page never loaded', patiently);
    page = frame.contentWindow as StrictWindow;
    doc = frame.contentDocument!;
  });

  afterEach(async () => {
    frame.remove();
    await server.stop();
  });

  it('is served with the policy (an inline style attribute is refused and reported)', async () => {
    const probe = doc.createElement('i');
    probe.setAttribute('style', 'color: red');
    doc.body.append(probe);
    await waitUntil(() => page.cspViolations.length > 0, 'the inline style was not reported', patiently);
    expect(page.getComputedStyle(probe).color).to.not.equal('rgb(255, 0, 0)');
    expect(page.cspViolations[0]).to.include('style-src');
    expect(() => { probe.innerHTML = '<b>x</b>'; }, 'Trusted Types are enforced').to.throw(/TrustedHTML/);
  });

  it('renders templates, URL and style bindings, keyed lists, entries and html mode with no violation', async () => {
    await server.untilOpen(1);
    const items = [{ id: 1, label: 'one' }, { id: 2, label: 'two' }, { id: 3, label: 'three' }];
    await server.push(
      { user: { name: 'Ada', url: '/users/ada', direction: 90, color: 'rgb(0, 128, 0)', items } },
      { note: '<p class="n">Hello <a href="https://example.com/">there</a><img src="x" onerror="top.__xss=1"></p>' },
      { line: { text: 'first', link: 'javascript:top.__xss=1' } },
      { line: { text: 'second', link: '/more' } },
    );
    const card = doc.getElementById('card')!;
    await waitUntil(() => card.querySelectorAll('li').length === 3 && doc.querySelectorAll('#log p').length === 2
      && doc.querySelector('#note p'), 'the page never rendered everything', patiently);
    expect(card.querySelector('a.profile')!.getAttribute('href')).to.equal('/users/ada');
    const face = card.querySelector<HTMLElement>('b.face')!;
    expect(face.style.transform).to.equal('rotate(90deg)');
    expect(page.getComputedStyle(face).transform).to.equal('matrix(0, 1, -1, 0, 0, 0)');
    expect(page.getComputedStyle(face).color).to.equal('rgb(0, 128, 0)');
    expect(doc.querySelector('#note a')!.getAttribute('href')).to.equal('https://example.com/');
    expect(doc.querySelector('#note img')!.hasAttribute('onerror')).to.equal(false);
    const links = [...doc.querySelectorAll('#log p a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal([null, '/more']);

    const first = card.querySelector('li[data-id="1"]')!;
    const input = first.querySelector('input')!;
    input.focus();
    await server.push({ user: { name: 'Ada', url: '/users/ada', direction: -90, color: 'rgb(0, 128, 0)', items: [...items].reverse() } });
    await waitUntil(() => card.querySelector('li')?.getAttribute('data-id') === '3', 'the list never reordered', patiently);
    expect(card.querySelector('li[data-id="1"]')).to.equal(first);
    expect(doc.activeElement === input, 'the moved input kept focus').to.equal(true);
    expect(page.getComputedStyle(face).transform).to.equal('matrix(0, -1, 1, 0, 0, 0)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(xssFired()).to.equal(false);
    expect(page.cspViolations).to.deep.equal([]);
  });

  it(`puts all ${XSS_CORPUS.length} vectors through html mode and through the DOMPurify fallback with no violation`, async () => {
    const corpus = doc.getElementById('corpus')!;
    XSS_CORPUS.forEach((_, index) => {
      const bind = doc.createElement('ws-bind');
      bind.setAttribute('source', 'feed');
      bind.setAttribute('mode', 'html');
      bind.setAttribute('select', `v[${index}]`);
      corpus.append(bind);
    });
    await server.untilOpen(1);
    await server.push({ v: XSS_CORPUS });
    await waitUntil(() => [...corpus.children].every((bind) => bind.getAttribute('state') === 'live'), 'not every vector rendered', patiently);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(page.cspViolations, 'through setHTML').to.deep.equal([]);
    const purify = await page.strictPage!.loadPurifySanitizer();
    const fallback = doc.createElement('div');
    corpus.append(fallback);
    for (const vector of XSS_CORPUS) fallback.append(purify(vector));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(xssFired(), 'a payload ran').to.equal(false);
    expect(codeCarriers(corpus)).to.deep.equal([]);
    expect(page.cspViolations, 'through DOMPurify').to.deep.equal([]);
  });
});
