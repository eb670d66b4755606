/**
 * `<ws-bind>`'s `mode` (SPEC 3.2): append and prepend entries with `limit`,
 * server-rendered entries kept with `since`, and sanitized `html`.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, entryTexts, find, mount, untilEntries, untilText, useTestServer } from './helpers.js';

describe('<ws-bind> modes', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('in append mode with limit="3" keeps only the newest three entries', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="n" mode="append" limit="3">no lines yet</ws-bind>`);
    const log = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ n: 1 }, { n: 2 });
    await untilEntries(log, ['1', '2']);
    expect(log.textContent).not.to.include('no lines yet');
    await server.push({ n: 3 }, { n: 4 }, { n: 5 });
    await untilEntries(log, ['3', '4', '5']);
  });

  it('in prepend mode puts the newest entry first and keeps limit entries', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="n" mode="prepend" limit="2">none yet</ws-bind>`);
    const log = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ n: 1 });
    await untilEntries(log, ['1']);
    expect(log.textContent).not.to.include('none yet');
    await server.push({ n: 2 }, { n: 3 });
    await untilEntries(log, ['3', '2']);
  });

  it('in html mode inserts sanitized markup: ordinary elements stay, scripts and handlers go', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="body" mode="html"></ws-bind>`);
    const note = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ body: '<b>bold</b><img src="data:," onerror="window.hacked=1"><script>window.hacked=2</script>' });
    await untilText(note, 'bold');
    expect(note.querySelector('b')?.textContent).to.equal('bold');
    expect(note.querySelector('img'), 'the img stays').not.to.equal(null);
    expect(note.querySelectorAll('[onerror]').length, '[onerror] elements').to.equal(0);
    expect(note.querySelectorAll('script').length, 'script elements').to.equal(0);
    expect((window as { hacked?: number }).hacked).to.equal(undefined);
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
});
