/**
 * `<ws-bind>` with an author `<template>` (SPEC 3.2): text stays text,
 * attributes interpolate, `?attr` and `.prop` bind, pipes format, keyed
 * lists move their DOM instead of re-creating it, each append/prepend entry
 * is one rendered template, and a template error is a configuration fault.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsErrorDetail } from '../../src/index.js';
import { TestServer, find, mount, patiently, recordEvents, untilEntries, untilState, useTestServer } from './helpers.js';

describe('<ws-bind> with a <template>', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('renders text as text, interpolates attributes, binds ?attr and .prop and formats through pipes', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}" select="user"><template><a class="name {{ role }}" href="{{ url }}" ?hidden="{{ hidden }}">{{ name }}</a><span>{{ balance | currency:EUR }}</span><input .value="{{ name }}"><i>{{ . | json }}</i></template>loading…</ws-bind>`,
      { lang: 'en-US' });
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    const user = { name: '<b>Ada</b>', role: 'admin', url: 'javascript:alert(1)', hidden: false, balance: 12.5 };
    await server.push({ user });
    await waitUntil(() => bind.querySelector('a'), 'the template never rendered', patiently);
    const link = find<HTMLAnchorElement>(bind, 'a');
    expect(link.textContent).to.equal('<b>Ada</b>');
    expect(bind.querySelector('b')).to.equal(null);
    expect(link.className).to.equal('name admin');
    expect(link.hasAttribute('href')).to.equal(false);
    expect(link.hidden).to.equal(false);
    expect(find(bind, 'span').textContent).to.equal('€12.50');
    expect(find<HTMLInputElement>(bind, 'input').value).to.equal('<b>Ada</b>');
    expect(JSON.parse(find(bind, 'i').textContent ?? '')).to.deep.equal(user);
    expect(bind.textContent).not.to.include('loading');
    expect(bind.querySelector('template')).not.to.equal(null);

    await server.push({ user: { ...user, hidden: true, role: 'guest' } });
    await waitUntil(() => link.hidden, 'the boolean attribute never toggled', patiently);
    expect(find(bind, 'a')).to.equal(link);
    expect(link.className).to.equal('name guest');
  });

  it('compares paths and quoted strings with == and !=, as booleans for ?attr and as text elsewhere', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template>`
      + `<p ?data-admin="{{ role == 'admin' }}" ?data-other="{{ role != owner }}" data-same="{{ role == owner }}">{{ role == "admin" }}</p>`
      + `<i>{{ $session }}</i></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ role: 'admin', owner: 'admin' });
    await waitUntil(() => bind.querySelector('p'), 'the template never rendered', patiently);
    const p = find(bind, 'p');
    expect([p.hasAttribute('data-admin'), p.hasAttribute('data-other'), p.dataset.same, p.textContent]).to.deep.equal([true, false, 'true', 'true']);
    // A raw server has no session: `$session` is empty, never the text "undefined".
    expect(find(bind, 'i').textContent).to.equal('');

    await server.push({ role: 'guest', owner: 'admin' });
    await waitUntil(() => p.textContent === 'false', 'the comparison never changed', patiently);
    expect([p.hasAttribute('data-admin'), p.hasAttribute('data-other'), p.dataset.same]).to.deep.equal([false, true, 'false']);
  });

  it('repeats a nested <template each key> and moves existing rows when the order changes', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}"><template><ul><template each="rows" key="id"><li>{{ name }}</li></template></ul></template></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ rows: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] });
    await waitUntil(() => bind.querySelectorAll('li').length === 2, 'no rows', patiently);
    const two = bind.querySelectorAll('li')[1];
    await server.push({ rows: [{ id: 2, name: 'two' }, { id: 1, name: 'one' }, { id: 3, name: 'three' }] });
    await waitUntil(() => bind.querySelectorAll('li').length === 3, 'the third row never came', patiently);
    const names = [...bind.querySelectorAll('li')].map((li) => li.textContent);
    expect(names).to.deep.equal(['two', 'one', 'three']);
    expect(bind.querySelectorAll('li')[0]).to.equal(two);
  });

  it('renders a <template> child once per entry in append mode, and limit counts entries', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}" mode="append" limit="2">no lines yet<template>
        <p class="line"><b>{{ name }}</b>: {{ text }}</p>
      </template></ws-bind>`);
    const chat = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ name: 'ann', text: 'hi' }, { name: 'bob', text: '<i>yo</i>' });
    await untilEntries(chat, ['ann: hi', 'bob: <i>yo</i>']);
    expect(chat.textContent).not.to.include('no lines yet');
    expect(chat.querySelectorAll('p.line b').length, 'each entry is the rendered template').to.equal(2);
    expect(chat.querySelector('i'), 'markup in a message stays text').to.equal(null);

    await server.push({ name: 'cy', text: 'hey' });
    await untilEntries(chat, ['bob: <i>yo</i>', 'cy: hey']);
  });

  it('puts the newest rendered template first in prepend mode', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}" mode="prepend"><template>{{ name }} said {{ text }}</template></ws-bind>`);
    const chat = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ name: 'ann', text: 'one' }, { name: 'bob', text: 'two' });
    await untilEntries(chat, ['bob said two', 'ann said one']);
  });

  it('reports a template error as a configuration fault and recovers when the template is fixed', async () => {
    const page = mount(`<ws-bind src="${server.url()}"><template><b>{{ v | nonsense }}</b></template>keep me</ws-bind>`, {
      lang: 'en-US',
    });
    const bind = find(page, 'ws-bind');
    const errors = recordEvents<WsErrorDetail>(bind, 'ws-error');
    await untilState(bind, 'error');
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail.kind).to.equal('config');
    expect(errors[0].detail.message).to.include('nonsense');
    expect(bind.textContent).to.include('keep me');

    bind.querySelector('template')!.innerHTML = '<b>{{ v | number }}</b>';
    await waitUntil(() => bind.getAttribute('state') !== 'error', 'the error never cleared', patiently);
    await server.untilOpen(1);
    await server.push({ v: 1234 });
    await waitUntil(() => bind.querySelector('b')?.textContent === '1,234', 'the fixed template never rendered', patiently);
  });

  for (const [fault, template, named] of [
    ['an unknown pipe', '<b>{{ v | shout }}</b>', 'shout'],
    ['an unclosed placeholder', '<b>{{ v </b>', 'unclosed placeholder'],
    ['an unclosed placeholder in an attribute', '<a href="/u/{{ id">x</a>', 'unclosed placeholder'],
    ['an each without a path', '<ul><template each=""><li>{{ . }}</li></template></ul>', 'each'],
    ['an each with a bad path', '<ul><template each="rows..x"><li>{{ . }}</li></template></ul>', 'rows..x'],
    ['an each with an empty key', '<ul><template each="rows" key=" "><li>{{ . }}</li></template></ul>', 'empty key'],
    ['a binding in an event handler', '<button onclick="go({{ v }})">x</button>', 'onclick'],
    ['a binding in srcdoc', '<iframe srcdoc="{{ v }}"></iframe>', 'srcdoc'],
    ['a binding in .innerHTML', '<div .innerHTML="{{ v }}"></div>', 'innerhtml'],
    ['a binding inside <script>', '<script>var v = "{{ v }}"</script>', 'script'],
  ] as const) {
    it(`reports ${fault} when the template is read, shows error and keeps the placeholder`, async () => {
      const page = mount(`<ws-bind src="${server.url()}"><template>${template}</template>placeholder</ws-bind>`);
      const bind = find(page, 'ws-bind');
      const errors = recordEvents<WsErrorDetail>(bind, 'ws-error');
      await untilState(bind, 'error');
      expect(errors.map((event) => event.detail.kind)).to.deep.equal(['config']);
      expect(errors[0].detail.message).to.include('template error').and.to.include(named);
      await server.untilOpen(1);
      await server.push({ v: 1, id: 2, rows: [1] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(bind.textContent).to.equal('placeholder');
      expect(bind.getAttribute('state')).to.equal('error');
    });
  }
});
