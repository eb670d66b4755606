import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inboxTopic } from '../../src/core/protocol.js';
import { createServer } from '../../server/server.js';
import { QUIET_FEEDS, startServer } from './harness.js';
import { TestClient, waitUntil, type Message } from './ws-client.js';

test('a dropped connection resumed with its key keeps its id and its inbox, with what arrived meanwhile', async (t) => {
  const { client, connect } = await startServer(t);
  const ann = await client();
  const bob = await client();
  const inbox = inboxTopic(ann.welcome.id);
  await ann.subscribe(inbox);
  assert.equal((await bob.publish(inbox, { name: 'bob', text: 'first' }, 'd1')).type, 'ack');
  const first = await ann.waitFor((m) => m.type === 'event', 'the first direct message');
  ann.drop();

  assert.equal((await bob.publish(inbox, { name: 'bob', text: 'while away' }, 'd2')).type, 'ack');
  const back = await connect();
  back.send({ type: 'auth', resume: ann.welcome.resume });
  back.send({ type: 'subscribe', topic: inbox, since: first.pos });
  await back.waitFor((m) => m.type === 'subscribed', 'subscribed to the inbox again');
  const welcomes = back.all((m) => m.type === 'welcome');
  assert.equal(welcomes.length, 2);
  assert.equal(welcomes[1].id, ann.welcome.id, 'the resumed session keeps its id');
  assert.notEqual(welcomes[1].resume, ann.welcome.resume, 'a new resume key each welcome');
  assert.deepEqual(back.all((m) => m.type === 'event').map((m) => m.data.text), ['while away']);
});

test('publish ids carry over a resume: a publish re-sent after a lost ack is not published twice', async (t) => {
  const { client, connect } = await startServer(t);
  const watcher = await client();
  await watcher.subscribe('chat/lobby');
  const ann = await client();
  const ack = await ann.publish('chat/lobby', { text: 'once' }, 'p1');
  ann.drop();
  const back = await connect();
  back.send({ type: 'auth', resume: ann.welcome.resume });
  const again = await back.publish('chat/lobby', { text: 'once' }, 'p1');
  assert.deepEqual(again, { type: 'ack', id: 'p1', pos: ack.pos });
  await watcher.roundTrip();
  assert.equal(watcher.all((m) => m.type === 'event').length, 1);
});

test('an unknown resume key gets invalid and the connection keeps its fresh session', async (t) => {
  const { client } = await startServer(t);
  const a = await client();
  a.send({ type: 'auth', resume: 'not-a-key' });
  const error = await a.waitFor((m) => m.type === 'error', 'the refusal');
  assert.equal(error.code, 'invalid');
  assert.equal(a.all((m) => m.type === 'welcome').length, 1);
  assert.equal((await a.subscribe(inboxTopic(a.welcome.id))).type, 'subscribed', 'its own inbox is still its own');
});

test('resuming a session whose connection is still open closes that connection with 4000', async (t) => {
  const { client } = await startServer(t);
  const old = await client();
  const fresh = await client();
  fresh.send({ type: 'auth', resume: old.welcome.resume });
  await fresh.waitForCount((m) => m.type === 'welcome', 2, 'the second welcome');
  assert.equal(fresh.welcome.id, old.welcome.id);
  assert.equal((await old.waitForClose()).code, 4000);
});

test('after a clean close the presence entry goes at once and the session cannot be resumed', async (t) => {
  const { client, connect } = await startServer(t);
  const watcher = await client();
  await watcher.subscribe('faces');
  const ann = await client();
  await ann.subscribe('faces');
  const id = ann.welcome.id;
  await watcher.waitFor((m) => m.type === 'patch' && m.data[id], 'ann appears');
  await ann.close(1000);
  const gone = await watcher.waitFor((m) => m.type === 'patch' && m.data[id] === null, 'ann leaves');
  assert.deepEqual(gone.data, { [id]: null });
  const late = await connect();
  late.send({ type: 'auth', resume: ann.welcome.resume });
  assert.equal((await late.waitFor((m) => m.type === 'error', 'the refusal')).code, 'invalid');
});

test('after a drop the presence entry stays for the resume window, then goes', async (t) => {
  const { client } = await startServer(t, { resumeWindow: 300 });
  const watcher = await client();
  await watcher.subscribe('faces');
  const ann = await client();
  await ann.subscribe('faces');
  const id = ann.welcome.id;
  ann.drop();
  await watcher.roundTrip();
  assert.equal(watcher.all((m) => m.type === 'patch' && m.data[id] === null).length, 0, 'still present right after the drop');
  await watcher.waitFor((m) => m.type === 'patch' && m.data[id] === null, 'ann removed when the window ends');
});

test('a subscriber dropped 20 times during a 1,000-event stream misses nothing and sees nothing twice', async (t) => {
  const { server, connect } = await startServer(t, { topics: ['stream'], history: 1000 });
  const received: Message[] = [];
  let last: string | undefined;
  let resume: string | undefined;
  let id: string | undefined;
  let next = 0;
  const publish = async (count: number) => {
    for (const end = next + count; next < end; next++) await server.publish('stream', { n: next });
  };
  for (let round = 0; round <= 20; round++) {
    const client = await connect();
    if (resume) client.send({ type: 'auth', resume });
    client.send({ type: 'subscribe', topic: 'stream', since: last });
    const subscribed = await client.waitFor((m) => m.type === 'subscribed', 'subscribed');
    assert.equal(subscribed.recovered, true);
    assert.equal(client.all((m) => m.type === 'reset').length, 0);
    id ??= client.welcome.id;
    assert.equal(client.welcome.id, id, 'the session survives every drop');
    const seen = () => received.length + client.all((m) => m.type === 'event').length;
    if (round < 20) {
      await publish(25);
      await waitUntil(() => seen() > next - 25, 'some events of this round');
      client.drop();
    } else {
      await waitUntil(() => seen() >= 1000, 'the whole stream');
    }
    const events = client.all((m) => m.type === 'event');
    received.push(...events);
    if (events.length > 0) last = events[events.length - 1].pos;
    resume = client.welcome.resume;
    if (round < 20) await publish(25);
  }
  assert.deepEqual(received.map((m) => m.data.n), Array.from({ length: 1000 }, (_, n) => n));
});

test('a client resuming against a restarted server gets reset and recovered:false, never a wrong replay', async (t) => {
  const first = await createServer({ port: 0, feeds: QUIET_FEEDS, topics: ['news'] });
  const port = first.port;
  const old = await first.publish('news', { n: 1 });
  const a = await TestClient.welcomed(first.url);
  await first.close();
  await a.waitForClose();

  const second = await createServer({ port, feeds: QUIET_FEEDS, topics: ['news'] });
  t.after(() => second.close());
  for (let n = 1; n <= 3; n++) await second.publish('news', { n });
  const b = await TestClient.welcomed(second.url);
  t.after(() => b.drop());
  b.send({ type: 'auth', resume: a.welcome.resume });
  const subscribed = await b.subscribe('news', { since: old });
  assert.equal(subscribed.recovered, false);
  const reset = b.messages.find((m) => m.type === 'reset');
  assert.deepEqual(reset, { type: 'reset', topic: 'news', pos: subscribed.pos });
  assert.notEqual(reset?.pos.split(':')[0], old.split(':')[0], 'a new epoch');
  assert.equal(b.all((m) => m.type === 'event').length, 0, 'no events of the old epoch replayed');
  assert.equal(b.messages.find((m) => m.type === 'error')?.code, 'invalid', 'the old resume key is unknown');
});
