import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.js';
import { TestClient } from './ws-client.js';

test('a frame over max-frame closes that connection with 1009; others are unaffected', async (t) => {
  const { server, client } = await startServer(t, { maxFrame: 1024, topics: ['news'] });
  const bystander = await client();
  await bystander.subscribe('news');
  const a = await client();
  a.send({ type: 'publish', topic: 'chat/x', data: { text: 'x'.repeat(2000) } });
  assert.equal((await a.waitForClose()).code, 1009);
  await server.publish('news', { n: 1 });
  await bystander.waitFor((m) => m.type === 'event', 'the bystander still gets events');
  const under = await bystander.publish('chat/x', { name: 'n'.repeat(40), text: 'y'.repeat(500) }, 'fits');
  assert.equal(under.type, 'ack', 'a frame under the limit is accepted');
});

test('subscriptions beyond max-subscriptions get too-many-subscriptions', async (t) => {
  const { client } = await startServer(t, { maxSubscriptions: 3 });
  const a = await client();
  for (const room of ['a', 'b', 'c']) assert.equal((await a.subscribe(`chat/${room}`)).type, 'subscribed');
  const refused = await a.subscribe('chat/d');
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'too-many-subscriptions');
  assert.equal(refused.topic, 'chat/d');
  assert.equal((await a.subscribe('chat/a')).type, 'subscribed', 'subscribing again to a topic is no new subscription');
  a.send({ type: 'unsubscribe', topic: 'chat/b' });
  assert.equal((await a.subscribe('chat/d')).type, 'subscribed', 'room again after an unsubscribe');
});

test('publishes beyond the token bucket get rate-limited, with their id', async (t) => {
  const { client } = await startServer(t, { publishRate: 0, publishBurst: 3 });
  const a = await client();
  for (let n = 0; n < 10; n++) a.send({ type: 'publish', topic: 'chat/x', data: { text: `m${n}` }, id: n });
  const answers = await a.waitForCount((m) => m.type === 'ack' || m.type === 'error', 10, 'ten answers');
  assert.deepEqual(answers.filter((m) => m.type === 'ack').map((m) => m.id), [0, 1, 2]);
  const limited = answers.filter((m) => m.type === 'error');
  assert.equal(limited.length, 7);
  assert.ok(limited.every((m) => m.code === 'rate-limited' && m.topic === 'chat/x'));
  assert.deepEqual(limited.map((m) => m.id), [3, 4, 5, 6, 7, 8, 9]);
});

test('the token bucket refills at publish-rate', async (t) => {
  const { client } = await startServer(t, { publishRate: 20, publishBurst: 1 });
  const a = await client();
  for (let n = 0; n < 20; n++) a.send({ type: 'publish', topic: 'chat/x', data: { text: `m${n}` }, id: n });
  const answers = await a.waitForCount((m) => m.type === 'ack' || m.type === 'error', 20, 'twenty answers');
  assert.ok(answers.some((m) => m.code === 'rate-limited'), 'a burst beyond the bucket is limited');
  let reply;
  for (let attempt = 0; attempt < 100 && reply?.type !== 'ack'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    reply = await a.publish('chat/x', { text: 'later' }, `later-${attempt}`);
  }
  assert.equal(reply?.type, 'ack', 'a publish is accepted again once tokens refilled');
});

test('a client that reads too slowly is closed with 1013 while a fast one gets everything', async (t) => {
  const { server, client } = await startServer(t, { maxBuffer: 256 * 1024, topics: ['big'] });
  const slow = await client();
  await slow.subscribe('big');
  const fast = await client();
  await fast.subscribe('big');
  slow.socket.pause();
  // 12 MB in all, more than the kernel's socket buffers hold, sent at the pace the fast client reads.
  const payload = 'x'.repeat(100 * 1024);
  const count = 120;
  for (let n = 0; n < count; n++) {
    await server.publish('big', { n, payload });
    await fast.waitForCount((m) => m.type === 'event', n + 1, `event ${n} at the fast client`);
  }
  const events = fast.all((m) => m.type === 'event');
  assert.deepEqual(events.map((m) => m.data.n), Array.from({ length: count }, (_, n) => n));
  slow.socket.resume();
  assert.equal((await slow.waitForClose(30000)).code, 1013);
  assert.ok(slow.all((m) => m.type === 'event').length < count, 'the slow client was cut off');
});

test('an Origin not on the allow-list is refused at the upgrade', async (t) => {
  const { client, connect } = await startServer(t, { origin: ['https://good.example'] });
  await assert.rejects(connect({ origin: 'https://evil.example' }), /403/);
  const good = await client({ origin: 'https://good.example' });
  assert.equal(good.welcome.type, 'welcome');
});

test('with a token, the auth frame must carry it: right → welcome, wrong → 1008', async (t) => {
  const { connect } = await startServer(t, { token: 's3cret' });
  const right = await connect();
  right.send({ type: 'auth', token: 's3cret' });
  await right.waitFor((m) => m.type === 'welcome', 'welcome after auth');
  assert.equal(right.messages[0].type, 'welcome', 'nothing comes before the welcome');

  const wrong = await connect();
  wrong.send({ type: 'auth', token: 'guess' });
  assert.equal((await wrong.waitForClose()).code, 1008);
  assert.equal(wrong.messages.length, 0);

  const none = await connect();
  none.send({ type: 'subscribe', topic: 'chat/x' });
  assert.equal((await none.waitForClose()).code, 1008, 'a first frame that is not auth');

  const garbage = await connect();
  garbage.send('not json');
  assert.equal((await garbage.waitForClose()).code, 1008, 'a first frame that is not even JSON');
  assert.equal(garbage.messages.length, 0);
});

test('with a token, clients that cannot send one may put it in the query', async (t) => {
  const { server, connect } = await startServer(t, { token: 's3cret' });
  const right = await connect({}, `${server.url}?token=s3cret`);
  await right.waitFor((m) => m.type === 'welcome', 'welcome without an auth frame');
  const wrong = await connect({}, `${server.url}?token=guess`);
  assert.equal((await wrong.waitForClose()).code, 1008);
});

test('with a token, auth may carry a resume key too', async (t) => {
  const { connect } = await startServer(t, { token: 's3cret' });
  const first = await connect();
  first.send({ type: 'auth', token: 's3cret' });
  const welcome = await first.waitFor((m) => m.type === 'welcome', 'welcome');
  first.drop();
  const again = await connect();
  again.send({ type: 'auth', token: 's3cret', resume: welcome.resume });
  await again.waitFor((m) => m.type === 'welcome', 'welcome');
  assert.equal(again.welcome.id, welcome.id);
  assert.equal(again.all((m) => m.type === 'welcome').length, 1, 'one welcome, of the resumed session');
});

test('other paths are refused at the upgrade', async (t) => {
  const { server } = await startServer(t);
  await assert.rejects(TestClient.connect(server.url.replace('/feeds', '/elsewhere')), /404/);
});
