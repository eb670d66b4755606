import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  countWrites,
  entryTexts,
  find,
  hidePage,
  mount,
  patiently,
  pause,
  showPage,
  unmountAll,
  untilEntries,
  untilText,
  type WsBindElement,
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
