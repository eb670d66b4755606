/**
 * `<ws-source>` and the connection under it (SPEC 3.1): SSE, tokens, its
 * events and custom states, and the back/forward cache.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsCloseDetail, WsErrorDetail, WsMessageDetail, WsSourceElement } from '../../src/index.js';
import { TestServer, find, mount, patiently, recordEvents, untilState, untilText, useTestServer } from './helpers.js';

describe('<ws-source> and its connection', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

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

  it('forwards every message as a ws-message event', async () => {
    const page = mount(`<ws-source id="feed" src="${server.url()}"></ws-source>`);
    const messages = recordEvents<{ data: unknown }>(page, 'ws-message');
    await server.untilOpen(1);
    await server.push({ a: 1 }, 'text');
    await waitUntil(() => messages.length === 2, 'no ws-message events', patiently);
    expect(messages.map((event) => event.detail.data)).to.deep.equal([{ a: 1 }, 'text']);
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
