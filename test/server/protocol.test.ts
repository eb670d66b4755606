import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions, parsePosition, validateServerMessage } from '../../src/core/protocol.js';
import { startServer } from './harness.js';

test('every connection is welcomed first, in a frame of its own, with an id and a resume key', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  const b = await client();
  assert.deepEqual(JSON.parse(a.frames[0]).type, 'welcome');
  assert.equal(a.welcome.type, 'welcome');
  assert.ok(a.welcome.id.length > 0);
  assert.ok(a.welcome.resume.length >= 24, 'the resume key is long enough to be unguessable');
  assert.notEqual(a.welcome.id, b.welcome.id);
  assert.notEqual(a.welcome.resume, b.welcome.resume);
  assert.equal(validateServerMessage(a.welcome).ok, true);
});

test('ping is answered by pong', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  a.send({ type: 'ping' });
  await a.waitFor((m) => m.type === 'pong', 'pong');
});

test('subscribe is answered by subscribed with the current position, then live events follow', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  const first = await server.publish('news', { n: 1 });
  const a = await client();
  const subscribed = await a.subscribe('news');
  assert.deepEqual(subscribed, { type: 'subscribed', topic: 'news', pos: first, recovered: true });
  assert.equal(a.all((m) => m.type === 'event').length, 0, 'without history or since nothing old is sent');
  const second = await server.publish('news', { n: 2 });
  const event = await a.waitFor((m) => m.type === 'event', 'the live event');
  assert.deepEqual(event, { type: 'event', topic: 'news', pos: second, data: { n: 2 } });
  assert.equal(comparePositions(first, second), -1);
  for (const message of a.messages) assert.equal(validateServerMessage(message).ok, true, JSON.stringify(message));
});

test('history sends up to N latest past events before subscribed', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  for (let n = 1; n <= 5; n++) await server.publish('news', { n });
  const a = await client();
  const subscribed = await a.subscribe('news', { history: 3 });
  const index = a.messages.indexOf(subscribed);
  const events = a.messages.slice(0, index).filter((m) => m.type === 'event');
  assert.deepEqual(events.map((m) => m.data.n), [3, 4, 5]);
  assert.equal(subscribed.pos, events[2].pos);
});

test('since replays every event after the position, then subscribed; history is ignored', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  const positions = [];
  for (let n = 1; n <= 5; n++) positions.push(await server.publish('news', { n }));
  const a = await client();
  const subscribed = await a.subscribe('news', { since: positions[1], history: 1 });
  assert.equal(subscribed.recovered, true);
  assert.deepEqual(a.all((m) => m.type === 'event').map((m) => m.data.n), [3, 4, 5]);
});

test('unsubscribe stops delivery of that topic only', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news', 'sport'] });
  const a = await client();
  await a.subscribe('news');
  await a.subscribe('sport');
  a.send({ type: 'unsubscribe', topic: 'news' });
  await a.roundTrip();
  await server.publish('news', { n: 1 });
  await server.publish('sport', { n: 2 });
  await a.waitFor((m) => m.type === 'event' && m.topic === 'sport', 'the sport event');
  assert.equal(a.all((m) => m.type === 'event' && m.topic === 'news').length, 0);
});

test('publish is stored, delivered and acked with its position', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  const b = await client();
  await b.subscribe('chat/lobby');
  const ack = await a.publish('chat/lobby', { name: 'ann', text: 'hi' }, 'p1');
  assert.equal(ack.type, 'ack');
  assert.ok(parsePosition(ack.pos));
  const event = await b.waitFor((m) => m.type === 'event', 'the chat line');
  assert.equal(event.pos, ack.pos);
  assert.equal(event.data.text, 'hi');
  assert.equal(event.data.name, 'ann');
  assert.equal(event.data.from, a.welcome.id);
});

test('a re-sent publish id is acked with the first position and published once; 7 and "7" differ', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  const watcher = await client();
  await watcher.subscribe('chat/lobby');
  const first = await a.publish('chat/lobby', { text: 'once' }, 7);
  a.send({ type: 'publish', topic: 'chat/lobby', data: { text: 'once' }, id: 7 });
  const acks = await a.waitForCount((m) => m.type === 'ack' && m.id === 7, 2, 'two acks for id 7');
  assert.equal(acks[1].pos, first.pos);
  const text = await a.publish('chat/lobby', { text: 'other' }, '7');
  assert.notEqual(text.pos, first.pos);
  await watcher.waitForCount((m) => m.type === 'event', 2, 'two chat lines');
  await watcher.roundTrip();
  assert.deepEqual(watcher.all((m) => m.type === 'event').map((m) => m.data.text), ['once', 'other']);
});

test('a state topic sends a snapshot before subscribed, then merge patches', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  const subscribed = await a.subscribe('votes');
  const snapshot = a.messages.find((m) => m.type === 'snapshot');
  assert.ok(snapshot && a.messages.indexOf(snapshot) < a.messages.indexOf(subscribed));
  assert.deepEqual(snapshot.data, { left: 0, right: 0, watching: 1 });
  assert.equal(snapshot.pos, subscribed.pos);
  await a.publish('votes', { dir: 'left' }, 'v1');
  const patch = await a.waitFor((m) => m.type === 'patch' && 'left' in m.data, 'the vote patch');
  assert.deepEqual(patch.data, { left: 1 });
  assert.equal(comparePositions(patch.pos, subscribed.pos), 1);
});

test('reset tells a subscriber its since is gone and delivery continues after the current position', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'], history: 3 });
  const old = await server.publish('news', { n: 1 });
  for (let n = 2; n <= 10; n++) await server.publish('news', { n });
  const a = await client();
  const subscribed = await a.subscribe('news', { since: old });
  const reset = a.messages.find((m) => m.type === 'reset');
  assert.deepEqual(reset, { type: 'reset', topic: 'news', pos: subscribed.pos });
  assert.equal(subscribed.recovered, false);
  assert.equal(a.all((m) => m.type === 'event').length, 0);
  await server.publish('news', { n: 11 });
  const event = await a.waitFor((m) => m.type === 'event', 'the next live event');
  assert.equal(event.data.n, 11);
});

test('messages queued together leave as one array frame; the welcome frame is never an array', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  const a = await client();
  await a.subscribe('news');
  const framesBefore = a.frames.length;
  await Promise.all(Array.from({ length: 50 }, (_, n) => server.publish('news', { n })));
  await a.waitForCount((m) => m.type === 'event', 50, 'fifty events');
  const frames = a.frames.slice(framesBefore);
  assert.ok(frames.length < 50, `50 events came in ${frames.length} frames`);
  assert.ok(frames.some((frame) => frame.startsWith('[')));
  assert.deepEqual(a.all((m) => m.type === 'event').map((m) => m.data.n), Array.from({ length: 50 }, (_, n) => n));
  assert.ok(!a.frames[0].startsWith('['));
});

test('pack-ms gathers messages for that long into one frame', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'], packMs: 500 });
  const a = await client();
  await a.subscribe('news');
  const framesBefore = a.frames.length;
  for (let n = 0; n < 5; n++) {
    await server.publish('news', { n });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await a.waitForCount((m) => m.type === 'event', 5, 'five events');
  assert.ok(a.frames.length - framesBefore < 5, 'events of separate turns shared a frame');
});

test('a client may send a batch of messages as one array frame', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  a.send([{ type: 'subscribe', topic: 'chat/a' }, { type: 'ping' }]);
  await a.waitFor((m) => m.type === 'subscribed', 'subscribed');
  await a.waitFor((m) => m.type === 'pong', 'pong');
});
