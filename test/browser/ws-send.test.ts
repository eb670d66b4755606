/**
 * `<ws-send>` against the raw test server: what it sends for forms, buttons
 * and inputs, and in topic mode how it publishes, waits for the ack and
 * re-sends after a reconnect. (A raw send while down: offline-queue.test.ts.)
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { WsAckDetail, WsErrorDetail, WsSentDetail } from '../../src/index.js';
import { TestServer, find, mount, patiently, recordEvents, untilState, useTestServer } from './helpers.js';

type Sent = Record<string, unknown>;

async function untilReceived(server: TestServer, count: number): Promise<Sent[]> {
  let messages: Sent[] = [];
  await waitUntil(async () => {
    messages = (await server.stats()).received.map((text) => JSON.parse(text) as Sent);
    return messages.length >= count;
  }, `the server never received ${count} messages`, { ...patiently, interval: 50 });
  return messages;
}

const welcome = { type: 'welcome', id: 'c1', resume: 'r1' };

describe('<ws-send> sends what the user does', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('in raw mode sends a submitted form as an object merged over data, repeated names as arrays', async () => {
    const page = mount(`
      <ws-send src="${server.url()}" data='{"room":"lobby","text":"default"}'>
        <form><input name="text" value="hi"><input name="tag" value="a"><input name="tag" value="b"><button>Send</button></form>
      </ws-send>`);
    const send = find(page, 'ws-send');
    const sentEvents = recordEvents<WsSentDetail>(send, 'ws-sent');
    await server.untilOpen(1);
    find<HTMLFormElement>(page, 'form').requestSubmit();
    const [message] = await untilReceived(server, 1);
    expect(message).to.deep.equal({ room: 'lobby', text: 'hi', tag: ['a', 'b'] });
    expect(sentEvents[0].detail.data).to.deep.equal(message);
    expect(location.href).not.to.include('text=hi');
  });

  it('sends a clicked button\'s name and value merged over data', async () => {
    const page = mount(`<ws-send src="${server.url()}" data='{"dir":"left"}'><button name="strength" value="2">Left</button></ws-send>`);
    await server.untilOpen(1);
    find(page, 'button').click();
    expect(await untilReceived(server, 1)).to.deep.equal([{ dir: 'left', strength: '2' }]);
  });

  it('with on="input" and debounce sends only the latest value of a burst', async () => {
    const page = mount(`<ws-send src="${server.url()}" on="input" debounce="200"><input name="q"></ws-send>`);
    await server.untilOpen(1);
    const input = find<HTMLInputElement>(page, 'input');
    for (const value of ['a', 'ab', 'abc']) {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await untilReceived(server, 1);
    find(page, 'ws-send').setAttribute('data', '{"done":true}');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    expect(await untilReceived(server, 2)).to.deep.equal([{ q: 'abc' }, { done: true, q: 'abc' }]);
  });

  it('reports invalid JSON in data and sends nothing', async () => {
    const page = mount(`<ws-send src="${server.url()}" data='{oops'><button>Go</button></ws-send>`);
    const errors = recordEvents<WsErrorDetail>(find(page, 'ws-send'), 'ws-error');
    await server.untilOpen(1);
    find(page, 'button').click();
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail.kind).to.equal('config');
    expect(errors[0].detail.message).to.include('{oops');
    expect((await server.stats()).received).to.deep.equal([]);
  });

  it('in topic mode publishes with an id, stays pending until the ack, then resets the form', async () => {
    const page = mount(`
      <ws-send src="${server.url()}" topic="chat/lobby"><form><input name="text" value="hello"><button>Send</button></form></ws-send>`);
    const send = find(page, 'ws-send');
    const acks = recordEvents<WsAckDetail>(send, 'ws-ack');
    await server.untilOpen(1);
    await server.push(welcome);
    const input = find<HTMLInputElement>(page, 'input');
    input.value = 'typed';
    find<HTMLFormElement>(page, 'form').requestSubmit();
    expect(send.hasAttribute('pending')).to.equal(true);
    const [publish] = await untilReceived(server, 1);
    expect(publish).to.deep.include({ type: 'publish', topic: 'chat/lobby', data: { text: 'typed' } });
    expect(publish.id).to.be.a('string');

    await server.push({ type: 'ack', id: publish.id, pos: 'e:1' });
    await waitUntil(() => !send.hasAttribute('pending'), 'still pending', patiently);
    expect(acks[0].detail).to.deep.equal({ id: publish.id, pos: 'e:1' });
    expect(input.value).to.equal('hello');
  });

  it('keeps the form filled and reports a server error for its publish', async () => {
    const page = mount(`<ws-send src="${server.url()}" topic="chat/lobby"><form><input name="text"></form></ws-send>`);
    const send = find(page, 'ws-send');
    const errors = recordEvents<WsErrorDetail>(send, 'ws-error');
    await server.untilOpen(1);
    await server.push(welcome);
    find<HTMLInputElement>(page, 'input').value = 'too long';
    find<HTMLFormElement>(page, 'form').requestSubmit();
    const [publish] = await untilReceived(server, 1);
    await server.push({ type: 'error', code: 'invalid', message: 'text is too long', id: publish.id });
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail).to.deep.equal({ kind: 'server', message: 'text is too long', code: 'invalid', id: publish.id });
    expect(send.hasAttribute('pending')).to.equal(false);
    expect(find<HTMLInputElement>(page, 'input').value).to.equal('too long');
  });

  it('gives up after ack-timeout with a timeout error', async () => {
    const page = mount(`<ws-send src="${server.url()}" topic="votes" ack-timeout="300" data='{"dir":"left"}'><button>Left</button></ws-send>`);
    const send = find(page, 'ws-send');
    const errors = recordEvents<WsErrorDetail>(send, 'ws-error');
    await server.untilOpen(1);
    await server.push(welcome);
    find(page, 'button').click();
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail.kind).to.equal('timeout');
    expect(send.hasAttribute('pending')).to.equal(false);
  });

  it('re-sends an unacknowledged publish with the same id after a reconnect, after auth', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="100"></ws-source>
      <ws-send source="feed" topic="votes" data='{"dir":"right"}'><button>Right</button></ws-send>`);
    await server.untilOpen(1);
    await server.push(welcome);
    await untilState(find(page, 'ws-source'), 'open');
    find(page, 'button').click();
    const [first] = await untilReceived(server, 1);
    await server.kill();
    const messages = await untilReceived(server, 3);
    expect(messages[1]).to.deep.equal({ type: 'auth', resume: 'r1' });
    expect(messages[2]).to.deep.equal(first);
  });

  it('drops a publish the server closed with 1009 for, instead of re-sending it', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="100"></ws-source>
      <ws-send source="feed" topic="chat/lobby" data='{"text":"huge"}'><button>Send</button></ws-send>`);
    const errors = recordEvents<WsErrorDetail>(find(page, 'ws-send'), 'ws-error');
    await server.untilOpen(1);
    await server.push(welcome);
    await untilState(find(page, 'ws-source'), 'open');
    find(page, 'button').click();
    await untilReceived(server, 1);
    await server.closeAll(1009, 'too large');
    await waitUntil(() => errors.length > 0, 'no ws-error', patiently);
    expect(errors[0].detail).to.deep.include({ kind: 'server', code: 'too-large' });
    expect(find(page, 'ws-send').hasAttribute('pending')).to.equal(false);
    const messages = await untilReceived(server, 2);
    expect(messages[1]).to.deep.equal({ type: 'auth', resume: 'r1' });
    await server.push(welcome);
    await untilState(find(page, 'ws-source'), 'open');
    expect((await server.stats()).received.map((text) => JSON.parse(text).type)).to.deep.equal(['publish', 'auth']);
  });
});
