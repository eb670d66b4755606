import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, find, mount, patiently, pause, untilText, useTestServer } from './helpers.js';

/** One text the shared live region took, and when. */
interface Announcement {
  text: string;
  at: number;
}

/** Records every new non-empty text of the page's `[aria-live]` regions. */
function recordAnnouncements(): { announcements: Announcement[]; stop: () => void } {
  const announcements: Announcement[] = [];
  const last = new Map<Element, string>();
  const observer = new MutationObserver(() => {
    for (const region of document.querySelectorAll('[aria-live]')) {
      const text = region.textContent?.trim() ?? '';
      if (text !== '' && text !== last.get(region)) announcements.push({ text, at: performance.now() });
      last.set(region, text);
    }
  });
  observer.observe(document.documentElement, { childList: true, characterData: true, subtree: true });
  return { announcements, stop: () => observer.disconnect() };
}

describe('announce keeps screen readers informed without drowning them', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('a binding updated 100 times in 2 s is announced at most once per announce-every', async () => {
    const announceEvery = 1000;
    const page = mount(
      `<ws-bind src="${server.url()}" select="v" announce="polite" announce-every="${announceEvery}"></ws-bind>`,
    );
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    const { announcements, stop } = recordAnnouncements();

    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      await server.push({ v: `price ${i}` });
      await pause(20);
    }
    await untilText(value, 'price 99');
    await pause(announceEvery); // Let a trailing announcement through, if the element makes one.
    stop();
    const elapsed = performance.now() - started;

    const regions = document.querySelectorAll('[aria-live]');
    expect(regions.length, 'one shared live region').to.equal(1);
    expect(regions[0].getAttribute('aria-live')).to.equal('polite');
    expect(announcements.length, 'announcements made').to.be.greaterThan(0);
    expect(announcements.length, JSON.stringify(announcements)).to.be.at.most(Math.floor(elapsed / announceEvery) + 1);
    for (const { text } of announcements) expect(text).to.match(/^price \d+$/);
  });

  it('two announcing bindings share one live region', async () => {
    const page = mount(`
      <ws-bind id="a" src="${server.url()}" select="a" announce="polite" announce-every="200"></ws-bind>
      <ws-bind id="b" src="${server.url()}" select="b" announce="polite" announce-every="200"></ws-bind>`);
    await server.untilOpen(1);
    await server.push({ a: 'alpha', b: 'beta' });
    await untilText(find(page, '#a'), 'alpha');
    await untilText(find(page, '#b'), 'beta');
    await waitUntil(
      () => /alpha|beta/.test(document.querySelector('[aria-live]')?.textContent ?? ''),
      'neither binding was announced',
      patiently,
    );
    expect(document.querySelectorAll('[aria-live]').length).to.equal(1);
  });
});
