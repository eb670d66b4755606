/**
 * The topic protocol end to end: real pages (elements) against the real
 * reference server started by the test runner.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { entryTexts, mount, unmountAll } from './helpers.js';

interface RefServer { port: number; url: string }

const servers: number[] = [];

async function startServer(options: Record<string, unknown> = {}): Promise<RefServer> {
  const server = await executeServerCommand<RefServer, object>('ref:start', { options });
  servers.push(server.port);
  return server;
}

function refCommand<R = unknown>(name: string, payload: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown>>(name, payload);
}

function until(condition: () => boolean, message: string, timeout = 10000): Promise<void> {
  return waitUntil(condition, message, { timeout, interval: 20 });
}

afterEach(async () => {
  unmountAll();
  for (const port of servers.splice(0)) await refCommand('ref:stop', { port });
});

describe('topic mode against the reference server', () => {
  it('renders a ticker price and keeps it changing', async () => {
    const { url } = await startServer();
    const page = mount(`
      <ws-bind id="price" src="${url}" topic="ticker" select="AAPL.price" format="number" digits="2">—</ws-bind>
      <ws-bind id="all" src="${url}" topic="ticker" format="json">—</ws-bind>`);
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
    const { url } = await startServer();
    const page = mount(`
      <ws-source id="a" src="${url}"></ws-source>
      <ws-source id="b" src="${url}"></ws-source>
      <ws-send id="a-left" source="a" topic="votes" data='{"dir":"left"}'><button>Left</button></ws-send>
      <ws-send id="b-right" source="b" topic="votes" data='{"dir":"right"}'><button>Right</button></ws-send>
      <ws-bind id="a-counts" source="a" topic="votes" format="json"></ws-bind>
      <ws-bind id="b-counts" source="b" topic="votes" format="json"></ws-bind>`);
    const counts = (id: string) => JSON.parse(page.querySelector(`#${id}`)!.textContent || 'null');
    await until(() => counts('a-counts')?.watching === 2 && counts('b-counts')?.watching === 2, 'both pages should watch');
    expect(await refCommand<number>('ref:connections', { port: servers[0] })).to.equal(2);
    page.querySelector<HTMLButtonElement>('#a-left button')!.click();
    await until(() => counts('a-counts').left === 1 && counts('b-counts').left === 1, 'the left vote should reach both');
    page.querySelector<HTMLButtonElement>('#b-right button')!.click();
    page.querySelector<HTMLButtonElement>('#b-right button')!.click();
    await until(() => counts('a-counts').right === 2 && counts('b-counts').right === 2, 'the right votes should reach both');
    expect(counts('a-counts')).to.deep.equal(counts('b-counts'));
  });

  it('turns only its own face, sees the other turn, and sees it vanish when that page closes', async () => {
    const { url } = await startServer();
    const page = mount(`
      <ws-source id="a" src="${url}"></ws-source>
      <ws-source id="b" src="${url}"></ws-source>
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
    const { url } = await startServer();
    const page = mount(`
      <ws-source id="a" src="${url}"></ws-source>
      <ws-source id="b" src="${url}"></ws-source>
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
    const { url } = await startServer();
    const page = mount(`
      <ws-send src="${url}" topic="chat/lobby">
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
    const { port, url } = await startServer();
    for (let n = 1; n <= 6; n++) await refCommand('ref:publish', { port, topic: 'chat/history', data: { name: 'bot', text: `line ${n}` } });
    const page = mount(`<ws-bind src="${url}" topic="chat/history" history="3" select="text" mode="append"></ws-bind>`);
    const log = page.querySelector('ws-bind')!;
    await until(() => log.children.length === 3, 'three recent lines should show');
    await refCommand('ref:publish', { port, topic: 'chat/history', data: { name: 'bot', text: 'line 7' } });
    await until(() => log.children.length === 4, 'the live line should follow');
    expect(entryTexts(log)).to.deep.equal(['line 4', 'line 5', 'line 6', 'line 7']);
  });

  it('loses no chat message and shows none twice while connections are killed mid-stream', async () => {
    const { port, url } = await startServer({ history: 1000 });
    const page = mount(`
      <ws-source id="s" src="${url}" min-delay="20" max-delay="200"></ws-source>
      <ws-bind source="s" topic="chat/stream" history="1000" select="text" mode="append"></ws-bind>`);
    const log = page.querySelector('ws-bind')!;
    const source = page.querySelector('ws-source')!;
    await until(() => source.getAttribute('state') === 'open', 'the source should open');
    await refCommand('ref:publish', { port, topic: 'chat/stream', data: { name: 'bot', text: 'm0' } });
    await until(() => log.children.length === 1, 'the first message should arrive');
    const total = 300;
    for (let n = 1; n < total; n++) {
      await refCommand('ref:publish', { port, topic: 'chat/stream', data: { name: 'bot', text: `m${n}` } });
      if (n % 50 === 0) await refCommand('ref:drop', { port });
    }
    await until(() => log.children.length >= total, `all ${total} messages should arrive`, 20000);
    const expected = Array.from({ length: total }, (_, n) => `m${n}`);
    expect(entryTexts(log)).to.deep.equal(expected);
  });

  it('receives a direct message in inbox/@me, also one sent while its connection was down', async () => {
    const { port, url } = await startServer();
    const page = mount(`
      <ws-source id="me" src="${url}" min-delay="20" max-delay="200"></ws-source>
      <ws-bind id="who" source="me" topic="faces" format="json"></ws-bind>
      <ws-bind id="inbox" source="me" topic="inbox/@me" history="10" select="text" mode="append"></ws-bind>
      <ws-source id="other" src="${url}"></ws-source>`);
    const who = page.querySelector('#who')!;
    const inbox = page.querySelector('#inbox')!;
    await until(() => Object.keys(JSON.parse(who.textContent || '{}')).length === 1, 'my face should appear');
    const [myId] = Object.keys(JSON.parse(who.textContent));
    const other = page.querySelector<HTMLElement & { send(data: unknown): void }>('#other')!;
    await until(() => other.getAttribute('state') === 'open', 'the other page should open');
    mount(`<ws-send id="dm" source="other" topic="inbox/${myId}" data='{"name":"friend","text":"hi there"}'><button>DM</button></ws-send>`);
    document.querySelector<HTMLButtonElement>('#dm button')!.click();
    await until(() => entryTexts(inbox).includes('hi there'), 'the direct message should arrive');

    await refCommand('ref:drop', { port });
    await refCommand('ref:publish', { port, topic: `inbox/${myId}`, data: { name: 'friend', text: 'while you were away' } });
    await until(() => entryTexts(inbox).includes('while you were away'), 'the message sent while down should arrive');
    expect(entryTexts(inbox)).to.deep.equal(['hi there', 'while you were away']);
  });

  it('binds one page to two server instances at once', async () => {
    const first = await startServer();
    const second = await startServer();
    const page = mount(`
      <ws-bind id="one" src="${first.url}" topic="chat/multi" history="1" select="text">—</ws-bind>
      <ws-bind id="two" src="${second.url}" topic="chat/multi" history="1" select="text">—</ws-bind>`);
    await refCommand('ref:publish', { port: first.port, topic: 'chat/multi', data: { name: 'x', text: 'from one' } });
    await refCommand('ref:publish', { port: second.port, topic: 'chat/multi', data: { name: 'x', text: 'from two' } });
    await until(() => page.querySelector('#one')!.textContent === 'from one' && page.querySelector('#two')!.textContent === 'from two', 'both endpoints should render');
    expect(await refCommand<number>('ref:connections', { port: first.port })).to.equal(1);
    expect(await refCommand<number>('ref:connections', { port: second.port })).to.equal(1);
  });
});
