/**
 * `heartbeat` (SPEC 3.1) finds a hung server: it pings, replaces a silent
 * connection (closing the old socket), keeps a talking one, and pings at once
 * when the page becomes visible.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  expectCloseDetailTypes,
  find,
  hidePage,
  keepPushing,
  mount,
  patiently,
  recordEvents,
  showPage,
  unmountAll,
  untilState,
  type CloseDetail,
  type WsSourceElement,
} from './helpers.js';

describe('heartbeat finds a hung server', () => {
  let server: TestServer;
  let stopPushing = (): void => {};

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    stopPushing();
    showPage();
    unmountAll();
    await server.silent(false);
    await server.stop();
  });

  it('replaces a connection that went silent and closes the old socket instead of leaking it', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" heartbeat="300" min-delay="50" max-delay="200"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    stopPushing = keepPushing(server, 100, (i) => ({ v: `before ${i}` }));
    await waitUntil(() => value.textContent?.includes('before'), 'nothing rendered', patiently);
    stopPushing();

    await server.silent(true);
    await waitUntil(async () => (await server.stats()).accepted >= 2, 'the silent connection was never replaced', patiently);

    await server.silent(false);
    stopPushing = keepPushing(server, 100, (i) => ({ v: `after ${i}` }));
    await server.untilOpen(1);
    await waitUntil(() => value.textContent?.includes('after'), 'the new connection never rendered', patiently);
    await untilState(find<WsSourceElement>(page, 'ws-source'), 'open');
    expect((await server.stats()).open).to.equal(1);
  });

  it('sends heartbeat-message every heartbeat ms on a raw connection', async () => {
    mount(`<ws-source id="feed" src="${server.url()}" heartbeat="200" heartbeat-message="ping"></ws-source>`);
    await server.untilOpen(1);
    await waitUntil(
      async () => (await server.stats()).received.filter((text) => text === 'ping').length >= 2,
      'the server never got two pings',
      patiently,
    );
  });

  it('keeps a connection that keeps talking', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" heartbeat="500"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    await server.untilOpen(1);
    stopPushing = keepPushing(server, 100, (i) => ({ v: i }));
    // Five heartbeat periods of steady traffic.
    await waitUntil(() => Number(find(page, 'ws-bind').textContent) >= 25, 'the feed stalled', patiently);
    expect((await server.stats()).accepted).to.equal(1);
  });

  it('a replaced connection\'s ws-close detail is {code: number, reason: string, willRetry, retryIn}', async () => {
    const page = mount(`<ws-source id="feed" src="${server.url()}" heartbeat="300" min-delay="50" max-delay="200"></ws-source>`);
    const source = find(page, 'ws-source');
    await untilState(source, 'open');
    const closes = recordEvents<CloseDetail>(source, 'ws-close');
    await server.silent(true);
    await waitUntil(() => closes.length > 0, 'the silent connection was never replaced', patiently);
    expectCloseDetailTypes(closes[0].detail);
    expect(closes[0].detail.willRetry).to.equal(true);
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
});
