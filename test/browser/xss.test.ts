/**
 * Templates and HTML you can trust: an XSS corpus pushed through
 * `mode="html"`, through templates (text, attributes, URL attributes, style,
 * append entries and nested `each` items) and through plain text. No payload
 * runs, checked by the flag it would set and by inspecting the inserted DOM;
 * ordinary markup survives both sanitizers.
 */
import { expect, nextFrame, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { hasSetHtml, loadPurifySanitizer, sanitizeWithSetHtml, type HtmlSanitizer } from '../../src/core/sanitize-html.js';
import { TestServer, find, mount, patiently, unmountAll } from './helpers.js';
import { XSS_CORPUS, codeCarriers, xssFired } from './xss-corpus.js';

/** One vector's item: text, plain and URL attributes, an SVG link and a style binding. */
const ITEM = `<div class="vector"><p title="{{ . }}" data-note="a {{ . }} b">{{ . }}</p><a class="url" href="{{ . }}">1</a>`
  + `<a href="/go?to={{ . }}">2</a><img src="{{ . }}" alt="{{ . }}"><form action="{{ . }}"><button formaction="{{ . }}">b</button></form>`
  + `<video poster="{{ . }}"></video><blockquote cite="{{ . }}">q</blockquote>`
  + `<svg><a href="{{ . }}"><text>s</text></a><a xlink:href="{{ . }}"><text>t</text></a></svg>`
  + `<span style="color: {{ . }}; transform: rotate({{ . }}deg)">s</span></div>`;

const ORDINARY = '<p id="intro" class="lead" title="Hello" role="note" aria-label="intro" data-id="7" style="color:red">Hi '
  + '<a href="https://example.com/a">link</a> <a href="mailto:ada@example.com">mail</a> <img src="/logo.png" alt="Logo"></p>'
  + '<ul><li>one</li></ul><ol><li>two</li></ol><table><thead><tr><th scope="col">h</th></tr></thead>'
  + '<tbody><tr><td colspan="2">c</td></tr></tbody></table>';

/** Waits long enough for anything a payload could trigger on its own (image errors, refreshes, frames) to happen. */
async function settle(): Promise<void> {
  await nextFrame();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await nextFrame();
}

/** Checks ordinary markup came through a sanitizer with its allowances and without inline style. */
function expectOrdinaryKept(root: ParentNode): void {
  const intro = root.querySelector<HTMLElement>('p#intro');
  expect(intro, 'the paragraph with its id').to.not.equal(null);
  expect(intro!.className).to.equal('lead');
  expect(intro!.title).to.equal('Hello');
  expect(intro!.getAttribute('role')).to.equal('note');
  expect(intro!.getAttribute('aria-label')).to.equal('intro');
  expect(intro!.dataset.id).to.equal('7');
  expect(intro!.hasAttribute('style')).to.equal(false);
  expect(root.querySelector('a[href="https://example.com/a"]')).to.not.equal(null);
  expect(root.querySelector('a[href="mailto:ada@example.com"]')).to.not.equal(null);
  expect(root.querySelector('img[src="/logo.png"][alt="Logo"]')).to.not.equal(null);
  expect(root.querySelectorAll('ul > li, ol > li')).to.have.length(2);
  expect(root.querySelector('table th[scope="col"]')).to.not.equal(null);
  expect(root.querySelector('td[colspan="2"]')?.textContent).to.equal('c');
}

describe('templates and HTML you can trust', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
    delete (window as unknown as { __xss?: unknown }).__xss;
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

  it(`runs none of ${XSS_CORPUS.length} vectors through mode="html", templates, append entries, each items and plain text`, async () => {
    expect(XSS_CORPUS.length).to.be.at.least(60);
    const src = server.url();
    const perVector = XSS_CORPUS.map((_, index) => `
      <ws-bind class="html" src="${src}" mode="html" select="v[${index}]"></ws-bind>
      <ws-bind class="text" src="${src}" select="v[${index}]"></ws-bind>
      <ws-bind class="entry" src="${src}" mode="append" select="v[${index}]"><template>${ITEM}</template></ws-bind>`).join('');
    const page = mount(`${perVector}
      <ws-bind class="list" src="${src}" select="v"><template><section><template each=".">${ITEM}</template></section></template></ws-bind>`);
    const binds = [...page.querySelectorAll('ws-bind')];
    await server.untilOpen(1);
    await server.push({ v: XSS_CORPUS });
    await waitUntil(() => binds.every((bind) => bind.getAttribute('state') === 'live'), 'not every element rendered', patiently);
    await settle();

    expect(xssFired(), 'a payload ran').to.equal(false);
    for (const bind of binds) {
      const carriers = codeCarriers(bind, [...bind.querySelectorAll(':scope > template')]);
      expect(carriers, `${bind.className} ${bind.getAttribute('select')}: ${bind.innerHTML.slice(0, 300)}`).to.deep.equal([]);
    }
    page.querySelectorAll<HTMLElement>('ws-bind.text').forEach((bind, index) => {
      expect(bind.textContent).to.equal(XSS_CORPUS[index]);
      expect(bind.children).to.have.length(0);
    });
    const items = page.querySelectorAll('ws-bind.list .vector');
    expect(items).to.have.length(XSS_CORPUS.length);
    items.forEach((item, index) => {
      expect(item.querySelector('p')!.textContent).to.equal(XSS_CORPUS[index]);
      expect(item.querySelector('p')!.title).to.equal(XSS_CORPUS[index]);
    });
  });

  it('leaves out a URL attribute whose URL is not relative, http, https, mailto or tel, and keeps one that is', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template><template each="urls"><a href="{{ . }}">x</a><img src="{{ . }}"></template></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    const refused = ['java\tscript:alert(1)', 'java\nscript:alert(1)', '\x01javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x'];
    const allowed = ['/users/7', 'https://example.com/', 'mailto:ada@example.com', 'tel:+441234', '?page=2', 'http://example.com/'];
    await server.push({ urls: [...refused, ...allowed] });
    await waitUntil(() => bind.querySelectorAll('a').length === refused.length + allowed.length, 'the links never rendered', patiently);
    const links = [...bind.querySelectorAll('a')];
    expect(links.slice(0, refused.length).map((link) => link.hasAttribute('href'))).to.deep.equal(refused.map(() => false));
    expect(links.slice(refused.length).map((link) => link.getAttribute('href'))).to.deep.equal(allowed);
    expect([...bind.querySelectorAll('img')].slice(0, refused.length).some((image) => image.hasAttribute('src'))).to.equal(false);
  });

  it('judges a URL attribute on its whole value, not on each binding in it', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template><a href="{{ scheme }}:{{ rest }}">x</a></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ scheme: 'javascript', rest: 'alert(1)' });
    await waitUntil(() => bind.querySelector('a'), 'the link never rendered', patiently);
    expect(find(bind, 'a').hasAttribute('href')).to.equal(false);
    await server.push({ scheme: 'https', rest: '//example.com/' });
    await waitUntil(() => bind.querySelector('a')?.getAttribute('href') === 'https://example.com/', 'the safe URL never came', patiently);
  });

  it('writes style bindings through the CSSOM: a bound value cannot add declarations', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template><b style="transform: rotate({{ direction }}deg); color: {{ color }}; margin: 2px !important">x</b></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ direction: 90, color: 'red' });
    await waitUntil(() => bind.querySelector('b'), 'never rendered', patiently);
    const face = find(bind, 'b');
    expect(face.style.transform).to.equal('rotate(90deg)');
    expect(face.style.color).to.equal('red');
    expect(face.style.getPropertyPriority('margin-top')).to.equal('important');
    await server.push({ direction: 180, color: 'blue; background-image: url(https://example.com/track)' });
    await waitUntil(() => face.style.transform === 'rotate(180deg)', 'the rotation never changed', patiently);
    expect(face.style.color).to.equal('');
    expect(face.style.backgroundImage).to.equal('');
  });

  it('keeps ordinary markup through setHTML, through DOMPurify and through the element', async () => {
    expect(hasSetHtml(), 'this Chromium has Element.setHTML').to.equal(true);
    const sanitizers: [string, HtmlSanitizer][] = [['setHTML', sanitizeWithSetHtml], ['DOMPurify', await loadPurifySanitizer()]];
    for (const [name, sanitize] of sanitizers) {
      const holder = document.createElement('div');
      holder.append(sanitize(ORDINARY));
      try {
        expectOrdinaryKept(holder);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
      }
    }
    const page = mount(`<ws-bind src="${server.url()}" mode="html"></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push(ORDINARY);
    await waitUntil(() => bind.querySelector('table'), 'the HTML never rendered', patiently);
    expectOrdinaryKept(bind);
  });

  it('runs none of the vectors through either sanitizer directly', async () => {
    for (const [name, sanitize] of [['setHTML', sanitizeWithSetHtml], ['DOMPurify', await loadPurifySanitizer()]] as const) {
      const holder = mount('');
      for (const vector of XSS_CORPUS) holder.append(sanitize(vector));
      await settle();
      expect(xssFired(), `${name}: a payload ran`).to.equal(false);
      expect(codeCarriers(holder), name).to.deep.equal([]);
    }
  });
});
