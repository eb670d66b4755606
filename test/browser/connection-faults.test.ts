/**
 * Faults that used to pass silently: errors of a connection nobody owns
 * (an implicit `src=`), a late element's `match` on a state topic, and the
 * HTML sanitizer fallback of browsers without `Element.setHTML`.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { find, mount, pause, recordEvents, unmountAll, untilState, untilText } from './helpers.js';
import type { WsErrorDetail } from '../../src/core/errors.js';

interface RefServer { port: number; url: string }
const servers: number[] = [];

async function startServer(): Promise<RefServer> {
  const server = await executeServerCommand<RefServer, object>('ref:start', { options: {} });
  servers.push(server.port);
  return server;
}

afterEach(async () => {
  unmountAll();
  for (const port of servers.splice(0)) await executeServerCommand('ref:stop', { port });
});

describe('connection faults reach the page', () => {
  it('a full send queue on an implicit connection is a ws-error on the elements that use it', async () => {
    // Nothing listens on port 9: the connection never opens, so every raw send is queued.
    const page = mount(`
      <ws-bind src="ws://127.0.0.1:9/nobody"></ws-bind>
      <ws-send src="ws://127.0.0.1:9/nobody"><button>go</button></ws-send>`);
    const bind = find(page, 'ws-bind');
    const errors = recordEvents<WsErrorDetail>(bind, 'ws-error');
    const button = find<HTMLButtonElement>(page, 'button');
    for (let i = 0; i <= 1000; i++) button.click();
    await waitUntil(() => errors.length > 0, 'no ws-error reached the ws-bind', { timeout: 5000 });
    const overflow = errors.filter((event) => event.detail.message.includes('send queue full'));
    expect(overflow.length).to.equal(1);
    expect(overflow[0].detail.kind).to.equal('network');
  });

  it('a server error that answers no publish and no topic is a ws-error on the implicit connection\'s elements', async () => {
    const { url } = await startServer();
    const page = mount(`
      <ws-bind src="${url}" topic="clock" format="json">—</ws-bind>
      <ws-send src="${url}" data='{"type":"no-such-type"}'><button>raw</button></ws-send>`);
    const bind = find(page, 'ws-bind');
    await untilState(bind, 'live');
    const errors = recordEvents<WsErrorDetail>(bind, 'ws-error');
    find<HTMLButtonElement>(page, 'button').click();
    await waitUntil(() => errors.length > 0, 'the server error never reached the ws-bind', { timeout: 5000 });
    expect(errors[0].detail.kind).to.equal('server');
    expect(errors[0].detail.code).to.equal('unknown-type');
    expect(bind.getAttribute('state')).to.equal('live');
  });

  it('a <ws-bind match> that joins a state topic late honours its match', async () => {
    const { url } = await startServer();
    const page = mount(`<ws-bind id="first" src="${url}" topic="ticker" select="AAPL.price">—</ws-bind>`);
    const first = find(page, '#first');
    await waitUntil(() => first.textContent !== '—', 'the ticker never rendered', { timeout: 10000 });
    page.insertAdjacentHTML('beforeend', `
      <ws-bind id="never" src="${url}" topic="ticker" match="AAPL.price=-1" select="AAPL.price">placeholder</ws-bind>
      <ws-bind id="always" src="${url}" topic="ticker" select="AAPL.price">placeholder</ws-bind>`);
    const never = find(page, '#never');
    const always = find(page, '#always');
    await waitUntil(() => always.textContent !== 'placeholder', 'the late element without a match never got the state', { timeout: 5000 });
    const renders = recordEvents(never, 'ws-update');
    await pause(1500);
    expect(renders.length).to.equal(0);
    expect(never.textContent).to.equal('placeholder');
    expect(never.getAttribute('state')).to.equal('waiting');
  });
});

describe('mode="html" without Element.setHTML', () => {
  const setHTML = Object.getOwnPropertyDescriptor(Element.prototype, 'setHTML');
  before(() => {
    // A browser without the Sanitizer API: the DOMPurify fallback must do the same job.
    delete (Element.prototype as { setHTML?: unknown }).setHTML;
  });
  after(() => {
    if (setHTML) Object.defineProperty(Element.prototype, 'setHTML', setHTML);
  });

  it('sanitizes through DOMPurify and keeps ordinary markup', async () => {
    const { url } = await startServer();
    const page = mount(`<ws-bind src="${url}" topic="chat/html" select="text" mode="html">—</ws-bind>`);
    const bind = find(page, 'ws-bind');
    await untilState(bind, 'waiting');
    await waitUntil(async () => (await executeServerCommand<number, object>('ref:connections', { port: servers[0] })) === 1, 'never connected');
    await pause(300);
    await executeServerCommand('ref:publish', {
      port: servers[0],
      topic: 'chat/html',
      data: { name: 'x', text: '<b>bold</b><img src="x.png" alt="pic" onerror="window.hacked=1"><a href="javascript:alert(1)">l</a><script>window.hacked=2</script>' },
    });
    await untilText(bind, 'boldl');
    expect(bind.querySelector('b')?.textContent).to.equal('bold');
    expect(bind.querySelector('img')?.getAttribute('alt')).to.equal('pic');
    expect(bind.querySelector('img')?.hasAttribute('onerror')).to.equal(false);
    expect(bind.querySelector('a')?.hasAttribute('href')).to.equal(false);
    expect(bind.querySelector('script')).to.equal(null);
    expect((window as { hacked?: unknown }).hacked).to.equal(undefined);
  });
});
