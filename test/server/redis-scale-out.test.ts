/**
 * Scale-out on Redis (SPEC 5): two reference servers on one real
 * `redis-server` share topics, positions, history, state and sessions.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { inboxTopic } from '../../src/core/protocol.js';
import { createServer } from '../../server/server.js';
import { startServer, type Harness } from './harness.js';
import { RedisProcess } from './redis-process.js';
import type { TestClient } from './ws-client.js';

/** A Redis and two instances on it, all stopped when the test ends. */
async function twoInstances(t: TestContext, options: Record<string, unknown> = {}): Promise<[Harness, Harness, RedisProcess]> {
  const redis = await RedisProcess.start();
  t.after(() => redis.stop());
  const a = await startServer(t, { redis: redis.url, ...options });
  const b = await startServer(t, { redis: redis.url, ...options });
  return [a, b, redis];
}

const events = (client: TestClient, topic: string) => client.all((m) => m.type === 'event' && m.topic === topic);

test('a publisher on A reaches subscribers on A and B with the same events at the same positions', async (t) => {
  const [a, b] = await twoInstances(t, { publishRate: 1000, publishBurst: 1000 });
  const onA = await a.client();
  const onB = await b.client();
  assert.equal((await onA.subscribe('chat/lobby')).type, 'subscribed');
  assert.equal((await onB.subscribe('chat/lobby')).type, 'subscribed');
  const publisher = await a.client();
  const acks = [];
  for (let i = 0; i < 50; i++) acks.push(await publisher.publish('chat/lobby', { text: `line ${i}` }, i));
  await onA.waitForCount((m) => m.type === 'event', 50, 'events on A');
  await onB.waitForCount((m) => m.type === 'event', 50, 'events on B');
  const seenOnA = events(onA, 'chat/lobby').map((m) => [m.pos, m.data.text]);
  const seenOnB = events(onB, 'chat/lobby').map((m) => [m.pos, m.data.text]);
  assert.deepEqual(seenOnB, seenOnA);
  assert.deepEqual(seenOnA.map(([pos]) => pos), acks.map((ack) => ack.pos), 'positions are the acked ones');
  assert.match(acks[0].pos, /^[^:]+:\d+-\d+$/, 'EPOCH:stream-id');
  assert.deepEqual(seenOnA.map(([, text]) => text), Array.from({ length: 50 }, (_, i) => `line ${i}`));
});

test('votes cast on A and B at the same moment add up exactly', async (t) => {
  const [a, b] = await twoInstances(t, { publishRate: 1000, publishBurst: 1000 });
  const watcherA = await a.client();
  const watcherB = await b.client();
  await watcherA.subscribe('votes');
  await watcherB.subscribe('votes');
  const voters = [await a.client(), await a.client(), await b.client(), await b.client()];
  const each = 50;
  for (const [index, voter] of voters.entries()) {
    for (let i = 0; i < each; i++) voter.send({ type: 'publish', topic: 'votes', data: { dir: i % 2 ? 'left' : 'right' }, id: `${index}-${i}` });
  }
  for (const voter of voters) await voter.waitForCount((m) => m.type === 'ack', each, 'acks');
  const final = voters.length * (each / 2);
  for (const watcher of [watcherA, watcherB]) {
    await watcher.waitFor((m) => m.type === 'patch' && m.data.left === final, `left = ${final}`);
    await watcher.waitFor((m) => m.type === 'patch' && m.data.right === final, `right = ${final}`);
  }
  const late = await b.client();
  await late.subscribe('votes');
  const snapshot = late.all((m) => m.type === 'snapshot')[0];
  assert.deepEqual(snapshot.data, { left: final, right: final, watching: 3 });
  // Every vote is its own patch: no two share a position, so none was lost to a concurrent write.
  const positions = watcherA.all((m) => m.type === 'patch').map((m) => m.pos);
  assert.equal(new Set(positions).size, positions.length);
});

test('chat history written through A is replayed by B, and B replays after a position A issued', async (t) => {
  const [a, b] = await twoInstances(t, { history: 5 });
  const writer = await a.client();
  const acks = [];
  for (let i = 0; i < 8; i++) acks.push(await writer.publish('chat/room', { text: `m${i}` }, i));
  const reader = await b.client();
  await reader.subscribe('chat/room', { history: 10 });
  assert.deepEqual(events(reader, 'chat/room').map((m) => m.data.text), ['m3', 'm4', 'm5', 'm6', 'm7'], 'the latest 5 kept');

  const resumer = await b.client();
  const answer = await resumer.subscribe('chat/room', { since: acks[4].pos });
  assert.equal(answer.recovered, true);
  assert.deepEqual(events(resumer, 'chat/room').map((m) => m.data.text), ['m5', 'm6', 'm7']);
  assert.equal(answer.pos, acks[7].pos);

  const edge = await b.client();
  const atEdge = await edge.subscribe('chat/room', { since: acks[2].pos });
  assert.equal(atEdge.recovered, true, 'exactly one window behind still recovers');
  assert.deepEqual(events(edge, 'chat/room').map((m) => m.data.text), ['m3', 'm4', 'm5', 'm6', 'm7']);

  const tooLate = await b.client();
  const gone = await tooLate.subscribe('chat/room', { since: acks[1].pos });
  assert.equal(gone.recovered, false, 'm2 is gone: reset instead of a partial replay');
  assert.equal(tooLate.all((m) => m.type === 'reset').length, 1);
  assert.equal(events(tooLate, 'chat/room').length, 0);
});

test('a session resumed on another instance keeps its id, its inbox with what arrived meanwhile, its presence and publish ids', async (t) => {
  const [a, b] = await twoInstances(t);
  const ann = await a.client();
  const bob = await b.client();
  const watcher = await b.client();
  await watcher.subscribe('faces');
  await watcher.subscribe('chat/lobby');
  const inbox = inboxTopic(ann.welcome.id);
  await ann.subscribe(inbox);
  await ann.subscribe('faces');
  await watcher.waitFor((m) => m.type === 'patch' && m.data[ann.welcome.id]?.direction === 0, "ann's face");
  assert.equal((await bob.publish(inbox, { name: 'bob', text: 'first' }, 'd1')).type, 'ack', 'B finds an inbox whose owner is on A');
  const first = await ann.waitFor((m) => m.type === 'event' && m.topic === inbox, 'the first direct message');
  const chatAck = await ann.publish('chat/lobby', { text: 'once' }, 'p1');
  ann.drop();

  assert.equal((await bob.publish(inbox, { name: 'bob', text: 'while away' }, 'd2')).type, 'ack');
  const back = await b.connect();
  back.send({ type: 'auth', resume: ann.welcome.resume });
  back.send({ type: 'subscribe', topic: inbox, since: first.pos });
  await back.waitFor((m) => m.type === 'subscribed' && m.topic === inbox, 'subscribed to the inbox on B');
  const welcomes = back.all((m) => m.type === 'welcome');
  assert.equal(welcomes.length, 2);
  assert.equal(welcomes[1].id, ann.welcome.id, 'the id carries over to B');
  assert.deepEqual(events(back, inbox).map((m) => m.data.text), ['while away']);

  assert.deepEqual(await back.publish('chat/lobby', { text: 'once' }, 'p1'), { type: 'ack', id: 'p1', pos: chatAck.pos }, 'publish ids carry over');
  const turned = await back.publish('faces', { direction: 90 }, 'f1');
  assert.equal(turned.type, 'ack', 'the presence entry carried over: it can turn without subscribing again');
  await back.close();
  await watcher.waitFor((m) => m.type === 'patch' && m.data[ann.welcome.id] === null, 'the face removed when the session ends');
  await watcher.roundTrip();
  assert.equal(events(watcher, 'chat/lobby').length, 1);
});

test('resuming on B a session still connected to A closes the one on A with 4000', async (t) => {
  const [a, b] = await twoInstances(t);
  const old = await a.client();
  const fresh = await b.client();
  fresh.send({ type: 'auth', resume: old.welcome.resume });
  await fresh.waitForCount((m) => m.type === 'welcome', 2, 'the second welcome');
  assert.equal(fresh.welcome.id, old.welcome.id);
  assert.equal((await old.waitForClose()).code, 4000);
});

test('a dropped session ends one resume window later and leaves presence on every instance', async (t) => {
  const [a, b] = await twoInstances(t, { resumeWindow: 300 });
  const watcher = await b.client();
  await watcher.subscribe('votes');
  await watcher.subscribe('faces');
  const gone = await a.client();
  await gone.subscribe('votes');
  await gone.subscribe('faces');
  await watcher.waitFor((m) => m.type === 'patch' && m.data.watching === 2, 'two watching');
  a.server.dropConnections();
  await watcher.waitFor((m) => m.type === 'patch' && m.data.watching === 1, 'one watching once the session ended', 15000);
  // Leaving `votes` and leaving `faces` are two steps of the session's end: wait for the second too.
  await watcher.waitFor((m) => m.type === 'patch' && m.topic === 'faces' && m.data[gone.welcome.id] === null, 'the face removed', 15000);
  const late = await b.client();
  await late.subscribe('faces');
  assert.equal(late.all((m) => m.type === 'snapshot')[0].data[gone.welcome.id], undefined);
});

test('a publish re-sent after its instance died between storing and remembering it is stored once', async (t) => {
  const [a, b, redis] = await twoInstances(t);
  const watcher = await b.client();
  await watcher.subscribe('chat/once');
  const ann = await a.client();
  const first = await ann.publish('chat/once', { text: 'exactly once' }, 'p1');
  ann.drop();
  // What a crash right after the stream write leaves behind: the event stored, the session's publish ids not.
  const admin = new Redis(redis.url);
  t.after(() => admin.quit());
  await admin.del(`ws-bind:pub:${ann.welcome.id}`, `ws-bind:publist:${ann.welcome.id}`);
  const back = await b.connect();
  back.send({ type: 'auth', resume: ann.welcome.resume });
  assert.deepEqual(await back.publish('chat/once', { text: 'exactly once' }, 'p1'), { type: 'ack', id: 'p1', pos: first.pos });
  // A duplicate would come before this marker: the stream keeps the order.
  await back.publish('chat/once', { text: 'marker' }, 'p2');
  await watcher.waitFor((m) => m.type === 'event' && m.data.text === 'marker', 'the marker');
  assert.deepEqual(events(watcher, 'chat/once').map((m) => m.data.text), ['exactly once', 'marker']);
});

test('a --redis value that is not a redis:// URL is refused with a message naming the flag', async () => {
  await assert.rejects(createServer({ port: 0, redis: 'localhost:6379' }), /--redis must be a redis:\/\/host:port URL/);
});

test('timer feeds stay local to each instance and keep serving while their session moves between instances', async (t) => {
  const [a, b] = await twoInstances(t, { feeds: ['clock', 'firehose'], clockInterval: 50, firehoseRate: 200 });
  const onA = await a.client();
  const onB = await b.client();
  await onA.subscribe('clock');
  await onB.subscribe('clock');
  const ticksA = await onA.waitForCount((m) => m.type === 'event' && m.topic === 'clock', 3, 'ticks on A');
  const ticksB = await onB.waitForCount((m) => m.type === 'event' && m.topic === 'clock', 3, 'ticks on B');
  assert.notEqual(ticksA[0].pos.split(':')[0], ticksB[0].pos.split(':')[0], 'each instance ticks in its own epoch');

  await onA.subscribe('firehose');
  await onA.waitFor((m) => m.type === 'event' && m.topic === 'firehose', 'firehose on A');
  onA.drop();
  const back = await b.connect();
  back.send({ type: 'auth', resume: onA.welcome.resume });
  back.send({ type: 'subscribe', topic: 'firehose' });
  await back.waitFor((m) => m.type === 'event' && m.topic === 'firehose', 'firehose started on B for the resumed session');
});
