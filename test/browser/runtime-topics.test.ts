/**
 * Topic mode of the client runtime, against the raw test server playing a
 * topic server: it sends `welcome`, events, snapshots and patches by hand,
 * and the tests read what the client sent back.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { WsErrorDetail } from '../../src/index.js';
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
  type WsBindElement,
} from './helpers.js';

type Sent = Record<string, unknown>;

/** The JSON messages the server received, oldest first. */
async function sent(server: TestServer): Promise<Sent[]> {
  return (await server.stats()).received.map((text) => JSON.parse(text) as Sent);
}

/** Waits until the server received a message for which `test` holds; returns every message so far. */
async function untilSent(server: TestServer, test: (message: Sent) => boolean, what: string): Promise<Sent[]> {
  let messages: Sent[] = [];
  await waitUntil(async () => {
    messages = await sent(server);
    return messages.some(test);
  }, `the client never sent ${what}`, { ...patiently, interval: 50 });
  return messages;
}

function resetStats(server: TestServer): Promise<unknown> {
  return executeServerCommand('raw:reset-stats', { port: server.port });
}

const welcome = (id = 'c1', resume = 'r1') => ({ type: 'welcome', id, resume });
const event = (topic: string, pos: string, data: unknown) => ({ type: 'event', topic, pos, data });

describe('the runtime in topic mode', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

  it('subscribes after welcome, unpacks batches, ignores replayed duplicates and resumes with since after a drop', async () => {
    const page = mount(`<ws-bind src="${server.url()}" topic="chat" select="text" mode="append">no lines</ws-bind>`);
    const log = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    expect(await sent(server)).to.deep.equal([]);

    await server.push(welcome());
    await untilSent(server, (m) => m.type === 'subscribe' && m.topic === 'chat', 'subscribe chat');
    await server.push({ type: 'subscribed', topic: 'chat', pos: 'e1:0', recovered: true });
    await server.push([event('chat', 'e1:1', { text: 'a' }), event('chat', 'e1:2', { text: 'b' })]);
    await untilEntries(log, ['a', 'b']);
    await untilState(log, 'live');

    await server.push(event('chat', 'e1:2', { text: 'duplicate' }), event('chat', 'e1:3', { text: 'c' }));
    await untilEntries(log, ['a', 'b', 'c']);

    await resetStats(server);
    await server.kill();
    await untilState(log, 'stale');
    await server.untilOpen(1);
    const messages = await untilSent(server, (m) => m.type === 'subscribe', 'a resubscribe');
    expect(messages[0]).to.deep.equal({ type: 'auth', resume: 'r1' });
    expect(messages[1]).to.deep.equal({ type: 'subscribe', topic: 'chat', since: 'e1:3' });

    await server.push(welcome('c1', 'r2'), event('chat', 'e1:3', { text: 'replayed' }), event('chat', 'e1:4', { text: 'd' }));
    await server.push({ type: 'subscribed', topic: 'chat', pos: 'e1:4', recovered: true });
    await untilEntries(log, ['a', 'b', 'c', 'd']);
    await untilState(log, 'live');
    expect(entryTexts(log)).not.to.include('replayed');
  });

  it('applies snapshot and patches to a local copy that select reads, and shares one subscription', async () => {
    const page = mount(`
      <ws-bind id="aapl" src="${server.url()}" topic="ticker" select="AAPL.price">—</ws-bind>
      <ws-bind id="msft" src="${server.url()}" topic="ticker" select="MSFT.price">—</ws-bind>`);
    await server.untilOpen(1);
    await server.push(welcome());
    const messages = await untilSent(server, (m) => m.type === 'subscribe', 'subscribe ticker');
    expect(messages.filter((m) => m.type === 'subscribe')).to.have.length(1);

    await server.push(
      { type: 'snapshot', topic: 'ticker', pos: 't:5', data: { AAPL: { price: 10 }, MSFT: { price: 20 } } },
      { type: 'subscribed', topic: 'ticker', pos: 't:5', recovered: true },
      { type: 'patch', topic: 'ticker', pos: 't:6', data: { AAPL: { price: 11 } } },
    );
    await untilText(find(page, '#aapl'), '11');
    await untilText(find(page, '#msft'), '20');
    await untilState(find(page, '#aapl'), 'live');
    expect(find(page, '#aapl').dataset.trend).to.equal('up');

    const late = mount(`<ws-bind src="${server.url()}" topic="ticker" select="MSFT.price">—</ws-bind>`);
    await untilText(find(late, 'ws-bind'), '20');
    expect((await sent(server)).filter((m) => m.type === 'subscribe')).to.have.length(1);
  });

  it('goes stale on reset until fresh data arrives', async () => {
    const page = mount(`<ws-bind src="${server.url()}" topic="news" select="title"></ws-bind>`);
    const news = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push(welcome());
    await untilSent(server, (m) => m.type === 'subscribe', 'subscribe news');
    await server.push({ type: 'subscribed', topic: 'news', pos: 'a:0', recovered: true }, event('news', 'a:1', { title: 'one' }));
    await untilState(news, 'live');

    await server.push({ type: 'reset', topic: 'news', pos: 'b:7' });
    await untilState(news, 'stale');
    await server.push(event('news', 'b:8', { title: 'two' }));
    await untilText(news, 'two');
    await untilState(news, 'live');
  });

  it('subscribes inbox/@me as this connection\'s inbox, with history and since as the elements ask', async () => {
    const page = mount(`
      <ws-bind id="inbox" src="${server.url()}" topic="inbox/@me" select="text"></ws-bind>
      <ws-bind src="${server.url()}" topic="chat/a" history="5" select="text"></ws-bind>
      <ws-bind id="rendered" src="${server.url()}" topic="chat/b" since="x:9" select="text" mode="append" limit="2"><div>server line</div></ws-bind>`);
    await server.untilOpen(1);
    await server.push(welcome('c7'));
    const messages = await untilSent(server, (m) => m.topic === 'chat/b', 'every subscribe');
    const subscribes = (await untilSent(server, (m) => m.topic === 'inbox/c7', 'subscribe inbox/c7')).filter(
      (m) => m.type === 'subscribe',
    );
    expect(subscribes).to.deep.include({ type: 'subscribe', topic: 'inbox/c7' });
    expect(subscribes).to.deep.include({ type: 'subscribe', topic: 'chat/a', history: 5 });
    expect(messages).to.deep.include({ type: 'subscribe', topic: 'chat/b', since: 'x:9' });

    const rendered = find(page, '#rendered');
    expect(entryTexts(rendered)).to.deep.equal(['server line']);
    await server.push(event('chat/b', 'x:9', { text: 'old' }), event('chat/b', 'x:10', { text: 'new' }));
    await untilEntries(rendered, ['server line', 'new']);
    await server.push(event('inbox/c7', 'i:1', { text: 'hello you' }));
    await untilText(find(page, '#inbox'), 'hello you');
  });

  it('reports a server that never says welcome and stays waiting', async () => {
    const page = mount(`<ws-bind src="${server.url()}" topic="chat">waiting</ws-bind>`);
    const chat = find(page, 'ws-bind');
    const errors = recordEvents<WsErrorDetail>(chat, 'ws-error');
    await waitUntil(() => errors.length > 0, 'no ws-error', { timeout: 15000 });
    expect(errors[0].detail.kind).to.equal('protocol');
    expect(errors[0].detail.message).to.equal('server does not speak the topic protocol');
    expect(chat.getAttribute('state')).to.equal('waiting');
  });

  it('reports a refused subscription as a server error on the element', async () => {
    const page = mount(`<ws-bind src="${server.url()}" topic="secret"></ws-bind>`);
    const secret = find(page, 'ws-bind');
    const errors = recordEvents<WsErrorDetail>(secret, 'ws-error');
    await server.untilOpen(1);
    await server.push(welcome());
    await untilSent(server, (m) => m.type === 'subscribe', 'subscribe secret');
    await server.push({ type: 'error', code: 'forbidden', message: 'no', topic: 'secret' });
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail).to.deep.equal({ kind: 'server', message: 'no', code: 'forbidden', topic: 'secret' });
  });

  it('pings with {"type":"ping"} in topic mode and resubscribes with since after the back/forward cache', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" heartbeat="200"></ws-source>
      <ws-bind source="feed" topic="clock" select="t"></ws-bind>`);
    const source = find(page, 'ws-source');
    await server.untilOpen(1);
    await server.push(welcome());
    await untilSent(server, (m) => m.type === 'subscribe', 'subscribe clock');
    await server.push({ type: 'subscribed', topic: 'clock', pos: 'k:1', recovered: true }, event('clock', 'k:2', { t: 'two' }));
    await untilText(find(page, 'ws-bind'), 'two');
    await untilSent(server, (m) => m.type === 'ping', 'a ping');

    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await untilState(source, 'closed');
    await server.untilOpen(0);
    await resetStats(server);
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    const messages = await untilSent(server, (m) => m.type === 'subscribe', 'a resubscribe');
    expect(messages.slice(0, 2)).to.deep.equal([
      { type: 'auth', resume: 'r1' },
      { type: 'subscribe', topic: 'clock', since: 'k:2' },
    ]);
    await server.push(welcome('c1', 'r2'));
    await untilState(source, 'open');
  });

  it('routes each message only to the elements whose match it meets, among many', async () => {
    const symbols = Array.from({ length: 60 }, (_, i) => `S${i}`);
    const page = mount(symbols.map((sym) => `<ws-bind src="${server.url()}" match="sym=${sym}" select="p">-</ws-bind>`).join(''));
    await server.untilOpen(1);
    await server.push(...symbols.map((sym, i) => ({ sym, p: i })));
    const binds = [...page.querySelectorAll('ws-bind')];
    await waitUntil(() => binds.every((bind, i) => bind.textContent === String(i)), 'not every element shows its own', patiently);
    await server.push({ sym: 'S7', p: 'seven' });
    await untilText(binds[7], 'seven');
    expect(binds.filter((bind) => bind.textContent === 'seven')).to.have.length(1);
  });

  it('a raw element on a topic-mode connection sees every server message', async () => {
    const page = mount(`<ws-bind src="${server.url()}" match="type=event" select="data.n"></ws-bind>`);
    await server.untilOpen(1);
    await server.push(welcome(), [event('t', 'p:1', { n: 1 }), event('t', 'p:2', { n: 2 })]);
    await untilText(find(page, 'ws-bind'), '2');
  });
});
