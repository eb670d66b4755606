/**
 * SPEC 3.1 and 3.4 statements the other suites did not cover: the bounded
 * send queue, what a connection and its status do while the browser is
 * offline, a heartbeat ping when the page becomes visible, and a status that
 * announces state changes but not its countdown, and elements that name a
 * misconfigured source.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsErrorDetail } from '../../src/index.js';
import {
  TestServer, find, hidePage, mount, patiently, pause, recordEvents, showPage, unmountAll, untilState,
  type WsSourceElement,
} from './helpers.js';

/** Makes the browser look offline (or online again) to scripts, and tells the page, as a lost network does. */
function goOffline(offline: boolean): void {
  if (offline) Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  else delete (navigator as { onLine?: boolean }).onLine;
  dispatchEvent(new Event(offline ? 'offline' : 'online'));
}

/** What a screen reader reads of `node`: its text, through shadow roots and slots, without `aria-hidden` subtrees. */
function spokenText(node: Node): string {
  if (node instanceof Text) return node.data;
  if (!(node instanceof Element || node instanceof ShadowRoot)) return '';
  if (node instanceof Element && (node.getAttribute('aria-hidden') === 'true' || node.localName === 'style')) return '';
  const assigned = node instanceof HTMLSlotElement ? node.assignedNodes() : [];
  const children = node instanceof Element && node.shadowRoot ? [node.shadowRoot] : [...(assigned.length > 0 ? assigned : node.childNodes)];
  return children.map(spokenText).join('');
}

/** The text the status shows, slotted or its own. */
function statusLabel(status: Element): string {
  return status.shadowRoot?.querySelector('[part~="label"]')?.textContent?.trim() ?? '';
}

describe('<ws-source> queue and offline (SPEC 3.1, 3.4)', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    goOffline(false);
    showPage();
    unmountAll();
    await server.stop();
  });

  it('keeps the newest queue raw sends while down, dropping the oldest with one ws-error', async () => {
    const page = mount(`<ws-source src="${server.url()}" queue="2" min-delay="1500" max-delay="2000"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const errors = recordEvents<WsErrorDetail>(source, 'ws-error');
    await untilState(source, 'open');
    source.addEventListener('ws-close', () => {
      for (let i = 1; i <= 5; i++) source.send(`m${i}`);
    }, { once: true });

    await server.kill();
    await untilState(source, 'open');
    await waitUntil(async () => (await server.stats()).received.length === 2, 'the queue was not sent', patiently);
    expect((await server.stats()).received).to.deep.equal(['m4', 'm5']);
    expect(errors.map((event) => event.detail.kind)).to.deep.equal(['network']);
    expect(errors[0].detail.message).to.include('2');
  });

  it('while the browser is offline shows Offline and reconnects only once it is online', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="100"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const status = find(page, 'ws-status');
    await untilState(source, 'open');
    const accepted = (await server.stats()).accepted;

    goOffline(true);
    await server.kill();
    await untilState(source, 'reconnecting');
    await waitUntil(() => statusLabel(status) === 'Offline', `the status says "${statusLabel(status)}"`, patiently);
    // Let several backoff delays pass: no attempt may reach the server while offline.
    await pause(600);
    expect((await server.stats()).accepted, 'connections accepted while offline').to.equal(accepted);

    goOffline(false);
    await untilState(source, 'open');
    await waitUntil(() => statusLabel(status) === 'Live', `the status says "${statusLabel(status)}"`, patiently);
    expect((await server.stats()).accepted).to.equal(accepted + 1);
  });

  it('pings as soon as the page becomes visible again', async () => {
    const page = mount(`<ws-source src="${server.url()}" heartbeat="600000" heartbeat-message="hb"></ws-source>`);
    await untilState(find(page, 'ws-source'), 'open');
    hidePage();
    // The next ping is ten minutes away: a ping now can only come from the page becoming visible.
    showPage();
    await waitUntil(async () => {
      // As the browser fires it: at the document, bubbling to the window.
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      return (await server.stats()).received.includes('hb');
    }, 'no ping when the page became visible', patiently);
  });

  it('announces state changes through role="status", but not the countdown', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="3000" max-delay="4000"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const status = find(page, 'ws-status');
    await waitUntil(() => statusLabel(status) === 'Live', 'never live', patiently);
    const spoken: string[] = [];
    const listen = (): void => {
      const text = spokenText(status).trim();
      if (spoken.at(-1) !== text) spoken.push(text);
    };
    const observer = new MutationObserver(listen);
    observer.observe(status.shadowRoot!, { childList: true, characterData: true, subtree: true });

    await server.kill();
    await waitUntil(() => /^Reconnecting in \d+ s$/.test(statusLabel(status)), 'no countdown', patiently);
    const firstCount = statusLabel(status);
    await waitUntil(() => /^Reconnecting in \d+ s$/.test(statusLabel(status)) && statusLabel(status) !== firstCount
      || statusLabel(status) === 'Live', 'the countdown never moved', patiently);
    await waitUntil(() => statusLabel(status) === 'Live', 'never live again', patiently);
    observer.disconnect();
    expect(status.getAttribute('role')).to.equal('status');
    expect(spoken.filter((text) => /\d/.test(text)), 'countdown texts read out').to.deep.equal([]);
    expect(spoken).to.include('Reconnecting');
  });

  it('shows a misconfigured source\'s error on the status and bindings that name it, until it is fixed', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" transport="pigeon"></ws-source>
      <ws-status source="feed"></ws-status>
      <ws-bind source="feed" select="v">—</ws-bind>`);
    const [source, status, value] = ['ws-source', 'ws-status', 'ws-bind'].map((tag) => find(page, tag));
    const errors = recordEvents<WsErrorDetail>(value, 'ws-error');
    await untilState(source, 'error');
    await untilState(status, 'error');
    await untilState(value, 'error');
    await waitUntil(() => errors.some((event) => event.detail.kind === 'config' && event.detail.message.includes('"feed"')),
      'no config ws-error naming the source', patiently);

    source.setAttribute('transport', 'ws');
    await untilState(status, 'open');
    expect(source.getAttribute('state')).to.equal('open');
    await server.push({ v: 'fixed' });
    await untilState(value, 'live');
    expect(value.textContent?.trim()).to.equal('fixed');
  });
});
