import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  find,
  mount,
  patiently,
  recordEvents,
  untilState,
  untilText, useTestServer
} from './helpers.js';

describe('elements come and go with the page', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('removing the last element bound to a URL closes its socket after the grace period', async () => {
    const page = mount(`
      <ws-bind id="first" src="${server.url()}" select="v"></ws-bind>
      <ws-bind id="second" src="${server.url()}" select="v"></ws-bind>`);
    const second = find(page, '#second');
    await server.untilOpen(1);

    find(page, '#first').remove();
    await server.push({ v: 'still here' });
    await untilText(second, 'still here');
    expect(await server.stats()).to.include({ open: 1, accepted: 1 });

    second.remove();
    await server.untilOpen(0);
    expect((await server.stats()).accepted).to.equal(1);
  });

  it('removing a <ws-source> with its elements closes its socket', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`);
    await server.untilOpen(1);
    page.replaceChildren();
    await server.untilOpen(0);
  });

  it('moving an element within the page keeps its connection', async () => {
    const page = mount(`
      <section id="left"><ws-bind src="${server.url()}" select="v"></ws-bind></section>
      <section id="right"></section>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 1 });
    await untilText(value, '1');

    find(page, '#right').append(value);
    await new Promise(requestAnimationFrame);
    find(page, '#left').append(value);
    await server.push({ v: 2 });
    await untilText(value, '2');
    expect(await server.stats()).to.include({ open: 1, accepted: 1 });
  });

  it('a <ws-bind source="x"> inserted before its <ws-source id="x"> works', async () => {
    const page = mount(`
      <ws-bind source="later" select="v">—</ws-bind>
      <ws-source id="later" src="${server.url()}"></ws-source>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 'arrived' });
    await untilText(value, 'arrived');
    await untilState(value, 'live');
  });

  it('a <ws-bind source="x"> whose source is added in a later task recovers', async () => {
    const page = mount(`<ws-bind source="later" select="v">—</ws-bind>`);
    const value = find(page, 'ws-bind');
    await waitUntil(() => value.getAttribute('state') !== null, 'the element never got a state', patiently);
    page.insertAdjacentHTML('beforeend', `<ws-source id="later" src="${server.url()}"></ws-source>`);
    await server.untilOpen(1);
    await server.push({ v: 'arrived' });
    await untilText(value, 'arrived');
    await untilState(value, 'live');
  });

  it('an element created by script with attributes set afterwards connects', async () => {
    const value = document.createElement('ws-bind');
    const page = mount('');
    page.append(value);
    const updates = recordEvents(value, 'ws-update');
    value.setAttribute('select', 'v');
    value.setAttribute('src', server.url());
    await server.untilOpen(1);
    await server.push({ v: 'framework' });
    await untilText(value, 'framework');
    expect(updates.length).to.be.greaterThan(0);
  });

  it('finds a <ws-source> inside the same shadow root first', async () => {
    mount(`<ws-source id="feed" src="${server.url('/outer')}"></ws-source>`);
    const host = mount('<div></div>').firstElementChild as HTMLElement;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `
      <ws-source id="feed" src="${server.url('/inner')}"></ws-source>
      <ws-bind source="feed" select="v"></ws-bind>`;
    const value = find(shadow, 'ws-bind');
    await server.untilOpen(2);
    await server.pushTo('/outer', { v: 'outside' });
    await server.pushTo('/inner', { v: 'inside' });
    await untilText(value, 'inside');
  });
});
