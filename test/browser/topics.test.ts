/**
 * The topic protocol (SPEC 3.1, 3.2, 4) from the page's side: real pages
 * against the real reference server, and against the raw test server playing
 * a topic server by hand (welcome, batches, snapshots and patches, resets,
 * refusals), which the tests read back.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { WsErrorDetail } from '../../src/index.js';
import {
  RefServer,
  TestServer,
  entryTexts,
  find,
  mount,
  patiently,
  pause,
  recordEvents,
  unmountAll,
  untilEntries,
  untilState,
  untilText,
  type WsBindElement,
  type WsSourceElement, useTestServer
} from './helpers.js';

/** Reference servers started by the running test, stopped after it. */
const servers: RefServer[] = [];

async function startServer(options: Record<string, unknown> = {}): Promise<RefServer> {
  const server = await RefServer.start(options);
  servers.push(server);
  return server;
}

function until(condition: () => boolean, message: string, timeout = 10000): Promise<void> {
  return waitUntil(condition, message, { timeout, interval: 20 });
}

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

afterEach(async () => {
  unmountAll();
  for (const server of servers.splice(0)) await server.stop();
});

describe('topic mode against the reference server', () => {
  it('renders a ticker price and keeps it changing', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-bind id="price" src="${server.url}" topic="ticker" select="AAPL.price" format="number" digits="2">—</ws-bind>
      <ws-bind id="all" src="${server.url}" topic="ticker" format="json">—</ws-bind>`);
    const price = page.querySelector<HTMLElement>('#price')!;
    const all = page.querySelector<HTMLElement>('#all')!;
    await until(() => price.textContent !== '—', 'the AAPL price never rendered');
    expect(price.textContent).to.match(/^\d[\d,]*\.\d{2}$/);
    expect(price.getAttribute('state')).to.equal('live');
    const first = all.textContent;
    await until(() => all.textContent !== first, 'the ticker never changed');
    expect(Object.keys(JSON.parse(all.textContent)).length).to.be.greaterThan(10);
  });

  it('shows the same vote counts on two pages as each votes', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-source id="a" src="${server.url}"></ws-source>
      <ws-source id="b" src="${server.url}"></ws-source>
      <ws-send id="a-left" source="a" topic="votes" data='{"dir":"left"}'><button>Left</button></ws-send>
      <ws-send id="b-right" source="b" topic="votes" data='{"dir":"right"}'><button>Right</button></ws-send>
      <ws-bind id="a-counts" source="a" topic="votes" format="json"></ws-bind>
      <ws-bind id="b-counts" source="b" topic="votes" format="json"></ws-bind>`);
    const counts = (id: string) => JSON.parse(page.querySelector(`#${id}`)!.textContent || 'null');
    await until(() => counts('a-counts')?.watching === 2 && counts('b-counts')?.watching === 2, 'both pages should watch');
    expect(await servers[0].connections()).to.equal(2);
    page.querySelector<HTMLButtonElement>('#a-left button')!.click();
    await until(() => counts('a-counts').left === 1 && counts('b-counts').left === 1, 'the left vote should reach both');
    page.querySelector<HTMLButtonElement>('#b-right button')!.click();
    page.querySelector<HTMLButtonElement>('#b-right button')!.click();
    await until(() => counts('a-counts').right === 2 && counts('b-counts').right === 2, 'the right votes should reach both');
    expect(counts('a-counts')).to.deep.equal(counts('b-counts'));
  });

  it('turns only its own face, sees the other turn, and sees it vanish when that page closes', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-source id="a" src="${server.url}"></ws-source>
      <ws-source id="b" src="${server.url}"></ws-source>
      <ws-send id="a-turn" source="a" topic="faces" data='{"direction":90}'><button>Turn</button></ws-send>
      <ws-send id="b-turn" source="b" topic="faces" data='{"direction":-90}'><button>Turn</button></ws-send>
      <ws-bind id="a-faces" source="a" topic="faces" format="json"></ws-bind>
      <ws-bind id="b-faces" source="b" topic="faces" format="json"></ws-bind>`);
    const faces = (id: string): Record<string, { direction: number }> =>
      JSON.parse(page.querySelector(`#${id}`)!.textContent || '{}');
    const directions = (id: string) => Object.values(faces(id)).map((face) => face.direction).sort();
    await until(() => directions('a-faces').length === 2 && directions('b-faces').length === 2, 'both faces should appear');
    expect(directions('b-faces')).to.deep.equal([0, 0]);

    page.querySelector<HTMLButtonElement>('#a-turn button')!.click();
    await until(() => directions('b-faces').join() === '0,90', 'page b should see page a turn');
    const [aId] = Object.entries(faces('b-faces')).find(([, face]) => face.direction === 90)!;
    page.querySelector<HTMLButtonElement>('#b-turn button')!.click();
    await until(() => directions('a-faces').join() === '-90,90', 'page a should see page b turn');
    expect(faces('a-faces')[aId].direction, 'b turned only its own face').to.equal(90);

    for (const id of ['a', 'a-turn', 'a-faces']) page.querySelector(`#${id}`)!.remove();
    await until(() => Object.keys(faces('b-faces')).length === 1, 'page a should vanish when it leaves');
    expect(faces('b-faces')[aId]).to.equal(undefined);
  });

  it('sends a chat form that every subscriber shows, then resets the form on the ack', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-source id="a" src="${server.url}"></ws-source>
      <ws-source id="b" src="${server.url}"></ws-source>
      <ws-send source="a" topic="chat/lobby">
        <form><input name="name" value="ada"><input name="text" required><button>Send</button></form>
      </ws-send>
      <ws-bind id="a-log" source="a" topic="chat/lobby" history="10" select="text" mode="append"></ws-bind>
      <ws-bind id="b-log" source="b" topic="chat/lobby" history="10" select="text" mode="append"></ws-bind>`);
    const send = page.querySelector('ws-send')!;
    const input = page.querySelector<HTMLInputElement>('input[name=text]')!;
    await until(() => page.querySelector('#a')!.getAttribute('state') === 'open', 'source a should open');
    input.value = 'hello <b>world</b>';
    const acked = new Promise<CustomEvent>((resolve) => send.addEventListener('ws-ack', (e) => resolve(e as CustomEvent), { once: true }));
    page.querySelector('form')!.requestSubmit();
    expect(send.hasAttribute('pending'), 'pending while waiting for the ack').to.equal(true);
    const ack = await acked;
    expect(ack.detail.pos).to.be.a('string');
    await until(() => !send.hasAttribute('pending') && input.value === '', 'the ack should reset the form');
    for (const id of ['a-log', 'b-log']) {
      await until(() => entryTexts(page.querySelector(`#${id}`)!).includes('hello <b>world</b>'), `${id} should show the entry`);
      expect(page.querySelectorAll(`#${id} b`).length, 'text stays text').to.equal(0);
    }
  });

  it('keeps the form filled and reports the server error for an invalid message', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-send src="${server.url}" topic="chat/lobby">
        <form><input name="name" value="ada"><input name="text"><button>Send</button></form>
      </ws-send>`);
    const send = page.querySelector('ws-send')!;
    const input = page.querySelector<HTMLInputElement>('input[name=text]')!;
    input.value = 'x'.repeat(501);
    const failed = new Promise<CustomEvent>((resolve) => send.addEventListener('ws-error', (e) => resolve(e as CustomEvent), { once: true }));
    page.querySelector('form')!.requestSubmit();
    const error = await failed;
    expect(error.detail.kind).to.equal('server');
    expect(error.detail.code).to.equal('invalid');
    expect(send.hasAttribute('pending')).to.equal(false);
    expect(input.value, 'the form stays filled').to.have.length(501);
  });

  it('shows the recent lines to a page that joins with history', async () => {
    const server = await startServer();
    for (let n = 1; n <= 6; n++) await server.publish('chat/history', { name: 'bot', text: `line ${n}` });
    const page = mount(`<ws-bind src="${server.url}" topic="chat/history" history="3" select="text" mode="append"></ws-bind>`);
    const log = page.querySelector('ws-bind')!;
    await until(() => log.children.length === 3, 'three recent lines should show');
    await server.publish('chat/history', { name: 'bot', text: 'line 7' });
    await until(() => log.children.length === 4, 'the live line should follow');
    expect(entryTexts(log)).to.deep.equal(['line 4', 'line 5', 'line 6', 'line 7']);
  });

  it('loses no chat message and shows none twice while connections are killed mid-stream', async () => {
    const server = await startServer({ history: 1000 });
    const page = mount(`
      <ws-source id="s" src="${server.url}" min-delay="20" max-delay="200"></ws-source>
      <ws-bind source="s" topic="chat/stream" history="1000" select="text" mode="append"></ws-bind>`);
    const log = page.querySelector('ws-bind')!;
    const source = page.querySelector('ws-source')!;
    await until(() => source.getAttribute('state') === 'open', 'the source should open');
    await server.publish('chat/stream', { name: 'bot', text: 'm0' });
    await until(() => log.children.length === 1, 'the first message should arrive');
    const total = 300;
    for (let n = 1; n < total; n++) {
      await server.publish('chat/stream', { name: 'bot', text: `m${n}` });
      if (n % 50 === 0) await server.drop();
    }
    await until(() => log.children.length >= total, `all ${total} messages should arrive`, 20000);
    const expected = Array.from({ length: total }, (_, n) => `m${n}`);
    expect(entryTexts(log)).to.deep.equal(expected);
  });

  it('receives a direct message in inbox/@me, also one sent while its connection was down', async () => {
    const server = await startServer();
    const page = mount(`
      <ws-source id="me" src="${server.url}" min-delay="20" max-delay="200"></ws-source>
      <ws-bind id="who" source="me" topic="faces" format="json"></ws-bind>
      <ws-bind id="inbox" source="me" topic="inbox/@me" history="10" select="text" mode="append"></ws-bind>
      <ws-source id="other" src="${server.url}"></ws-source>`);
    const who = page.querySelector('#who')!;
    const inbox = page.querySelector('#inbox')!;
    await until(() => Object.keys(JSON.parse(who.textContent || '{}')).length === 1, 'my face should appear');
    const [myId] = Object.keys(JSON.parse(who.textContent));
    const other = page.querySelector<HTMLElement & { send(data: unknown): void }>('#other')!;
    await until(() => other.getAttribute('state') === 'open', 'the other page should open');
    mount(`<ws-send id="dm" source="other" topic="inbox/${myId}" data='{"name":"friend","text":"hi there"}'><button>DM</button></ws-send>`);
    document.querySelector<HTMLButtonElement>('#dm button')!.click();
    await until(() => entryTexts(inbox).includes('hi there'), 'the direct message should arrive');

    await server.drop();
    await server.publish(`inbox/${myId}`, { name: 'friend', text: 'while you were away' });
    await until(() => entryTexts(inbox).includes('while you were away'), 'the message sent while down should arrive');
    expect(entryTexts(inbox)).to.deep.equal(['hi there', 'while you were away']);
  });

  it('opens a fresh connection once, at welcome, with its session known', async () => {
    const server = await startServer();
    const page = mount(`<ws-source id="feed" src="${server.url}"></ws-source><ws-bind source="feed" topic="ticker" select="AAPL.price"></ws-bind>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const seen: [string, string | undefined][] = [];
    source.addEventListener('ws-open', () => seen.push([source.state, source.session]));
    await untilState(find(page, 'ws-bind'), 'live');
    await pause(200);
    expect(seen).to.have.length(1);
    expect(seen[0][0]).to.equal('open');
    expect(seen[0][1]).to.be.a('string');
  });

  it('binds one page to two server instances at once', async () => {
    const first = await startServer();
    const second = await startServer();
    const page = mount(`
      <ws-bind id="one" src="${first.url}" topic="chat/multi" history="1" select="text">—</ws-bind>
      <ws-bind id="two" src="${second.url}" topic="chat/multi" history="1" select="text">—</ws-bind>`);
    await first.publish('chat/multi', { name: 'x', text: 'from one' });
    await second.publish('chat/multi', { name: 'x', text: 'from two' });
    await until(() => page.querySelector('#one')!.textContent === 'from one' && page.querySelector('#two')!.textContent === 'from two', 'both endpoints should render');
    expect(await first.connections()).to.equal(1);
    expect(await second.connections()).to.equal(1);
  });
});

describe('topic mode against a scripted topic server', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

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

  it('reports a server that never says welcome, stays waiting, and opens the connection as a raw one', async () => {
    const page = mount(`<ws-source id="feed" src="${server.url()}"></ws-source><ws-bind source="feed" topic="chat">waiting</ws-bind>`);
    const chat = find(page, 'ws-bind');
    const source = find<WsSourceElement>(page, 'ws-source');
    const errors = recordEvents<WsErrorDetail>(chat, 'ws-error');
    const opens = recordEvents(source, 'ws-open');
    await server.untilOpen(1);
    expect(source.state, 'open only at welcome or when it is known none comes').to.equal('connecting');
    await waitUntil(() => errors.length > 0, 'no ws-error', { timeout: 15000 });
    expect(errors[0].detail.kind).to.equal('protocol');
    expect(errors[0].detail.message).to.equal('server does not speak the topic protocol');
    expect(chat.getAttribute('state')).to.equal('waiting');
    expect([source.state, opens.length]).to.deep.equal(['open', 1]);
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
