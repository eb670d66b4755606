/**
 * A repeated `subscribe` (SPEC 4.1): an element that joins a topic its
 * connection already receives gets its replay and a second `subscribed`,
 * while live delivery goes on once and the server holds one subscription.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAtOrBefore, type Position } from '../../src/core/protocol.js';
import { startServer } from './harness.js';
import type { Message, TestClient } from './ws-client.js';

const isEvent = (topic: string) => (m: Message) => m.type === 'event' && m.topic === topic;

/** Sends a subscribe and returns everything the connection got for that topic from then up to its `subscribed`. */
async function subscribeAgain(client: TestClient, topic: string, extra: Record<string, unknown> = {}): Promise<Message[]> {
  const from = client.messages.length;
  const answer = await client.subscribe(topic, extra);
  assert.equal(answer.type, 'subscribed', `subscribe again to ${topic}: ${JSON.stringify(answer)}`);
  const to = client.messages.indexOf(answer);
  return client.messages.slice(from, to + 1).filter((m) => m.topic === topic);
}

/** What an element that keeps its own position applies of the connection's messages (SPEC 4.1): events after it, once. */
function applied(messages: Message[], topic: string, start?: Position): unknown[] {
  let pos = start;
  const seen: unknown[] = [];
  for (const message of messages) {
    if (message.topic !== topic || message.type !== 'event' || isAtOrBefore(message.pos, pos)) continue;
    pos = message.pos;
    seen.push(message.data);
  }
  return seen;
}

test('a second subscribe with history 10 replays the last 10, then subscribed; live events keep arriving once', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'] });
  const a = await client();
  await a.subscribe('news');
  for (let n = 1; n <= 15; n++) await server.publish('news', { n });
  await a.waitForCount(isEvent('news'), 15, 'live events');

  const answer = await subscribeAgain(a, 'news', { history: 10 });
  const replay = answer.filter(isEvent('news'));
  assert.deepEqual(replay.map((m) => m.data.n), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 'the last 10, oldest first');
  const subscribed = answer[answer.length - 1];
  assert.equal(subscribed.pos, replay[replay.length - 1].pos, 'subscribed carries the position the replay reached');
  assert.equal(subscribed.recovered, true);

  for (let n = 16; n <= 20; n++) await server.publish('news', { n });
  await a.waitForCount(isEvent('news'), 30, 'the events after the replay');
  const afterReplay = a.messages.slice(a.messages.indexOf(subscribed) + 1).filter(isEvent('news'));
  assert.deepEqual(afterReplay.map((m) => m.data.n), [16, 17, 18, 19, 20], 'each live event once, in order');
  assert.equal(server.stats().subscriptions, 1, 'the server holds one subscription');
});

test('with since, the repeated subscribe replays every event after it; a lost since gets reset', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'], history: 5 });
  const a = await client();
  await a.subscribe('news');
  const positions: Position[] = [];
  for (let n = 1; n <= 8; n++) positions.push(await server.publish('news', { n }));
  await a.waitForCount(isEvent('news'), 8, 'live events');

  const replay = await subscribeAgain(a, 'news', { since: positions[5], history: 3 });
  assert.deepEqual(replay.filter(isEvent('news')).map((m) => m.data.n), [7, 8], 'since wins over history');
  assert.equal(replay[replay.length - 1].recovered, true);

  const lost = await subscribeAgain(a, 'news', { since: positions[0] });
  assert.deepEqual(lost.map((m) => m.type), ['reset', 'subscribed'], 'events older than the history window are gone');
  assert.equal(lost[1].recovered, false);
  assert.equal(lost[1].pos, positions[7]);
  assert.equal(server.stats().subscriptions, 1);
});

test('a state topic subscribed again gets a fresh snapshot, and its patches keep arriving once', async (t) => {
  const { server, client } = await startServer(t);
  const a = await client();
  const first = await a.subscribe('votes');
  assert.equal(first.type, 'subscribed');
  for (const dir of ['left', 'left', 'right']) assert.equal((await a.publish('votes', { dir }, `${dir}-${a.messages.length}`)).type, 'ack');

  const again = await subscribeAgain(a, 'votes');
  assert.deepEqual(again.map((m) => m.type), ['snapshot', 'subscribed']);
  assert.deepEqual(again[0].data, { left: 2, right: 1, watching: 1 }, 'the snapshot is the current state');
  assert.equal(again[1].pos, again[0].pos);

  const patchesBefore = a.all((m) => m.type === 'patch').length;
  await a.publish('votes', { dir: 'right' }, 'later');
  await a.waitForCount((m) => m.type === 'patch', patchesBefore + 1, 'the next patch');
  await a.roundTrip();
  const later = a.all((m) => m.type === 'patch').slice(patchesBefore);
  assert.deepEqual(later.map((m) => m.data), [{ right: 2 }], 'one patch, once');
  assert.equal(server.stats().subscriptions, 1, 'the server holds one subscription');
});

test('repeated subscribes while events flow: the first element sees every event once, each joiner its history then the rest', async (t) => {
  const { server, client } = await startServer(t, { topics: ['news'], history: 100 });
  const a = await client();
  const firstAnswer = await a.subscribe('news');
  let published = 0;
  let publishing = true;
  const publisher = (async () => {
    while (publishing) {
      published += 1;
      await server.publish('news', { n: published });
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await a.waitForCount(isEvent('news'), 10, 'a history to replay');
  const joiners: { answer: Message; history: number }[] = [];
  for (let round = 0; round < 20; round++) {
    const history = 1 + (round % 7);
    const replay = await subscribeAgain(a, 'news', { history });
    joiners.push({ answer: replay[replay.length - 1], history });
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  publishing = false;
  await publisher;
  await a.waitFor((m) => isEvent('news')(m) && m.data.n === published, 'the last event');
  await a.roundTrip();

  const all = Array.from({ length: published }, (_, index) => ({ n: index + 1 }));
  assert.deepEqual(applied(a.messages, 'news', firstAnswer.pos), all, 'the first element: every event once, in order');
  for (const { answer, history } of joiners) {
    const at = a.messages.indexOf(answer);
    const replayed = a.messages.slice(0, at).filter(isEvent('news')).slice(-history);
    const upTo = replayed.at(-1)?.data.n ?? 0;
    assert.equal(replayed.at(-1)?.pos ?? answer.pos, answer.pos, 'the replay ends where subscribed says');
    const joined = [...replayed.map((m) => m.data), ...applied(a.messages.slice(at + 1), 'news', answer.pos)];
    assert.deepEqual(joined, all.slice(Math.max(0, upTo - history)), 'a joiner: its history, then every later event once');
  }
  assert.equal(server.stats().subscriptions, 1, 'the server holds one subscription');
  assert.equal(a.all((m) => m.type === 'error').length, 0);
});
