/**
 * SPEC 3.2 statements of `<ws-bind>` that the other suites did not cover:
 * a `<template>` child in append/prepend mode, and server-rendered children
 * (`since`) that `limit` counts as entries, and `relative` text that ages.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, entryTexts, find, mount, patiently, recordEvents, unmountAll, untilEntries } from './helpers.js';

describe('<ws-bind> entries (SPEC 3.2)', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
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

  it('with since keeps the server-rendered lines, formatted on separate lines, and limit counts them', async () => {
    const page = mount(`
      <ws-bind src="${server.url()}" select="n" mode="append" limit="3" since="e:2">
        <div>1</div>
        <div>2</div>
      </ws-bind>`);
    const log = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ n: 3 });
    await untilEntries(log, ['1', '2', '3']);
    await server.push({ n: 4 });
    await untilEntries(log, ['2', '3', '4']);
    expect(entryTexts(log)).to.have.length(3);
  });

  it('re-renders relative text as time passes, without a new message or ws-update', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="at" format="relative" locale="en">—</ws-bind>`);
    const age = find(page, 'ws-bind');
    const updates = recordEvents(age, 'ws-update');
    await server.untilOpen(1);
    await server.push({ at: Date.now() });
    await waitUntil(() => updates.length === 1, 'no ws-update', patiently);
    const first = age.textContent?.trim();
    const aged = (): boolean => age.textContent?.trim() !== first && /ago/.test(age.textContent ?? '');
    await waitUntil(aged, `the text stayed "${first}"`, patiently);
    expect(updates).to.have.length(1);
  });
});
