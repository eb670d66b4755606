import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  find,
  mount,
  patiently,
  pause,
  recordAttribute,
  recordEvents,
  recordStates,
  unmountAll,
  untilState,
  untilText,
  type WsSourceElement,
} from './helpers.js';

describe('connections come back by themselves', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
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

  it('goes stale after stale-after ms of silence and is live again on the next message', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v" stale-after="300"></ws-bind>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 1 });
    await untilState(value, 'live');

    await untilState(value, 'stale');
    expect(value.hasAttribute('stale')).to.equal(true);
    expect(value.textContent?.trim()).to.equal('1');

    await server.push({ v: 2 });
    await untilText(value, '2');
    await untilState(value, 'live');
    expect(value.hasAttribute('stale')).to.equal(false);
  });

  it('does not retry a close with 1008 until reconnect() is called', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const closes = recordEvents<{ code: number; willRetry: boolean }>(source, 'ws-close');
    await server.untilOpen(1);
    await untilState(source, 'open');

    await server.closeAll(1008, 'wrong token');
    await untilState(source, 'failed');
    await waitUntil(() => closes.length > 0, 'no ws-close event', patiently);
    expect(closes[0].detail.code).to.equal(1008);
    expect(closes[0].detail.willRetry).to.equal(false);
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

  it('a changed token ends the wait after a 1008 close', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" token="old" token-param="key" min-delay="50" max-delay="200"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    await server.untilOpen(1);
    expect(await server.paths()).to.deep.equal(['/?key=old']);

    await server.closeAll(1008, 'wrong token');
    await untilState(source, 'failed');
    source.setAttribute('token', 'new');
    await untilState(source, 'open');
    expect(await server.paths()).to.deep.equal(['/?key=new']);
  });

  it('fails over to the next URL in src when the first cannot be reached', async () => {
    const gone = await TestServer.start();
    await gone.stop();
    const page = mount(`
      <ws-source id="feed" src="${gone.url()} ${server.url()}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    await server.untilOpen(1);
    await untilState(find(page, 'ws-source'), 'open');
    expect(find<WsSourceElement>(page, 'ws-source').url).to.equal(server.url());
    await server.push({ v: 'from the second' });
    await untilText(find(page, 'ws-bind'), 'from the second');
  });

  it('gives up after max-retries and shows failed', async () => {
    const gone = await TestServer.start();
    await gone.stop();
    const page = mount(`
      <ws-source id="feed" src="${gone.url()}" min-delay="50" max-delay="100" max-retries="2"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const states = recordStates(source);
    await untilState(source, 'failed');
    expect(states).to.include('reconnecting');
  });

  it('sends what the page sends, queueing it while the connection is down', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="300" max-delay="400"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    source.send({ hello: 1 });
    await waitUntil(async () => (await server.stats()).received.length === 1, 'nothing arrived', patiently);

    await server.kill();
    await untilState(source, 'reconnecting');
    source.send({ hello: 2 });
    source.send('plain text');
    await untilState(source, 'open');
    await waitUntil(async () => (await server.stats()).received.length === 3, 'the queue was not sent', patiently);
    expect((await server.stats()).received).to.deep.equal(['{"hello":1}', '{"hello":2}', 'plain text']);
  });

  it('forwards every message as a ws-message event', async () => {
    const page = mount(`<ws-source id="feed" src="${server.url()}"></ws-source>`);
    const messages = recordEvents<{ data: unknown }>(page, 'ws-message');
    await server.untilOpen(1);
    await server.push({ a: 1 }, 'text');
    await waitUntil(() => messages.length === 2, 'no ws-message events', patiently);
    expect(messages.map((event) => event.detail.data)).to.deep.equal([{ a: 1 }, 'text']);
  });
});
