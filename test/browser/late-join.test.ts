/**
 * Late joiners (SPEC 3.2, 4.1): an element that joins an event topic its
 * connection already receives gets its own `history` replay through a
 * repeated `subscribe`, while the elements already there see nothing twice
 * and the server keeps one subscription. Real pages against the reference server.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { entryTexts, mount, pause, unmountAll } from './helpers.js';

interface RefServer { port: number; url: string }

const ports: number[] = [];

function command<R = unknown>(name: string, payload: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown>>(name, payload);
}

async function startServer(): Promise<RefServer> {
  const server = await command<RefServer>('ref:start', { options: { history: 1000 } });
  ports.push(server.port);
  return server;
}

function say(port: number, topic: string, text: string): Promise<unknown> {
  return command('ref:publish', { port, topic, data: { name: 'bot', text } });
}

function lines(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
}

function untilEntries(element: Element, texts: string[]): Promise<void> {
  return waitUntil(
    () => JSON.stringify(entryTexts(element)) === JSON.stringify(texts),
    `entries never read ${JSON.stringify(texts)} (they read ${JSON.stringify(entryTexts(element))})`,
    { timeout: 10000 },
  );
}

/** Waits until the server holds a subscription to `topic`. */
async function untilSubscribed(port: number, topic: string): Promise<void> {
  let count = 0;
  await waitUntil(async () => (count = await command<number>('ref:subscriptions', { port, topic })) > 0, `${topic} was never subscribed (${count})`, { timeout: 10000 });
}

afterEach(async () => {
  unmountAll();
  for (const port of ports.splice(0)) await command('ref:stop', { port });
});

describe('an element that joins a topic late', () => {
  it('shows its own last 10 lines 5 s after another element joined, which sees no line twice', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const page = mount(`<ws-bind id="first" src="${url}" topic="chat/late" select="text" mode="append"></ws-bind>`);
    const first = page.querySelector('#first')!;
    await untilSubscribed(port, 'chat/late');
    for (let n = 1; n <= 15; n++) await say(port, 'chat/late', `line ${n}`);
    await untilEntries(first, lines(1, 15));
    await pause(5000);

    page.insertAdjacentHTML('beforeend', `<ws-bind id="late" src="${url}" topic="chat/late" history="10" select="text" mode="append"></ws-bind>`);
    const late = page.querySelector('#late')!;
    await untilEntries(late, lines(6, 15));
    for (let n = 16; n <= 18; n++) await say(port, 'chat/late', `line ${n}`);

    await untilEntries(late, lines(6, 18));
    await untilEntries(first, lines(1, 18));
    expect(late.getAttribute('state')).to.equal('live');
    expect(await command('ref:connections', { port })).to.equal(1);
    expect(await command('ref:subscriptions', { port, topic: 'chat/late' })).to.equal(1);
  });

  it('gets its replay and every line published while it joins, once and in order', async function () {
    this.timeout(30000);
    const { port, url } = await startServer();
    const page = mount(`<ws-bind id="first" src="${url}" topic="chat/busy" select="text" mode="append"></ws-bind>`);
    const first = page.querySelector('#first')!;
    await untilSubscribed(port, 'chat/busy');
    for (let n = 1; n <= 20; n++) await say(port, 'chat/busy', `line ${n}`);
    await untilEntries(first, lines(1, 20));

    // Lines keep coming, one every 50 ms, while the late element's replay is on its way.
    const publishing = (async () => {
      for (let n = 21; n <= 60; n++) {
        await say(port, 'chat/busy', `line ${n}`);
        await pause(50);
      }
    })();
    await waitUntil(() => entryTexts(first).length >= 30, 'the stream never reached line 30', { timeout: 10000 });
    const visibleAtJoin = entryTexts(first).length;
    page.insertAdjacentHTML('beforeend', `<ws-bind id="late" src="${url}" topic="chat/busy" history="5" select="text" mode="append"></ws-bind>`);
    const late = page.querySelector('#late')!;
    await publishing;

    await untilEntries(first, lines(1, 60));
    await waitUntil(() => entryTexts(late).at(-1) === 'line 60', 'the late element never showed line 60', { timeout: 10000 });
    const shown = entryTexts(late);
    const start = Number(shown[0].split(' ')[1]);
    // Its replay reaches back before what the page showed when it joined; without one it would start after.
    expect(start).to.be.within(visibleAtJoin - 5, visibleAtJoin);
    expect(shown).to.deep.equal(lines(start, 60));
    expect(await command('ref:subscriptions', { port, topic: 'chat/busy' })).to.equal(1);
  });

  it('replays from its own since to an element that joins late, and nothing to one already there', async function () {
    this.timeout(20000);
    const { port, url } = await startServer();
    const page = mount(`<ws-bind id="first" src="${url}" topic="chat/since" select="text" mode="append"></ws-bind>`);
    const first = page.querySelector('#first')!;
    await untilSubscribed(port, 'chat/since');
    const positions: string[] = [];
    for (let n = 1; n <= 8; n++) positions.push((await command<{ pos: string }>('ref:publish', { port, topic: 'chat/since', data: { name: 'bot', text: `line ${n}` } })).pos);
    await untilEntries(first, lines(1, 8));

    page.insertAdjacentHTML('beforeend', `<ws-bind id="late" src="${url}" topic="chat/since" since="${positions[4]}" select="text" mode="append"><div>line 1-5</div></ws-bind>`);
    const late = page.querySelector('#late')!;
    await untilEntries(late, ['line 1-5', ...lines(6, 8)]);
    await say(port, 'chat/since', 'line 9');
    await untilEntries(late, ['line 1-5', ...lines(6, 9)]);
    await untilEntries(first, lines(1, 9));
  });
});
