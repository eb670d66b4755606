import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  entryTexts,
  find,
  mount,
  patiently,
  pause,
  recordEvents,
  recordStates,
  untilState,
  untilText,
  type WsBindElement, useTestServer
} from './helpers.js';

/** What a `ws-error` event carries. */
interface WsErrorDetail {
  kind: string;
  message: string;
}

/**
 * Breaks `element`'s configuration and checks what the page sees: state
 * "error", one `ws-error` of kind config naming `offending`, content kept.
 */
async function expectConfigFault(element: Element, breakIt: () => void, offending: string): Promise<void> {
  const errors = recordEvents<WsErrorDetail>(element, 'ws-error');
  const content = element.textContent;
  breakIt();
  await untilState(element, 'error');
  await waitUntil(() => errors.length > 0, 'no ws-error event', patiently);
  expect(errors[0].detail.kind).to.equal('config');
  expect(errors[0].detail.message).to.include(offending);
  expect(element.textContent, 'the last good content stays').to.equal(content);
}

describe('bad input gets a clear error and loses nothing', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  /** Mounts a `<ws-bind>` on the test server, showing "good" and live. */
  async function liveBinding(attributes = 'select="v"'): Promise<WsBindElement> {
    const page = mount(`<ws-bind src="${server.url()}" ${attributes}></ws-bind>`);
    const element = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ kind: 'a', v: 'good' });
    await untilText(element, 'good');
    await untilState(element, 'live');
    return element;
  }

  /** Checks that `element` works again: it renders the next message and is live. */
  async function expectRecovered(element: Element, message: Record<string, unknown> = { kind: 'a', v: 'again' }) {
    await waitUntil(() => element.getAttribute('state') !== 'error', 'the error never cleared', patiently);
    await server.untilOpen(1);
    await server.push(message);
    await untilText(element, String(message.v));
    await untilState(element, 'live');
  }

  it('missing src and source: an error until src is set', async () => {
    const page = mount(`<ws-bind select="v">placeholder</ws-bind>`);
    const element = find(page, 'ws-bind');
    const errors = recordEvents<WsErrorDetail>(element, 'ws-error');
    await untilState(element, 'error');
    await waitUntil(() => errors.length > 0, 'no ws-error event', patiently);
    expect(errors[0].detail.kind).to.equal('config');
    expect(errors[0].detail.message).to.include('src');

    element.setAttribute('src', server.url());
    await expectRecovered(element, { v: 'good' });
    await expectConfigFault(element, () => element.removeAttribute('src'), 'src');
    element.setAttribute('src', server.url());
    await expectRecovered(element);
  });

  it('a <ws-source> without src is an error until src is set', async () => {
    const page = mount(`<ws-source id="feed"></ws-source>`);
    const source = find(page, 'ws-source');
    const errors = recordEvents<WsErrorDetail>(source, 'ws-error');
    await untilState(source, 'error');
    await waitUntil(() => errors.length > 0, 'no ws-error event', patiently);
    expect(errors[0].detail.kind).to.equal('config');
    expect(errors[0].detail.message).to.include('src');
    source.setAttribute('src', server.url());
    await untilState(source, 'open');
    await server.untilOpen(1);
  });

  it('unparsable src', async () => {
    const element = await liveBinding();
    await expectConfigFault(element, () => element.setAttribute('src', 'ws://[::1'), 'ws://[::1');
    element.setAttribute('src', server.url());
    await expectRecovered(element);
  });

  it('unknown source id after the page has loaded, until that source appears', async () => {
    const page = mount(`
      <ws-source id="first" src="${server.url('/first')}"></ws-source>
      <ws-bind source="first" select="v"></ws-bind>`);
    const element = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 'good' });
    await untilState(element, 'live');

    await expectConfigFault(element, () => element.setAttribute('source', 'nowhere'), 'nowhere');
    page.insertAdjacentHTML('beforeend', `<ws-source id="nowhere" src="${server.url('/second')}"></ws-source>`);
    await waitUntil(() => element.getAttribute('state') !== 'error', 'the error never cleared', patiently);
    await server.untilOpen(2);
    await server.pushTo('/second', { v: 'found' });
    await untilText(element, 'found');
    await untilState(element, 'live');
  });

  it('unparsable match (a token without "=")', async () => {
    const element = await liveBinding('select="v" match="kind=a"');
    await expectConfigFault(element, () => element.setAttribute('match', 'kind=a orphan'), 'orphan');
    element.setAttribute('match', 'kind=a');
    await expectRecovered(element);
  });

  it('unknown format', async () => {
    const element = await liveBinding('select="v" format="text"');
    await expectConfigFault(element, () => element.setAttribute('format', 'sparkles'), 'sparkles');
    element.setAttribute('format', 'text');
    await expectRecovered(element);
  });

  it('a topic on an SSE source', async () => {
    const page = mount(`
      <ws-source id="events" transport="sse" src="${server.eventsUrl()}"></ws-source>
      <ws-bind source="events" select="v"></ws-bind>`);
    const element = find(page, 'ws-bind');
    await waitUntil(async () => (await server.eventStreams()) === 1, 'no event stream opened', patiently);
    await server.pushEvents({ v: 'good' });
    await untilText(element, 'good');

    await expectConfigFault(element, () => element.setAttribute('topic', 'prices'), 'prices');
    element.removeAttribute('topic');
    await waitUntil(() => element.getAttribute('state') !== 'error', 'the error never cleared', patiently);
    await waitUntil(async () => (await server.eventStreams()) === 1, 'the event stream is gone', patiently);
    await server.pushEvents({ v: 'again' });
    await untilText(element, 'again');
    await untilState(element, 'live');
  });

  it('a frame that is not JSON renders as its text', async () => {
    const page = mount(`<ws-bind src="${server.url()}">—</ws-bind>`);
    const element = find(page, 'ws-bind');
    const errors = recordEvents(element, 'ws-error');
    await server.untilOpen(1);
    await server.push('not json { at all');
    await untilText(element, 'not json { at all');
    await untilState(element, 'live');
    expect(errors).to.have.length(0);
  });

  it('a path that does not resolve leaves the element unchanged, with no event and no state change', async () => {
    const page = mount(`
      <ws-bind id="bid" src="${server.url()}" select="quote.bid"></ws-bind>
      <ws-bind id="unseen" src="${server.url()}" select="quote.last">—</ws-bind>
      <ws-bind id="sequence" src="${server.url()}" select="seq"></ws-bind>`);
    const bid = find<WsBindElement>(page, '#bid');
    const unseen = find(page, '#unseen');
    const sequence = find(page, '#sequence');
    await server.untilOpen(1);
    await server.push({ quote: { bid: 1 }, seq: 1 });
    await untilText(bid, '1');
    await untilState(bid, 'live');
    const states = recordStates(bid);
    const updates = recordEvents(bid, 'ws-update');
    const errors = recordEvents(bid, 'ws-error');
    const unseenUpdates = recordEvents(unseen, 'ws-update');
    const unseenErrors = recordEvents(unseen, 'ws-error');

    await server.push({ quote: { ask: 2 }, seq: 2 }, { quote: null, seq: 3 }, 'plain text', { seq: 4 });
    await untilText(sequence, '4');
    await pause(100); // A wrongly scheduled render would show within this.
    expect(bid.textContent?.trim()).to.equal('1');
    expect(bid.value).to.equal(1);
    expect(updates, 'ws-update events').to.have.length(0);
    expect(errors, 'ws-error events').to.have.length(0);
    expect(states).to.have.length(0);
    expect(unseen.textContent?.trim(), 'the placeholder stays').to.equal('—');
    expect(unseen.getAttribute('state')).to.equal('waiting');
    expect(entryTexts(unseen), 'no entry was created').to.deep.equal([]);
    expect(unseenUpdates.length + unseenErrors.length, 'events of the element that never resolved').to.equal(0);

    await server.push({ quote: { last: 'yes' }, seq: 5 });
    await untilText(unseen, 'yes');
    await waitUntil(() => unseenUpdates.length > 0, 'no ws-update', patiently);
    expect(unseenUpdates).to.have.length(1);
    expect(unseenErrors).to.have.length(0);
  });

  it('markup in a message shows as characters; no element is created', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const page = mount(`
      <ws-bind id="selected" src="${server.url()}" select="v"></ws-bind>
      <ws-bind id="entries" src="${server.url()}" select="v" mode="append"></ws-bind>
      <ws-bind id="whole" src="${server.url()}"></ws-bind>`);
    await server.untilOpen(1);
    await server.push({ v: markup });
    await untilText(find(page, '#selected'), markup);
    await untilText(find(page, '#entries'), markup);
    await server.push(markup);
    await untilText(find(page, '#whole'), markup);
    expect(page.querySelectorAll('img').length, 'img elements').to.equal(0);
  });

  it('shows a misconfigured source\'s error on the status and bindings that name it, until it is fixed', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" transport="pigeon"></ws-source>
      <ws-status source="feed"></ws-status>
      <ws-bind source="feed" select="v">—</ws-bind>`);
    const [source, status, value] = ['ws-source', 'ws-status', 'ws-bind'].map((tag) => find(page, tag));
    const errors = recordEvents<WsErrorDetail>(value, 'ws-error');
    await untilState(source, 'error');
    await untilState(status, 'error');
    await untilState(value, 'error');
    await waitUntil(() => errors.some((event) => event.detail.kind === 'config' && event.detail.message.includes('"feed"')),
      'no config ws-error naming the source', patiently);

    source.setAttribute('transport', 'ws');
    await untilState(status, 'open');
    expect(source.getAttribute('state')).to.equal('open');
    await server.push({ v: 'fixed' });
    await untilState(value, 'live');
    expect(value.textContent?.trim()).to.equal('fixed');
  });
});
