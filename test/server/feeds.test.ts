import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions, inboxTopic } from '../../src/core/protocol.js';
import { applyMergePatch } from '../../src/core/merge-patch.js';
import { startServer } from './harness.js';

test('clock ticks with the time as an ISO string and epoch milliseconds', async (t) => {
  const { client } = await startServer(t, { feeds: ['clock'], clockInterval: 20 });
  const a = await client();
  await a.subscribe('clock');
  const [first, second] = await a.waitForCount((m) => m.type === 'event', 2, 'two ticks');
  assert.equal(typeof first.data.ms, 'number');
  assert.equal(new Date(first.data.time).getTime(), first.data.ms);
  assert.equal(comparePositions(first.pos, second.pos), -1);
});

test('ticker is a state topic of a few dozen {price, change} symbols, moved by patches', async (t) => {
  const { client } = await startServer(t, { feeds: ['ticker'], tickerInterval: 20 });
  const a = await client();
  await a.subscribe('ticker');
  const snapshot = a.all((m) => m.type === 'snapshot')[0];
  const symbols = Object.keys(snapshot.data);
  assert.ok(symbols.length >= 24, `${symbols.length} symbols`);
  assert.ok(symbols.includes('AAPL') && symbols.includes('MSFT'));
  for (const symbol of symbols) {
    assert.equal(typeof snapshot.data[symbol].price, 'number');
    assert.equal(typeof snapshot.data[symbol].change, 'number');
  }
  const patches = await a.waitForCount((m) => m.type === 'patch' && Object.keys(m.data).length > 0, 3, 'moving prices');
  let state = snapshot.data;
  for (const patch of patches) state = applyMergePatch(state, patch.data);
  assert.deepEqual(Object.keys(state as object).sort(), symbols.sort(), 'patches move prices, never add or drop symbols');
});

test('metrics samples this process: cpu, memory, event-loop lag, connections, messages/s', async (t) => {
  const { client } = await startServer(t, { feeds: ['metrics'], metricsInterval: 20 });
  const a = await client();
  await a.subscribe('metrics');
  const sample = await a.waitFor((m) => m.type === 'event' && m.data.connections === 1, 'a sample that counts this client');
  for (const field of ['cpu', 'memory', 'heap', 'lag', 'messagesPerSecond']) {
    assert.equal(typeof sample.data[field], 'number', field);
    assert.ok(sample.data[field] >= 0, field);
  }
  assert.ok(sample.data.memory > 1e6);
  const error = await a.publish('metrics', {}, 'nope');
  assert.equal(error.code, 'forbidden');
});

test('chat keeps the latest 100 lines and gives them to a joiner that asks for history', async (t) => {
  const { server, client } = await startServer(t);
  for (let n = 0; n < 120; n++) await server.publish('chat/lobby', { name: 'server', text: `line ${n}` });
  const a = await client();
  await a.subscribe('chat/lobby', { history: 500 });
  const lines = a.all((m) => m.type === 'event').map((m) => m.data.text);
  assert.equal(lines.length, 100);
  assert.equal(lines[0], 'line 20');
  assert.equal(lines[99], 'line 119');
  assert.equal((await a.subscribe('chat/not a room')).code, 'unknown-topic');
});

test('an inbox is subscribed only by its owner, takes direct messages, and goes with its session', async (t) => {
  const { client } = await startServer(t);
  const ann = await client();
  const bob = await client();
  const inbox = inboxTopic(ann.welcome.id);
  const refused = await bob.subscribe(inbox);
  assert.equal(refused.code, 'forbidden');
  await ann.subscribe(inbox);
  await bob.publish(inbox, { name: 'bob', text: 'psst' }, 'dm');
  const message = await ann.waitFor((m) => m.type === 'event', 'the direct message');
  assert.deepEqual({ ...message.data, at: 0 }, { name: 'bob', text: 'psst', from: bob.welcome.id, at: 0 });
  await ann.close(1000);
  const gone = await bob.publish(inbox, { text: 'anyone?' }, 'late');
  assert.equal(gone.code, 'unknown-topic');
});

test('votes: each publish updates everyone, and a joiner gets the current state at once', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  await a.subscribe('votes');
  await a.publish('votes', { dir: 'left' }, 1);
  await a.publish('votes', { dir: 'left' }, 2);
  await a.publish('votes', { dir: 'right' }, 3);
  assert.equal((await a.publish('votes', { dir: 'up' }, 4)).code, 'invalid');
  const b = await client();
  await b.subscribe('votes');
  const snapshot = b.all((m) => m.type === 'snapshot')[0];
  assert.deepEqual(snapshot.data, { left: 2, right: 1, watching: 2 });
  await b.publish('votes', { dir: 'right' }, 5);
  await a.waitFor((m) => m.type === 'patch' && m.data.right === 2, 'the other voter sees the vote');
  await b.close(1000);
  await a.waitFor((m) => m.type === 'patch' && m.data.watching === 1, 'one fewer watching');
});

test('faces: everyone’s entries on join, each connection sets only its own, leavers removed with null', async (t) => {
  const { client } = await startServer(t);
  const ann = await client();
  assert.equal((await ann.publish('faces', { direction: 90 }, 0)).code, 'invalid', 'no entry before subscribing');
  await ann.subscribe('faces');
  await ann.publish('faces', { direction: 90 }, 1);
  assert.equal((await ann.publish('faces', { direction: 45 }, 2)).code, 'invalid');
  const bob = await client();
  await bob.subscribe('faces');
  const snapshot = bob.all((m) => m.type === 'snapshot')[0];
  assert.deepEqual(snapshot.data, { [ann.welcome.id]: { direction: 90 }, [bob.welcome.id]: { direction: 0 } });
  await bob.publish('faces', { direction: -90 }, 3);
  const patch = await ann.waitFor((m) => m.type === 'patch' && m.data[bob.welcome.id]?.direction === -90, 'bob turns');
  assert.deepEqual(Object.keys(patch.data), [bob.welcome.id], 'a publish changes only the publisher’s entry');
  bob.send({ type: 'unsubscribe', topic: 'faces' });
  const gone = await ann.waitFor((m) => m.type === 'patch' && m.data[bob.welcome.id] === null, 'bob leaves');
  assert.deepEqual(gone.data, { [bob.welcome.id]: null });
});

test('firehose sends {k, v} events over the configured keys while someone listens', async (t) => {
  const { client } = await startServer(t, { feeds: ['firehose'], firehoseRate: 2000, firehoseKeys: 10 });
  const a = await client();
  await a.subscribe('firehose');
  const events = await a.waitForCount((m) => m.type === 'event', 200, 'a stream of updates');
  for (const { data } of events) {
    assert.match(data.k, /^key\d$/);
    assert.equal(typeof data.v, 'number');
  }
  assert.ok(a.frames.length < events.length, 'updates are packed into fewer frames');
  assert.equal((await a.publish('firehose', { k: 'x', v: 1 }, 'no')).code, 'forbidden');
});

test('--feeds limits what is served; an unknown feed name is refused', async (t) => {
  const { client } = await startServer(t, { feeds: ['chat'] });
  const a = await client();
  assert.equal((await a.subscribe('votes')).code, 'unknown-topic');
  await assert.rejects(startServer(t, { feeds: ['nope'] }), /unknown feed "nope"/);
});
