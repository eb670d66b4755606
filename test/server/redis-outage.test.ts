/**
 * Redis going away under running instances (SPEC 5): no crash, clients stay
 * connected, publishes are refused with `unavailable`, and delivery resumes
 * by itself — without loss where Redis persists (AOF), with `reset` and
 * `recovered:false` where it restarts empty.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { parsePosition } from '../../src/core/protocol.js';
import { startServer, type Harness } from './harness.js';
import { RedisProcess } from './redis-process.js';
import { waitUntil, type TestClient } from './ws-client.js';

const FAST = { publishRate: 1000, publishBurst: 1000 };

async function instances(t: TestContext, redis: RedisProcess, count: number, options = {}): Promise<Harness[]> {
  const started = [];
  for (let i = 0; i < count; i++) started.push(await startServer(t, { redis: redis.url, ...FAST, ...options }));
  return started;
}

/** Publishes until one is acked (Redis is back and this instance reconnected); returns that ack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the frame's fields, as the protocol says
async function publishOnceBack(client: TestClient, topic: string, text: string): Promise<Record<string, any>> {
  for (let attempt = 0; ; attempt++) {
    const answer = await client.publish(topic, { text }, `${text}-${attempt}`);
    if (answer.type === 'ack') return answer;
    assert.equal(answer.code, 'unavailable');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const texts = (client: TestClient, topic: string) =>
  client.all((m) => m.type === 'event' && m.topic === topic).map((m) => m.data.text);

test('Redis down for 5 s: clients stay connected, publishes get unavailable, metrics say down, delivery resumes', async (t) => {
  const redis = await RedisProcess.start({ appendOnly: true });
  t.after(() => redis.stop());
  const [a, b] = await instances(t, redis, 2, { feeds: ['chat', 'metrics'], metricsInterval: 100 });
  const subscriber = await b.client();
  await subscriber.subscribe('chat/ops');
  await subscriber.subscribe('metrics');
  const publisher = await a.client();
  const before = await publisher.publish('chat/ops', { text: 'before' }, 'p0');
  await subscriber.waitFor((m) => m.type === 'event' && m.data.text === 'before', 'the first line');

  await redis.kill();
  const refused = await publisher.publish('chat/ops', { text: 'during' }, 'p1');
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'unavailable');
  await subscriber.waitFor((m) => m.type === 'event' && m.topic === 'metrics' && m.data.broker === 'down', 'metrics showing the broker down');
  await new Promise((resolve) => setTimeout(resolve, 5000));
  assert.equal(publisher.closure, undefined, 'the publisher is still connected');
  assert.equal(subscriber.closure, undefined, 'the subscriber is still connected');

  await redis.restart();
  const after = await publishOnceBack(publisher, 'chat/ops', 'after');
  await subscriber.waitFor((m) => m.type === 'event' && m.data.text === 'after', 'the line published after Redis came back');
  assert.deepEqual(texts(subscriber, 'chat/ops'), ['before', 'after']);
  assert.equal(subscriber.all((m) => m.type === 'reset').length, 0, 'AOF kept the history: no reset');
  assert.equal(parsePosition(after.pos)?.epoch, parsePosition(before.pos)?.epoch, 'same epoch');
  await subscriber.waitFor((m) => m.type === 'event' && m.topic === 'metrics' && m.data.broker === 'up', 'metrics showing the broker up');

  const late = await b.client();
  const replay = await late.subscribe('chat/ops', { since: before.pos });
  assert.equal(replay.recovered, true);
  assert.deepEqual(texts(late, 'chat/ops'), ['after']);
});

test('entries published while instances lost their PUB/SUB connection are caught up from the stream, once each, in order', async (t) => {
  const redis = await RedisProcess.start();
  t.after(() => redis.stop());
  const [a, b] = await instances(t, redis, 2);
  const onA = await a.client();
  const onB = await b.client();
  await onA.subscribe('chat/busy');
  await onB.subscribe('chat/busy');
  const publisher = await a.client();
  const admin = new Redis(redis.url);
  t.after(() => admin.quit());
  const sent: string[] = [];
  for (let i = 0; i < 200; i++) {
    if (i % 50 === 10) await admin.client('KILL', 'TYPE', 'pubsub');
    const answer = await publisher.publish('chat/busy', { text: `n${i}` }, i);
    if (answer.type === 'ack') sent.push(`n${i}`);
    else assert.equal(answer.code, 'unavailable');
  }
  assert.ok(sent.length > 150, `most publishes were accepted (${sent.length})`);
  for (const client of [onA, onB]) {
    await waitUntil(() => texts(client, 'chat/busy').length >= sent.length, 'every accepted line');
    await client.roundTrip();
    assert.deepEqual(texts(client, 'chat/busy'), sent);
  }
});

test('Redis restarting without persistence: a new epoch, and reset with recovered:false, never a wrong replay', async (t) => {
  const redis = await RedisProcess.start({ appendOnly: false });
  t.after(() => redis.stop());
  const [a, b] = await instances(t, redis, 2, { feeds: ['chat', 'votes'] });
  const live = await b.client();
  await live.subscribe('chat/lost');
  const publisher = await a.client();
  let last = await publisher.publish('chat/lost', { text: 'old 0' }, 0);
  for (let i = 1; i < 3; i++) last = await publisher.publish('chat/lost', { text: `old ${i}` }, i);
  await live.waitForCount((m) => m.type === 'event', 3, 'three old lines');

  await redis.kill();
  await redis.restart();
  const fresh = await publishOnceBack(publisher, 'chat/lost', 'new');
  const oldEpoch = parsePosition(last.pos)?.epoch;
  assert.notEqual(parsePosition(fresh.pos)?.epoch, oldEpoch, 'the epoch changed');

  const reset = await live.waitFor((m) => m.type === 'reset' && m.topic === 'chat/lost', 'reset for the live subscriber');
  assert.notEqual(parsePosition(reset.pos)?.epoch, oldEpoch);
  const line = await live.waitFor((m) => m.type === 'event' && m.data.text === 'new', 'the new line');
  assert.ok(live.messages.indexOf(reset) < live.messages.indexOf(line), 'reset first, then what the new epoch holds');

  const resumer = await b.client();
  const answer = await resumer.subscribe('chat/lost', { since: last.pos });
  assert.equal(answer.recovered, false);
  assert.equal(resumer.all((m) => m.type === 'reset').length, 1);
  assert.equal(resumer.all((m) => m.type === 'event').length, 0, 'nothing replayed from a history that is gone');
});

test('an instance started while Redis is down serves its clients, refuses with unavailable, and works once Redis starts', async (t) => {
  const redis = await RedisProcess.start({ appendOnly: true });
  t.after(() => redis.stop());
  await redis.kill();
  const [a] = await instances(t, redis, 1);
  const client = await a.client();
  assert.equal((await client.subscribe('chat/late')).code, 'unavailable', 'a subscribe needs Redis too');
  assert.equal((await client.publish('chat/late', { text: 'too early' }, 'early')).code, 'unavailable');
  await redis.restart();
  await publishOnceBack(client, 'chat/late', 'first');
  const answer = await client.subscribe('chat/late', { history: 5 });
  assert.equal(answer.type, 'subscribed');
  assert.deepEqual(texts(client, 'chat/late'), ['first']);
  await client.publish('chat/late', { text: 'live' }, 'live');
  await client.waitFor((m) => m.type === 'event' && m.data.text === 'live', 'the live line');
});
