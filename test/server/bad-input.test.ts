import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.js';
import type { Message, TestClient } from './ws-client.js';

/** Sends `frame` and returns the error it got, after checking the connection still answers. */
async function errorFor(client: TestClient, frame: unknown, binary = false): Promise<Message> {
  const before = client.messages.length;
  if (binary) client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
  else client.send(frame);
  await client.roundTrip();
  const error = client.messages.slice(before).find((m) => m.type === 'error');
  assert.ok(error, `an error for ${String(frame)}`);
  assert.equal(client.closure, undefined, 'the connection stays open');
  return error;
}

test('bad frames get an error naming the problem; the connection stays open and others notice nothing', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  const bystander = await client();
  await bystander.subscribe('news');
  const a = await client();

  const cases: [unknown, string, RegExp][] = [
    ['{"type": "ping"', 'bad-request', /not JSON/],
    ['42', 'bad-request', /JSON object/],
    [{ type: 'dance' }, 'unknown-type', /dance/],
    [{ type: 7 }, 'bad-request', /type/],
    [{ type: 'subscribe', topic: 7 }, 'bad-request', /topic/],
    [{ type: 'subscribe', topic: 'news', since: 'yesterday' }, 'bad-request', /since/],
    [{ type: 'subscribe', topic: 'news', history: -1 }, 'bad-request', /history/],
    [{ type: 'publish', topic: 'chat/x' }, 'bad-request', /data/],
    [{ type: 'publish', topic: 'chat/x', data: 1, id: { no: 1 } }, 'bad-request', /id/],
    [{ type: 'subscribe', topic: 'nowhere' }, 'unknown-topic', /nowhere/],
    [{ type: 'publish', topic: 'nowhere', data: {}, id: 'q' }, 'unknown-topic', /nowhere/],
  ];
  for (const [frame, code, message] of cases) {
    const error = await errorFor(a, frame);
    assert.equal(error.code, code, JSON.stringify(frame));
    assert.match(error.message, message);
  }
  const binary = await errorFor(a, 'binary', true);
  assert.equal(binary.code, 'bad-request');
  assert.match(binary.message, /binary/);

  const unknownTopic = a.all((m) => m.type === 'error' && m.code === 'unknown-topic');
  assert.deepEqual(unknownTopic.map((m) => [m.topic, m.id]), [['nowhere', undefined], ['nowhere', 'q']]);

  await server.publish('news', { still: 'here' });
  await bystander.waitFor((m) => m.type === 'event', 'the bystander still gets events');
  assert.equal(bystander.all((m) => m.type === 'error').length, 0);
  assert.equal((await a.subscribe('news')).type, 'subscribed', 'the faulty client is still served');
});

test('clock, ticker and metrics refuse publishes with forbidden; chat validates what it accepts', async (t) => {
  const { client } = await startServer(t, { feeds: ['clock', 'ticker', 'metrics', 'chat'] });
  const a = await client();
  for (const topic of ['clock', 'ticker', 'metrics']) {
    const error = await a.publish(topic, { x: 1 }, `to-${topic}`);
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'forbidden');
    assert.equal(error.topic, topic);
  }
  const cases: [unknown, RegExp][] = [
    ['just text', /object/],
    [{ name: 'n'.repeat(41), text: 'hi' }, /name/],
    [{ name: 'ann', text: 't'.repeat(501) }, /text/],
    [{ name: 'ann', text: '' }, /text/],
    [{ name: 'ann' }, /text/],
  ];
  for (const [data, message] of cases) {
    const error = await a.publish('chat/lobby', data, `bad-${JSON.stringify(data).length}`);
    assert.equal(error.code, 'invalid', JSON.stringify(data));
    assert.match(error.message, message);
  }
  const ok = await a.publish('chat/lobby', { name: 'n'.repeat(40), text: 't'.repeat(500) }, 'fits');
  assert.equal(ok.type, 'ack');
});

test('work, progress, result and fail are answered with errors while no task queue exists', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  assert.equal((await errorFor(a, { type: 'work', topic: 'tasks/x', concurrency: 1 })).code, 'unknown-topic');
  assert.equal((await errorFor(a, { type: 'result', id: 'k', data: 1 })).id, 'k');
});
