/**
 * The offline queue (SPEC 3.1): what the page sends while the connection is
 * down goes out, in order, once it reopens; the queue is bounded by `queue`,
 * dropping the oldest raw sends with one `ws-error`.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsErrorDetail } from '../../src/index.js';
import { TestServer, find, mount, patiently, recordEvents, untilState, type WsSourceElement, useTestServer } from './helpers.js';

describe('the offline queue', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('sends what the page sends, queueing it while the connection is down', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="300" max-delay="400"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    source.send({ hello: 1 });
    await waitUntil(async () => (await server.stats()).received.length === 1, 'nothing arrived', patiently);

    await server.kill();
    await untilState(source, 'reconnecting');
    source.send({ hello: 2 });
    source.send('plain text');
    await untilState(source, 'open');
    await waitUntil(async () => (await server.stats()).received.length === 3, 'the queue was not sent', patiently);
    expect((await server.stats()).received).to.deep.equal(['{"hello":1}', '{"hello":2}', 'plain text']);
  });

  it('queues a <ws-send> click while the connection is down and sends it after it reopens', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="1500" max-delay="2000"></ws-source>
      <ws-send source="feed" data='{"n":1}'><button>Go</button></ws-send>`);
    const source = find(page, 'ws-source');
    await untilState(source, 'open');
    await server.kill();
    await untilState(source, 'reconnecting');
    find(page, 'button').click();
    expect((await server.stats()).received).to.deep.equal([]);
    await untilState(source, 'open');
    await waitUntil(async () => (await server.stats()).received.length === 1, 'the queued send never arrived', patiently);
    expect((await server.stats()).received).to.deep.equal(['{"n":1}']);
  });

  it('keeps the newest queue raw sends while down, dropping the oldest with one ws-error', async () => {
    const page = mount(`<ws-source src="${server.url()}" queue="2" min-delay="1500" max-delay="2000"></ws-source>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const errors = recordEvents<WsErrorDetail>(source, 'ws-error');
    await untilState(source, 'open');
    source.addEventListener('ws-close', () => {
      for (let i = 1; i <= 5; i++) source.send(`m${i}`);
    }, { once: true });

    await server.kill();
    await untilState(source, 'open');
    await waitUntil(async () => (await server.stats()).received.length === 2, 'the queue was not sent', patiently);
    expect((await server.stats()).received).to.deep.equal(['m4', 'm5']);
    expect(errors.map((event) => event.detail.kind)).to.deep.equal(['network']);
    expect(errors[0].detail.message).to.include('2');
  });
});
