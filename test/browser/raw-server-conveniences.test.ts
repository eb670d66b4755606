/**
 * Binding servers we do not control (SPEC 3.2, 3.3): a greeting taken once
 * per connection, per-connection content cleared on reconnect, counts,
 * keyed entries, a join message after every open, and forms reset without
 * an ack.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { entryTexts, find, mount, pause, patiently, recordEvents, TestServer, untilState, untilText, type WsBindElement, useTestServer } from './helpers.js';

let server: TestServer;

useTestServer((started) => (server = started));

describe('raw-server conveniences', () => {
  it('first takes only the first message of each connection and re-arms when the connection is replaced', async () => {
    const page = mount(`<ws-bind src="${server.url()}" first>no id yet</ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push(41);
    await untilText(bind, '41');
    await server.push(99, 100);
    await pause(300);
    expect(bind.textContent).to.equal('41');
    await server.closeAll(1012, 'restart');
    await server.untilOpen(0);
    await server.untilOpen(1);
    await server.push(42, 7);
    await untilText(bind, '42');
    await pause(300);
    expect(bind.textContent).to.equal('42');
  });

  it('clear-on="reconnect" returns to the placeholder when the connection reopens', async () => {
    const page = mount(`<ws-bind src="${server.url()}" mode="append" clear-on="reconnect"><i>nothing yet</i></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push('a', 'b');
    await waitUntil(() => entryTexts(bind).join() === 'a,b', 'entries never rendered', patiently);
    await server.closeAll(1012, 'restart');
    await server.untilOpen(0);
    await waitUntil(() => bind.querySelector('i')?.textContent === 'nothing yet', 'the placeholder never came back', patiently);
    expect(entryTexts(bind)).to.deep.equal(['nothing yet']);
    expect(bind.getAttribute('state')).to.equal('waiting');
    await server.untilOpen(1);
    await server.push('c');
    await waitUntil(() => entryTexts(bind).join() === 'c', 'the new connection\'s entry never rendered', patiently);
  });

  it('mode="count" counts matching messages since the connection opened', async () => {
    const page = mount(`<ws-bind src="${server.url()}" mode="count" match="[0]=broadcast" format="number">0</ws-bind>`);
    const bind = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push(['broadcast', 'a'], ['private', 'b'], ['broadcast', 'c'], ['broadcast', 'd']);
    await untilText(bind, '3');
    expect(bind.value).to.equal(3);
    await server.closeAll(1012, 'restart');
    await server.untilOpen(0);
    await server.untilOpen(1);
    await server.push(['broadcast', 'e']);
    await untilText(bind, '1');
  });

  it('mode="keyed" upserts one entry per key, removes on remove, and evicts beyond limit', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}" mode="keyed" key="id turnId removeId" remove="action=disconnected" limit="2">
        <template><template each="."><p data-id="{{ key }}">{{ key }}:{{ value.degree }}</p></template></template>
      </ws-bind>`);
    const bind = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ action: 'connected', id: 'a', degree: 0 }, { action: 'connected', id: 'b', degree: 0 });
    await waitUntil(() => bind.querySelectorAll('p').length === 2, 'two faces never rendered', patiently);
    const faceA = bind.querySelector('[data-id="a"]');
    await server.push({ action: 'turn', turnId: 'a', degree: 45 });
    await waitUntil(() => bind.querySelector('[data-id="a"]')?.textContent === 'a:45', 'the turn never applied', patiently);
    expect(bind.querySelector('[data-id="a"]')).to.equal(faceA, 'the entry is updated in place');
    await server.push({ action: 'disconnected', removeId: 'b' });
    await waitUntil(() => bind.querySelectorAll('p').length === 1, 'the face never went', patiently);
    await server.push({ action: 'connected', id: 'c', degree: 0 }, { action: 'connected', id: 'd', degree: 0 });
    await waitUntil(() => [...bind.querySelectorAll('p')].map((p) => p.dataset.id).join() === 'c,d', 'limit never evicted the oldest', patiently);
    expect(Object.keys(bind.value as object)).to.deep.equal(['c', 'd']);
  });

  it('mode="keyed" without a template shows one line of text per entry; without key it is a config fault', async () => {
    const page = mount(`
      <ws-bind id="lines" src="${server.url()}" mode="keyed" key="k" select="v"></ws-bind>
      <ws-bind id="bad" src="${server.url()}" mode="keyed"></ws-bind>`);
    const lines = find(page, '#lines');
    await untilState(find(page, '#bad'), 'error');
    await server.untilOpen(1);
    await server.push({ k: 'x', v: 1 }, { k: 'y', v: 2 }, { k: 'x', v: 3 });
    // The least recently updated first: x moved behind y when it changed.
    await waitUntil(() => entryTexts(lines).join() === '2,3', `lines are ${entryTexts(lines).join()}`, patiently);
  });

  it('hello is sent first after every open, before queued sends', async () => {
    const page = mount(`
      <ws-source id="gw" src="${server.url()}" hello='{"action":"join","room":"faces"}' min-delay="100" max-delay="200"></ws-source>
      <ws-send source="gw"><button name="action" value="turn">turn</button></ws-send>`);
    // Clicked before the socket opens: the send waits in the queue, behind the hello of the open.
    find<HTMLButtonElement>(page, 'button').click();
    await server.untilOpen(1);
    await waitUntil(async () => (await server.stats()).received.length === 2, 'hello and the queued send never arrived', patiently);
    expect((await server.stats()).received).to.deep.equal(['{"action":"join","room":"faces"}', '{"action":"turn"}']);
    await server.closeAll(1012, 'restart');
    await server.untilOpen(0);
    await waitUntil(async () => (await server.stats()).received.length === 3, 'hello never came again', patiently);
    expect((await server.stats()).received[2]).to.equal('{"action":"join","room":"faces"}');
  });

  it('a raw <ws-send> resets its form once the frame is handed to the open socket, keeping the fields keep names', async () => {
    const page = mount(`
      <ws-send src="${server.url()}" keep="name">
        <form><input name="name" value=""><input name="text" value=""><button>send</button></form>
      </ws-send>`);
    await server.untilOpen(1);
    const form = find<HTMLFormElement>(page, 'form');
    (form.elements.namedItem('name') as HTMLInputElement).value = 'Ada';
    (form.elements.namedItem('text') as HTMLInputElement).value = 'hello';
    const sent = recordEvents(find(page, 'ws-send'), 'ws-sent');
    find<HTMLButtonElement>(page, 'button').click();
    await waitUntil(() => (form.elements.namedItem('text') as HTMLInputElement).value === '', 'the form was never reset', patiently);
    expect((form.elements.namedItem('name') as HTMLInputElement).value).to.equal('Ada');
    expect(sent.length).to.equal(1);
    await waitUntil(async () => (await server.stats()).received.length === 1, 'nothing arrived', patiently);
    expect(JSON.parse((await server.stats()).received[0])).to.deep.equal({ name: 'Ada', text: 'hello' });
  });

  it('template="ID" renders with a <template> elsewhere in the document', async () => {
    const page = mount(`
      <template id="price-row"><b class="price">{{ price | number }}</b></template>
      <ws-bind src="${server.url()}" template="price-row">—</ws-bind>
      <ws-bind id="missing" src="${server.url()}" template="no-such-template">—</ws-bind>`);
    const bind = find(page, 'ws-bind');
    await untilState(find(page, '#missing'), 'error');
    await server.untilOpen(1);
    await server.push({ price: 1234.5 });
    await waitUntil(() => bind.querySelector('.price')?.textContent === '1,234.5', 'the named template never rendered', patiently);
  });
});
