/**
 * Connections come back by themselves (SPEC 3.1): after a drop, with failover
 * through the URLs of `src`, not after a 1008 close until the token changes
 * or `reconnect()`, not while the browser is offline, and not past
 * `max-retries`.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  expectCloseDetailTypes,
  find,
  mount,
  patiently,
  pause,
  recordAttribute,
  recordEvents,
  recordStates,
  statusLabel,
  unmountAll,
  untilState,
  untilText,
  type CloseDetail,
  type WsSourceElement,
} from './helpers.js';

/** Makes the browser look offline (or online again) to scripts, and tells the page, as a lost network does. */
function goOffline(offline: boolean): void {
  if (offline) Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  else delete (navigator as { onLine?: boolean }).onLine;
  dispatchEvent(new Event(offline ? 'offline' : 'online'));
}

/** The URL of a server that was started and stopped: connecting to it is refused. */
async function refusingUrl(path = '/'): Promise<string> {
  const gone = await TestServer.start();
  await gone.stop();
  return gone.url(path);
}

describe('connections come back by themselves', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    goOffline(false);
    unmountAll();
    await server.stop();
  });

  it('when the server drops every socket, the source reconnects and its bindings go stale, then live again', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="200"></ws-source>
      <ws-status source="feed"></ws-status>
      <ws-bind source="feed" select="v">—</ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const status = find(page, 'ws-status');
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 1 });
    await untilText(value, '1');
    await untilState(source, 'open');
    await untilState(value, 'live');

    const sourceStates = recordStates(source);
    const statusStates = recordStates(status);
    const valueStates = recordStates(value);
    const staleAttribute = recordAttribute(value, 'stale');
    await server.kill();

    await waitUntil(() => sourceStates.includes('reconnecting') && source.getAttribute('state') === 'open',
      `source went ${JSON.stringify(sourceStates)}`, patiently);
    expect(valueStates).to.include('stale');
    expect(staleAttribute.some((present) => present !== null), 'the stale attribute appeared').to.equal(true);
    expect(statusStates).to.include('reconnecting');
    await untilState(status, 'open');
    await untilState(value, 'live');
    expect(value.hasAttribute('stale')).to.equal(false);
    expect(value.textContent?.trim(), 'the last value stays while reconnecting').to.equal('1');

    await server.untilOpen(1);
    await server.push({ v: 2 });
    await untilText(value, '2');
    expect((await server.stats()).accepted).to.equal(2);
  });

  it('an element with only src reconnects its implicit connection too', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v"></ws-bind>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 'before' });
    await untilState(value, 'live');
    const states = recordStates(value);

    await server.kill();
    await waitUntil(async () => (await server.stats()).accepted === 2, 'never reconnected', patiently);
    await server.untilOpen(1);
    await server.push({ v: 'after' });
    await untilText(value, 'after');
    await untilState(value, 'live');
    expect(states).to.include('stale');
  });

  it('does not retry a close with 1008 until reconnect() is called', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const closes = recordEvents<CloseDetail>(source, 'ws-close');
    await server.untilOpen(1);
    await untilState(source, 'open');

    await server.closeAll(1008, 'wrong token');
    await untilState(source, 'failed');
    await waitUntil(() => closes.length > 0, 'no ws-close event', patiently);
    expect(closes[0].detail).to.deep.include({ code: 1008, reason: 'wrong token', willRetry: false });
    await pause(1000); // Twenty times max-delay: a retry would have happened by now.
    expect((await server.stats()).accepted).to.equal(1);
    expect(source.getAttribute('state')).to.equal('failed');

    source.reconnect();
    await untilState(source, 'open');
    await server.untilOpen(1);
    expect((await server.stats()).accepted).to.equal(2);
    await server.push({ v: 'back' });
    await untilText(find(page, 'ws-bind'), 'back');
  });

  it('after a 1008 close retries only once the token changes, then with the new token', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" token="old" token-param="key" min-delay="50" max-delay="200"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    await server.untilOpen(1);
    expect(await server.paths()).to.deep.equal(['/?key=old']);

    await server.closeAll(1008, 'wrong token');
    await untilState(source, 'failed');
    expect((await server.stats()).accepted).to.equal(1);
    source.setAttribute('token', 'new');
    await untilState(source, 'open');
    expect((await server.stats()).accepted).to.equal(2);
    expect(await server.paths()).to.deep.equal(['/?key=new']);
  });

  it('fails over to the next URL in src when the first refuses', async () => {
    const page = mount(`
      <ws-source id="feed" src="${await refusingUrl()} ${server.url('/second')}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    await untilState(source, 'open');
    expect(source.url).to.equal(server.url('/second'));
    expect(await server.paths()).to.deep.equal(['/second']);
    await server.push({ v: 'from the second' });
    await untilText(find(page, 'ws-bind'), 'from the second');
  });

  it('gives up after max-retries and shows failed', async () => {
    const page = mount(`
      <ws-source id="feed" src="${await refusingUrl()}" min-delay="50" max-delay="100" max-retries="2"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const states = recordStates(source);
    await untilState(source, 'failed');
    expect(states).to.include('reconnecting');
  });

  it('a refused connection\'s ws-close detail is {code: number, reason: string, willRetry, retryIn}', async () => {
    const page = mount(`<ws-source src="${await refusingUrl()}" min-delay="50" max-delay="100"></ws-source>`);
    const closes = recordEvents<CloseDetail>(find(page, 'ws-source'), 'ws-close');
    await waitUntil(() => closes.length > 0, 'no ws-close', patiently);
    expectCloseDetailTypes(closes[0].detail);
    expect(closes[0].detail.willRetry).to.equal(true);
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
});
