/**
 * `<template each key>`: keyed items keep their DOM across renders, a
 * reorder moves only what must move (with `moveBefore`, so a focused input
 * keeps focus and its text), `each` over an object renders one instance per
 * entry, and elements stamped inside an item work with attributes bound from it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { RefServer, TestServer, find, mount, patiently, type WsSourceElement, useTestServer } from './helpers.js';

interface Row { id: number; name: string }

const rows = (ids: number[]): Row[] => ids.map((id) => ({ id, name: `row ${id}` }));

describe('keyed lists', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('reverses 100 items with one removed and one added: 99 keep their nodes, a focused input keeps focus and text', async () => {
    expect(typeof Element.prototype.moveBefore, 'this Chromium has moveBefore').to.equal('function');
    const page = mount(`<ws-bind src="${server.url()}"><template><ul><template each="rows" key="id">`
      + `<li data-id="{{ id }}">{{ name }} <input aria-label="note for {{ name }}"></li></template></ul></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    const ids = Array.from({ length: 100 }, (_, index) => index);
    await server.push({ rows: rows(ids) });
    await waitUntil(() => bind.querySelectorAll('li').length === 100, 'the 100 items never rendered', patiently);
    const before = new Map([...bind.querySelectorAll<HTMLElement>('li')].map((item) => [item.dataset.id, item]));
    const focused = find<HTMLInputElement>(before.get('50')!, 'input');
    focused.focus();
    focused.value = 'typed by hand';
    focused.setSelectionRange(2, 7);
    const moved = new Set<Node>();
    const observer = new MutationObserver((records) => records.forEach((record) => record.removedNodes.forEach((node) => moved.add(node))));
    observer.observe(find(bind, 'ul'), { childList: true });

    const next = [100, ...ids.filter((id) => id !== 0).reverse()];
    await server.push({ rows: rows(next) });
    await waitUntil(() => bind.querySelector('li')?.dataset.id === '100', 'the new order never rendered', patiently);
    observer.disconnect();

    const after = [...bind.querySelectorAll<HTMLElement>('li')];
    expect(after.map((item) => Number(item.dataset.id))).to.deep.equal(next);
    const kept = after.filter((item) => before.get(item.dataset.id) === item);
    expect(kept).to.have.length(99);
    expect(moved.has(before.get('50')!), 'item 50 was moved').to.equal(true);
    expect(moved.has(before.get('0')!), 'the removed item left').to.equal(true);
    expect(document.activeElement === focused, 'the moved input kept focus').to.equal(true);
    expect(focused.value).to.equal('typed by hand');
    expect([focused.selectionStart, focused.selectionEnd]).to.deep.equal([2, 7]);
  });

  it('moves only the items out of order', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template><ol><template each="rows" key="id"><li>{{ name }}</li></template></ol></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ rows: rows([1, 2, 3, 4, 5, 6]) });
    await waitUntil(() => bind.querySelectorAll('li').length === 6, 'never rendered', patiently);
    const moved: Node[] = [];
    const observer = new MutationObserver((records) => records.forEach((record) => moved.push(...record.removedNodes)));
    observer.observe(find(bind, 'ol'), { childList: true });
    const six = bind.querySelectorAll('li')[5];
    await server.push({ rows: rows([6, 1, 2, 3, 4, 5]) });
    await waitUntil(() => bind.querySelector('li')?.textContent === 'row 6', 'never reordered', patiently);
    observer.disconnect();
    expect(moved.filter((node) => node instanceof HTMLLIElement)).to.deep.equal([six]);
  });

  it('renders one instance per entry of an object (presence keyed by id) and removes the one a merge patch deletes', async () => {
    const { port, url } = await executeServerCommand<{ port: number; url: string }, object>('ref:start', { options: {} });
    try {
      const page = mount(`
        <ws-source id="me" src="${url}"></ws-source>
        <ws-source id="other" src="${url}"></ws-source>
        <ws-bind id="faces" source="me" topic="faces"><template><ul><template each=".">`
        + `<li class="face" data-session="{{ key }}" style="transform: rotate({{ value.direction }}deg)">{{ value.direction }}</li>`
        + `</template></ul></template></ws-bind>
        <ws-bind source="other" topic="faces" select="nothing-here"></ws-bind>`);
      const faces = find(page, '#faces');
      await waitUntil(() => faces.querySelectorAll('li.face').length === 2, 'both faces never showed', patiently);
      const sessions = [...faces.querySelectorAll<HTMLElement>('li.face')].map((face) => face.dataset.session);
      expect(new Set(sessions).size).to.equal(2);
      expect(find<HTMLElement>(faces, 'li.face').style.transform).to.equal('rotate(0deg)');
      const original = [...faces.querySelectorAll('li.face')];
      page.querySelector('#other')!.remove();
      page.querySelector('[source="other"]')!.remove();
      await waitUntil(() => faces.querySelectorAll('li.face').length === 1, 'the departed face never left', patiently);
      const remaining = find<HTMLElement>(faces, 'li.face');
      expect(original).to.include(remaining);
      expect(sessions).to.include(remaining.dataset.session);
    } finally {
      await executeServerCommand('ref:stop', { port });
    }
  });

  it('marks each connection\'s own face with $session, and a turn lands on the turner\'s face in every list', async () => {
    const server = await RefServer.start();
    try {
      const faceList = (source: string) => `<ws-bind id="${source}-faces" source="${source}" topic="faces"><template><ul><template each=".">`
        + `<li class="face" data-session="{{ key }}" ?data-mine="{{ key == $session }}" title="{{ key != $session | json }}">{{ value.direction }}</li>`
        + `</template></ul><p class="me">{{ $session }}</p></template></ws-bind>`;
      const page = mount(`<ws-source id="a" src="${server.url}"></ws-source><ws-source id="b" src="${server.url}"></ws-source>
        ${faceList('a')}${faceList('b')}
        <ws-send source="a" topic="faces" data='{"direction":90}'><button>Right</button></ws-send>`);
      const [a, b] = ['#a', '#b'].map((selector) => find<WsSourceElement>(page, selector));
      const lists = ['#a-faces', '#b-faces'].map((selector) => find(page, selector));
      await waitUntil(() => lists.every((list) => list.querySelectorAll('li.face').length === 2), 'both faces never showed in both lists', patiently);
      const mine = (list: Element) => [...list.querySelectorAll<HTMLElement>('li[data-mine]')].map((face) => face.dataset.session);
      expect(a.session).to.be.a('string');
      expect(b.session).to.be.a('string').and.not.equal(a.session);
      expect(mine(lists[0])).to.deep.equal([a.session]);
      expect(mine(lists[1])).to.deep.equal([b.session]);
      expect(find(lists[0], 'p.me').textContent).to.equal(a.session);
      expect(find<HTMLElement>(lists[1], `li[data-session="${a.session!}"]`).title).to.equal('true');

      find(page, 'button').click();
      const faceOfA = (list: Element) => find(list, `li[data-session="${a.session!}"]`);
      await waitUntil(() => lists.every((list) => faceOfA(list).textContent === '90'), 'the turn never reached both lists', patiently);
      expect(lists.map((list) => find(list, `li[data-session="${b.session!}"]`).textContent)).to.deep.equal(['0', '0']);
    } finally {
      await server.stop();
    }
  });

  it('a <ws-send> stamped inside an item sends the data bound from that item', async () => {
    const page = mount(`<ws-source id="feed" src="${server.url()}"></ws-source>
      <ws-bind source="feed"><template><template each="rows" key="id">`
      + `<ws-send source="feed" data="{{ . | json }}"><button>Pick {{ name }}</button></ws-send></template></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ rows: rows([7, 8]) });
    await waitUntil(() => bind.querySelectorAll('ws-send button').length === 2, 'the items never rendered', patiently);
    bind.querySelectorAll('button')[1].click();
    await waitUntil(async () => (await server.stats()).received.length > 0, 'nothing was sent', patiently);
    const [message] = (await server.stats()).received.map((text) => JSON.parse(text) as unknown);
    expect(message).to.deep.equal({ id: 8, name: 'row 8' });
  });
});
