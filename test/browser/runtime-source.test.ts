/**
 * `<ws-source>` and the connection under it against the raw test server:
 * SSE, failover, tokens, events and states, the page lifecycle; and the
 * `<ws-bind>` rendering modes the acceptance suites do not cover.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsCloseDetail, WsErrorDetail, WsMessageDetail, WsSourceElement } from '../../src/index.js';
import {
  TestServer,
  entryTexts,
  find,
  mount,
  patiently,
  recordEvents,
  unmountAll,
  untilEntries,
  untilState,
  untilText,
} from './helpers.js';

describe('<ws-source> and its connection', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

  it('reads server-sent events with transport="sse", and refuses a topic on it', async () => {
    const page = mount(`
      <ws-source id="events" transport="sse" src="${server.eventsUrl()}"></ws-source>
      <ws-bind id="value" source="events" select="v">—</ws-bind>
      <ws-bind id="topic" source="events" topic="chat">—</ws-bind>`);
    const topic = find(page, '#topic');
    const errors = recordEvents<WsErrorDetail>(topic, 'ws-error');
    await untilState(find(page, 'ws-source'), 'open');
    await waitUntil(async () => (await server.eventStreams()) === 1, 'no event stream', patiently);
    await server.pushEvents({ v: 'from sse' });
    await untilText(find(page, '#value'), 'from sse');
    await untilState(topic, 'error');
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail.kind).to.equal('config');
    expect(errors[0].detail.message).to.include('"chat"');
    expect(topic.textContent).to.equal('—');
  });

  it('fails over to the next URL of src when the first refuses', async () => {
    const page = mount(`<ws-source src="ws://127.0.0.1:1/ ${server.url('/second')}" min-delay="50" max-delay="100"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    await untilState(source, 'open');
    expect(source.url).to.equal(server.url('/second'));
    expect(await server.paths()).to.deep.equal(['/second']);
  });

  it('sends token in the first frame, or in the URL with token-param', async () => {
    const page = mount(`
      <ws-source id="framed" src="${server.url('/framed')}" token="secret"></ws-source>
      <ws-source id="query" src="${server.url('/query')}" token="secret" token-param="key"></ws-source>`);
    await untilState(find(page, '#framed'), 'open');
    await untilState(find(page, '#query'), 'open');
    expect(find<WsSourceElement>(page, '#query').url).to.include('key=secret');
    await waitUntil(async () => (await server.stats()).received.length > 0, 'no auth frame', patiently);
    expect((await server.stats()).received).to.deep.equal([JSON.stringify({ type: 'auth', token: 'secret' })]);
  });

  it('after a 1008 close retries only once the token changes', async () => {
    const page = mount(`<ws-source src="${server.url()}" token="wrong" min-delay="50" max-delay="100"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const closes = recordEvents<WsCloseDetail>(source, 'ws-close');
    await untilState(source, 'open');
    await server.closeAll(1008, 'bad token');
    await untilState(source, 'failed');
    expect(closes[0].detail).to.deep.include({ code: 1008, reason: 'bad token', willRetry: false });
    expect((await server.stats()).accepted).to.equal(1);
    source.setAttribute('token', 'right');
    await untilState(source, 'open');
    expect((await server.stats()).accepted).to.equal(2);
  });

  it('dispatches ws-state, ws-open, ws-message and ws-close, and shows custom states', async () => {
    const page = mount(`
      <ws-source src="${server.url()}" min-delay="2000" max-delay="3000"></ws-source>
      <ws-bind src="${server.url()}" select="v"></ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const states = recordEvents<{ state: string }>(page, 'ws-state');
    const opens = recordEvents(page, 'ws-open');
    const messages = recordEvents<WsMessageDetail>(page, 'ws-message');
    const closes = recordEvents<WsCloseDetail>(page, 'ws-close');
    await untilState(source, 'open');
    expect(source.matches(':state(open)')).to.equal(true);
    await server.untilOpen(2);
    await server.push({ v: 5 });
    const bind = find(page, 'ws-bind');
    await untilState(bind, 'live');
    expect(bind.matches(':state(live)')).to.equal(true);
    expect(messages.map((event) => event.detail.data)).to.deep.include({ v: 5 });
    expect(opens.length).to.equal(1);

    await server.kill();
    await untilState(source, 'reconnecting');
    const close = closes[0].detail;
    expect(close.willRetry).to.equal(true);
    expect(close.retryIn).to.be.within(1000, 2000);
    expect(states.map((event) => event.detail.state)).to.include.members(['open', 'reconnecting']);
  });

  it('closes with the page going into the back/forward cache and reopens when it comes back', async () => {
    const page = mount(`<ws-source src="${server.url()}"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    await untilState(source, 'open');
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await untilState(source, 'closed');
    await server.untilOpen(0);
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await untilState(source, 'open');
    expect((await server.stats()).accepted).to.equal(2);
  });
});

describe('<ws-bind> rendering modes', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

  it('mode="html" inserts sanitized HTML', async () => {
    const page = mount(`<ws-bind src="${server.url()}" mode="html" select="html"></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ html: '<b>bold</b><img onerror="window.hacked=1"><script>window.hacked=2</script>' });
    await untilText(bind, 'bold');
    expect(bind.querySelector('b')?.textContent).to.equal('bold');
    expect(bind.querySelector('script')).to.equal(null);
    expect(bind.querySelector('img')?.hasAttribute('onerror')).to.equal(false);
  });

  it('text is always set as text', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="t"></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ t: '<b>not bold</b>' });
    await untilText(bind, '<b>not bold</b>');
    expect(bind.querySelector('b')).to.equal(null);
  });

  it('mode="prepend" puts the newest entry first and keeps limit entries', async () => {
    const page = mount(`<ws-bind src="${server.url()}" mode="prepend" limit="2" select="n">none yet</ws-bind>`);
    const log = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ n: 1 });
    await untilEntries(log, ['1']);
    await server.push({ n: 2 }, { n: 3 });
    await untilEntries(log, ['3', '2']);
    expect(log.textContent).not.to.include('none yet');
  });

  it('a path that does not resolve leaves the element unchanged, without an error', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="a.b">—</ws-bind>`);
    const bind = find(page, 'ws-bind');
    const errors = recordEvents(bind, 'ws-error');
    const updates = recordEvents(bind, 'ws-update');
    await server.untilOpen(1);
    await server.push({ a: { c: 1 } }, 'not json', { a: { b: 'yes' } });
    await untilText(bind, 'yes');
    expect(updates.length).to.equal(1);
    expect(errors.length).to.equal(0);
    expect(entryTexts(bind)).to.deep.equal([]);
  });
});
