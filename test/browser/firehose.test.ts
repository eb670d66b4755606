/**
 * A firehose stays cheap: bursts end in few DOM writes, a hidden page renders
 * nothing and keeps bounded entries, and packed topic frames reach only the
 * elements whose `match` they meet, in order, with positions beyond a safe
 * integer, without rewriting an unchanged state.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsUpdateDetail } from '../../src/index.js';
import {
  TestServer,
  countWrites,
  entryTexts,
  find,
  hidePage,
  mount,
  patiently,
  pause,
  recordEvents,
  showPage,
  unmountAll,
  untilEntries,
  untilState,
  untilText,
  type WsBindElement, useTestServer
} from './helpers.js';

/** Waits until the element has taken in a message whose selected value is `value`. */
function untilValue(element: WsBindElement, value: unknown): Promise<void> {
  return waitUntil(() => element.value === value, `value never became ${String(value)}`, patiently);
}

describe('a firehose stays cheap', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    showPage();
    unmountAll();
    await server.stop();
  });

  it('2,000 messages in one burst end with the last value after far fewer DOM writes', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v">—</ws-bind>`);
    const value = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    const writes = countWrites(value);

    await server.burst('{"v":{i}}', 2000);
    await untilText(value, '1999');
    expect(value.value).to.equal(1999);
    expect(writes.count).to.be.greaterThan(0);
    expect(writes.count, `${writes.count} DOM writes`).to.be.below(200);
  });

  it('renders nothing while the page is hidden and the latest value once it is visible', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v">—</ws-bind>`);
    const value = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 'seen' });
    await untilText(value, 'seen');

    hidePage();
    const writes = countWrites(value);
    await server.burst('{"v":{i}}', 500);
    await untilValue(value, 499);
    await pause(100); // Give a wrongly scheduled render the time to show.
    expect(writes.count, 'DOM writes while hidden').to.equal(0);
    expect(value.textContent?.trim()).to.equal('seen');

    showPage();
    await untilText(value, '499');
  });

  it('keeps only the newest limit entries while hidden, however many arrive', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="n" mode="append" limit="5"></ws-bind>`);
    const log = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);

    hidePage();
    const writes = countWrites(log);
    await server.burst('{"n":{i}}', 5000);
    await untilValue(log, 4999);
    await pause(100);
    expect(writes.count, 'DOM writes while hidden').to.equal(0);

    showPage();
    await untilEntries(log, ['4995', '4996', '4997', '4998', '4999']);
    expect(writes.added, 'entries inserted on becoming visible').to.be.at.most(5);
  });

  it('without a limit keeps the newest 1000 entries while hidden', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="n" mode="append"></ws-bind>`);
    const log = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);

    hidePage();
    await server.burst('{"n":{i}}', 1500);
    await untilValue(log, 1499);

    showPage();
    await waitUntil(() => entryTexts(log).at(-1) === '1499', 'the newest entry never showed', patiently);
    const entries = entryTexts(log);
    expect(entries.length).to.equal(1000);
    expect(entries[0]).to.equal('500');
  });
});

const welcome = { type: 'welcome', id: 'c1', resume: 'r1' };
const event = (pos: string, data: unknown) => ({ type: 'event', topic: 'firehose', pos, data });

/** `count` packed firehose events from offset `first` on (offsets past 2^53 included), alternating two keys. */
function packedEvents(first: bigint, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => event(`e:${first + BigInt(i)}`, { k: i % 2 === 0 ? 'key1' : 'key2', v: i }));
}

describe('the per-message path', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('routes packed frames by match, in order, with offsets beyond a safe integer', async () => {
    const page = mount(`
      <ws-bind id="one" src="${server.url()}" topic="firehose" match="k=key1" select="v" stale-after="60000">—</ws-bind>
      <ws-bind id="two" src="${server.url()}" topic="firehose" match="k=key2" select="v">—</ws-bind>
      <ws-bind id="none" src="${server.url()}" topic="firehose" match="k=key3" select="v">—</ws-bind>`);
    const one = find<WsBindElement>(page, '#one');
    const two = find<WsBindElement>(page, '#two');
    const none = find<WsBindElement>(page, '#none');
    const updates = recordEvents<WsUpdateDetail>(one, 'ws-update');
    await server.untilOpen(1);
    await server.push(welcome);
    await server.push({ type: 'subscribed', topic: 'firehose', pos: 'e:9007199254740990', recovered: true });

    // 9007199254740993 is the first offset a float cannot tell from the one before it.
    await server.push(packedEvents(9007199254740991n, 400));
    await untilText(one, '398');
    await untilText(two, '399');
    await untilState(one, 'live');
    expect(updates.length, 'one write per frame, not per message').to.be.below(200);
    expect(none.textContent?.trim()).to.equal('—');

    await server.push([event('e:9007199254741000', { k: 'key1', v: 'replayed' }), event('e:9007199254741391', { k: 'key1', v: 'next' })]);
    await untilText(one, 'next');
    expect(updates.map((update) => update.detail.value)).not.to.include('replayed');

    // As floats these two offsets are one number; as positions the second comes after the first.
    await server.push(event('e:9007199254741392', { k: 'key1', v: 'even' }));
    await untilText(one, 'even');
    await server.push(event('e:9007199254741393', { k: 'key1', v: 'odd' }));
    await untilText(one, 'odd');
  });

  it('writes the state attribute only when the state changes, not on every render', async () => {
    const page = mount(`<ws-bind src="${server.url()}" topic="firehose" select="v" stale-after="60000">—</ws-bind>`);
    const element = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push(welcome);
    await server.push({ type: 'subscribed', topic: 'firehose', pos: 'e:0', recovered: true });
    await server.push(event('e:1', { v: 1 }));
    await untilState(element, 'live');

    const stateWrites: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) stateWrites.push(record.attributeName ?? '');
    });
    observer.observe(element, { attributes: true, attributeFilter: ['state', 'stale', 'data-trend'] });
    const updates = recordEvents<WsUpdateDetail>(element, 'ws-update');
    for (let i = 2; i <= 6; i++) {
      await server.push(event(`e:${i}`, { v: i }));
      await untilText(element, String(i));
    }
    await waitUntil(() => updates.length >= 5, 'not every push was rendered', patiently);
    observer.disconnect();
    expect(element.getAttribute('state')).to.equal('live');
    expect(element.dataset.trend).to.equal('up');
    expect(stateWrites.filter((name) => name === 'state'), 'state rewritten while it stayed live').to.deep.equal([]);
    expect(stateWrites.filter((name) => name === 'data-trend').length, 'trend rewritten while it stayed up').to.be.at.most(1);
  });
});
