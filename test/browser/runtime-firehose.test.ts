/**
 * The per-message path under load, against the raw test server playing a
 * topic server: packed frames reach only the elements whose `match` they
 * meet, positions beyond a safe integer still order exactly, and a stream of
 * renders does not rewrite an element's unchanged state.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsUpdateDetail } from '../../src/index.js';
import { TestServer, find, mount, patiently, recordEvents, unmountAll, untilState, untilText, type WsBindElement } from './helpers.js';

const welcome = { type: 'welcome', id: 'c1', resume: 'r1' };
const event = (pos: string, data: unknown) => ({ type: 'event', topic: 'firehose', pos, data });

/** `count` packed firehose events from offset `first` on (offsets past 2^53 included), alternating two keys. */
function packedEvents(first: bigint, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => event(`e:${first + BigInt(i)}`, { k: i % 2 === 0 ? 'key1' : 'key2', v: i }));
}

describe('the per-message path', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

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
