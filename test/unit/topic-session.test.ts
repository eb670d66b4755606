import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WsErrorDetail } from '../../src/core/errors.js';
import type { ClientMessage, Position, ServerMessage } from '../../src/core/protocol.js';
import { PublishError, TopicSession, WELCOME_TIMEOUT } from '../../src/core/topic-session.js';

/** A session over a fake socket: what it sends, and what it tells its connection. */
function harness(token?: string, requests: Record<string, { since?: Position; history?: number }> = {}) {
  const sent: ClientMessage[] = [];
  const told: string[] = [];
  const data: Array<{ name: string; data: unknown }> = [];
  const failures: Array<{ name: string; detail: WsErrorDetail }> = [];
  const errors: WsErrorDetail[] = [];
  const session = new TopicSession({
    send: (message) => void sent.push(message),
    welcomed: () => void told.push('welcomed'),
    request: (name) => requests[name] ?? {},
    data: (name, value) => void data.push({ name, data: value }),
    topicChanged: (name, change) => void told.push(`${change} ${name}`),
    topicFailed: (name, detail) => void failures.push({ name, detail }),
    error: (detail) => void errors.push(detail),
  }, token);
  const receive = (...messages: ServerMessage[]) => messages.forEach((message) => session.receive(message));
  return { session, sent, told, data, failures, errors, receive };
}

const welcome = (id = 'c1', resume = 'r1'): ServerMessage => ({ type: 'welcome', id, resume });
const event = (topic: string, pos: string, value: unknown): ServerMessage => ({ type: 'event', topic, pos, data: value as never });

test('first open: auth with the token, subscribes after welcome, then topic mode', () => {
  const { session, sent, told, receive } = harness('secret', { chat: { history: 5 } });
  session.subscribe('chat');
  assert.deepEqual(sent, [], 'nothing goes out before a socket opens');
  session.opened();
  assert.deepEqual(sent, [{ type: 'auth', token: 'secret' }]);
  assert.equal(session.topicMode, false);
  receive(welcome());
  assert.equal(session.topicMode, true);
  assert.deepEqual(told, ['welcomed']);
  assert.deepEqual(sent.slice(1), [{ type: 'subscribe', topic: 'chat', history: 5 }]);
  session.dispose();
});

test('after a reconnect the send order is auth (token and resume key), every subscribe from its position, then unacknowledged publishes', async () => {
  const { session, sent, receive } = harness('secret');
  session.subscribe('chat');
  session.subscribe('votes');
  session.opened();
  receive(welcome('c1', 'key-1'), event('chat', 'e:3', 'hi'));
  const acked = session.publish({ type: 'publish', topic: 'chat', data: 'x', id: 'p1' }, 10000);
  session.closed(1006);
  const pending = session.publish({ type: 'publish', topic: 'chat', data: 'y', id: 'p2' }, 10000);
  sent.length = 0;
  session.opened();
  assert.deepEqual(sent, [
    { type: 'auth', token: 'secret', resume: 'key-1' },
    { type: 'subscribe', topic: 'chat', since: 'e:3' },
    { type: 'subscribe', topic: 'votes' },
    { type: 'publish', topic: 'chat', data: 'x', id: 'p1' },
    { type: 'publish', topic: 'chat', data: 'y', id: 'p2' },
  ]);
  receive(welcome('c1', 'key-2'), { type: 'ack', id: 'p1', pos: 'e:4' }, { type: 'ack', id: 'p2', pos: 'e:5' });
  assert.equal(sent.length, 5, 'the second welcome of a resumed session sends nothing again');
  assert.equal(await acked, 'e:4');
  assert.equal(await pending, 'e:5');
  session.dispose();
});

test('a resumed session keeps its inbox alias, and the new resume key is used next time', () => {
  const { session, sent, data, receive } = harness();
  session.subscribe('inbox/@me');
  session.opened();
  receive(welcome('c7', 'k1'));
  assert.deepEqual(sent, [{ type: 'subscribe', topic: 'inbox/c7' }]);
  receive(event('inbox/c7', 'e:1', 'dm'));
  assert.deepEqual(data, [{ name: 'inbox/@me', data: 'dm' }]);
  session.closed(1006);
  sent.length = 0;
  session.opened();
  assert.deepEqual(sent[0], { type: 'auth', resume: 'k1' });
  assert.deepEqual(sent[1], { type: 'subscribe', topic: 'inbox/c7', since: 'e:1' });
  receive(welcome('c7', 'k2'), event('inbox/c7', 'e:1', 'dm'), event('inbox/c7', 'e:2', 'dm2'));
  assert.deepEqual(data.map((entry) => entry.data), ['dm', 'dm2'], 'the replayed e:1 is dropped');
  session.closed(1006);
  sent.length = 0;
  session.opened();
  assert.deepEqual(sent[0], { type: 'auth', resume: 'k2' });
  session.dispose();
});

test('a publish whose ack is lost is re-sent unchanged after the reconnect and settles once', async () => {
  const { session, sent, receive } = harness();
  session.opened();
  receive(welcome());
  const outcome = session.publish({ type: 'publish', topic: 'chat', data: { text: 'a' }, id: 'once' }, 10000);
  session.closed(1006);
  session.opened();
  receive(welcome());
  const publishes = sent.filter((message) => message.type === 'publish');
  assert.deepEqual(publishes, [
    { type: 'publish', topic: 'chat', data: { text: 'a' }, id: 'once' },
    { type: 'publish', topic: 'chat', data: { text: 'a' }, id: 'once' },
  ]);
  receive({ type: 'ack', id: 'once', pos: 'e:9' }, { type: 'ack', id: 'once', pos: 'e:9' });
  assert.equal(await outcome, 'e:9');
  session.dispose();
});

test('a publish settles with the server error for its id, or times out', async (t) => {
  const { session, receive } = harness();
  session.opened();
  receive(welcome());
  const refused = session.publish({ type: 'publish', topic: 'chat', data: '', id: 1 }, 10000);
  receive({ type: 'error', code: 'invalid', message: 'empty line', id: 1 });
  await assert.rejects(refused, (error: unknown) => error instanceof PublishError && error.kind === 'server' && error.code === 'invalid');
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const silent = session.publish({ type: 'publish', topic: 'chat', data: 'x', id: 2 }, 300);
  t.mock.timers.tick(300);
  await assert.rejects(silent, (error: unknown) => error instanceof PublishError && error.kind === 'timeout');
  session.dispose();
});

test('a 1009 close drops the publish that caused it instead of re-sending it forever', async () => {
  const { session, sent, receive } = harness();
  session.opened();
  receive(welcome());
  const huge = session.publish({ type: 'publish', topic: 'chat', data: 'x'.repeat(10), id: 'big' }, 10000);
  session.closed(1009);
  await assert.rejects(huge, (error: unknown) => error instanceof PublishError && error.code === 'too-large');
  sent.length = 0;
  session.opened();
  receive(welcome());
  assert.equal(sent.filter((message) => message.type === 'publish').length, 0);
  session.dispose();
});

test('positions: events at or before the last applied one are dropped; reset takes the server position', () => {
  const { session, data, told, receive } = harness();
  session.subscribe('chat');
  session.opened();
  receive(welcome(), { type: 'subscribed', topic: 'chat', pos: 'e:2', recovered: true });
  receive(event('chat', 'e:2', 'old'), event('chat', 'e:3', 'new'), event('chat', 'e:3', 'again'));
  assert.deepEqual(data.map((entry) => entry.data), ['new']);
  receive({ type: 'reset', topic: 'chat', pos: 'f:10' }, event('chat', 'f:10', 'gone'), event('chat', 'f:11', 'next'));
  assert.deepEqual(data.map((entry) => entry.data), ['new', 'next']);
  assert.deepEqual(told, ['welcomed', 'subscribed chat', 'reset chat']);
  session.dispose();
});

test('state topics: a snapshot then merge patches give the whole state', () => {
  const { session, data, receive } = harness();
  session.subscribe('votes');
  session.opened();
  receive(welcome(), { type: 'snapshot', topic: 'votes', pos: 'e:1', data: { left: 1, right: 2 } });
  receive({ type: 'patch', topic: 'votes', pos: 'e:2', data: { left: 3, watching: 4 } });
  assert.deepEqual(data.at(-1), { name: 'votes', data: { left: 3, right: 2, watching: 4 } });
  session.dispose();
});

test('errors: a refused topic goes to that topic, anything else to the connection', () => {
  const { session, failures, errors, receive } = harness();
  session.subscribe('admin');
  session.opened();
  receive(welcome(), { type: 'error', code: 'forbidden', message: 'no', topic: 'admin' });
  receive({ type: 'error', code: 'rate-limited', message: 'slow down' });
  assert.deepEqual(failures.map((failure) => [failure.name, failure.detail.code]), [['admin', 'forbidden']]);
  assert.deepEqual(errors.map((error) => error.code), ['rate-limited']);
  session.dispose();
});

test('a new token is sent at once as a fresh auth on a welcomed socket', () => {
  const { session, sent, receive } = harness('old');
  session.opened();
  receive(welcome());
  session.setToken('new');
  assert.deepEqual(sent.at(-1), { type: 'auth', token: 'new' });
  session.closed(1006);
  session.opened();
  assert.deepEqual(sent.at(-1), { type: 'auth', token: 'new', resume: 'r1' });
  session.dispose();
});

test('unsubscribing a topic nobody reads any more tells the server', () => {
  const { session, sent, receive } = harness();
  session.subscribe('clock');
  session.opened();
  receive(welcome());
  session.unsubscribe('clock');
  assert.deepEqual(sent.at(-1), { type: 'unsubscribe', topic: 'clock' });
  session.dispose();
});

test('a server that never says welcome: topic subscribers fail with protocol after 5 s', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { session, failures } = harness();
  session.subscribe('ticker');
  session.opened();
  t.mock.timers.tick(WELCOME_TIMEOUT - 1);
  assert.equal(failures.length, 0);
  t.mock.timers.tick(1);
  assert.deepEqual(failures.map((failure) => [failure.name, failure.detail.kind]), [['ticker', 'protocol']]);
  session.dispose();
});
