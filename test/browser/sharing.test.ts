import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, find, mount, untilText, useTestServer } from './helpers.js';

describe('connections are shared per URL', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('three elements on one URL and one on a second URL open exactly two sockets, and both feeds render', async () => {
    const page = mount(`
      <ws-bind id="bid" src="${server.url('/prices')}" select="bid"></ws-bind>
      <ws-bind id="ask" src="${server.url('/prices')}" select="ask"></ws-bind>
      <ws-bind id="last" src="${server.url('/prices')}" select="last"></ws-bind>
      <ws-bind id="headline" src="${server.url('/news')}" select="title"></ws-bind>`);
    await server.untilOpen(2);
    expect(await server.paths()).to.deep.equal(['/news', '/prices']);

    await server.pushTo('/prices', { bid: 1, ask: 2, last: 3 });
    await server.pushTo('/news', { title: 'Markets open' });
    await untilText(find(page, '#bid'), '1');
    await untilText(find(page, '#ask'), '2');
    await untilText(find(page, '#last'), '3');
    await untilText(find(page, '#headline'), 'Markets open');
    expect((await server.stats()).accepted).to.equal(2);
  });

  it('an http: src maps to ws: and shares the connection of the same ws: URL', async () => {
    const page = mount(`
      <ws-bind id="as-ws" src="${server.url('/feed')}" select="v"></ws-bind>
      <ws-bind id="as-http" src="http://127.0.0.1:${server.port}/feed" select="v"></ws-bind>`);
    await server.untilOpen(1);
    await server.push({ v: 'shared' });
    await untilText(find(page, '#as-ws'), 'shared');
    await untilText(find(page, '#as-http'), 'shared');
    expect((await server.stats()).accepted).to.equal(1);
  });

  it('elements naming one <ws-source> share its single socket', async () => {
    const page = mount(`
      <ws-source id="market" src="${server.url('/market')}"></ws-source>
      <ws-bind id="bid" source="market" select="bid"></ws-bind>
      <ws-bind id="ask" source="market" select="ask"></ws-bind>`);
    await server.untilOpen(1);
    await server.push({ bid: 5, ask: 6 });
    await untilText(find(page, '#bid'), '5');
    await untilText(find(page, '#ask'), '6');
    expect((await server.stats()).accepted).to.equal(1);
  });

  it('a <ws-source> owns its connection, never shared with elements naming the same src', async () => {
    const page = mount(`
      <ws-source id="own" src="${server.url('/market')}"></ws-source>
      <ws-bind id="through-source" source="own" select="v"></ws-bind>
      <ws-bind id="implicit" src="${server.url('/market')}" select="v"></ws-bind>`);
    await server.untilOpen(2);
    await server.push({ v: 'both' });
    await untilText(find(page, '#through-source'), 'both');
    await untilText(find(page, '#implicit'), 'both');
    expect((await server.stats()).accepted).to.equal(2);
  });
});
