/**
 * Packing that adapts per connection (SPEC 4.4): while a client's socket has
 * unsent bytes the server gathers instead of writing, so a slow reader gets
 * fewer, larger frames; on a keyed topic (the firehose, by `k`) only the
 * newest event per key waits for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions } from '../../src/core/protocol.js';
import { startServer } from './harness.js';
import { waitUntil, type Message } from './ws-client.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const isEvent = (m: Message) => m.type === 'event';

test('a reader behind gets its backlog in fewer, larger frames, every event in order', async (t) => {
  const { server, client } = await startServer(t, { topics: ['big'], maxBuffer: 64 * 1024 * 1024 });
  const slow = await client();
  await slow.subscribe('big');
  const framesBefore = slow.frames.length;
  slow.socket.pause();
  // 15 MB, one event per turn: more than the kernel's socket buffers hold, so the server sees unsent bytes.
  const payload = 'x'.repeat(100 * 1024);
  const count = 150;
  for (let n = 0; n < count; n++) {
    await server.publish('big', { n, payload });
    await nextTurn();
  }
  slow.socket.resume();
  const events = await slow.waitForCount(isEvent, count, 'every event', 30000);
  assert.deepEqual(events.map((m) => m.data.n), Array.from({ length: count }, (_, n) => n), 'nothing lost, nothing reordered');
  const frames = slow.frames.length - framesBefore;
  assert.ok(frames < count, `events gathered while the reader was behind: ${count} events in ${frames} frames`);
  assert.equal(slow.closure, undefined, 'not closed: the backlog stayed under max-buffer');
});

test('a client that keeps up gets every event of a keyed topic', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['firehose'], firehoseRate: 0 });
  const a = await client();
  await a.subscribe('firehose');
  const count = 2000;
  for (let n = 0; n < count; n++) {
    await server.publish('firehose', { k: `key${n % 10}`, v: n });
    if (n % 20 === 19) await a.waitForCount(isEvent, n + 1, `event ${n}`);
  }
  const events = a.all(isEvent);
  assert.deepEqual(events.map((m) => m.data.v), Array.from({ length: count }, (_, n) => n));
});

test('while behind on a keyed topic only the newest event per key waits: newest kept, no key reordered, positions rising', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['firehose'], firehoseRate: 0 });
  const slow = await client();
  await slow.subscribe('firehose');
  slow.socket.pause();
  const keys = 20;
  const pad = 'x'.repeat(8 * 1024);
  const last = new Map<string, number>();
  // 24 MB in 300 turns of 10 events: far more than the kernel's socket buffers and the default 1 MiB max-buffer.
  const count = 3000;
  for (let v = 0; v < count; v++) {
    const k = `key${(v * 7) % keys}`;
    last.set(k, v);
    await server.publish('firehose', { k, v, pad });
    if (v % 10 === 9) await nextTurn();
  }
  slow.socket.resume();
  const shows = () => {
    const newest = new Map<string, number>();
    for (const m of slow.all(isEvent)) newest.set(m.data.k, m.data.v);
    return [...last].every(([k, v]) => newest.get(k) === v);
  };
  await waitUntil(shows, 'every key showing its last value', 30000);

  const events = slow.all(isEvent);
  assert.equal(slow.closure, undefined, 'not closed as a slow client: what waited stayed small');
  assert.ok(events.length < count, `events conflated while behind: ${events.length} of ${count} sent`);
  for (let i = 1; i < events.length; i++) {
    assert.equal(comparePositions(events[i - 1].pos, events[i].pos), -1, `positions rise: ${events[i - 1].pos} then ${events[i].pos}`);
  }
  const byKey = new Map<string, number>();
  for (const { data } of events) {
    const before = byKey.get(data.k);
    assert.ok(before === undefined || data.v > before, `${data.k}: ${data.v} after ${before}: never a repeat or an older value`);
    byKey.set(data.k, data.v);
  }
  assert.deepEqual(byKey, last, 'every key ends at its newest value');
});

test('conflation is per key and per topic: a topic without a key loses nothing while behind', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['firehose'], firehoseRate: 0, topics: ['plain'], maxBuffer: 64 * 1024 * 1024 });
  const slow = await client();
  await slow.subscribe('firehose');
  await slow.subscribe('plain');
  slow.socket.pause();
  const pad = 'x'.repeat(8 * 1024);
  const count = 1500;
  for (let v = 0; v < count; v++) {
    await server.publish('firehose', { k: 'same', v, pad });
    await server.publish('plain', { k: 'same', v, pad });
    if (v % 10 === 9) await nextTurn();
  }
  slow.socket.resume();
  const plain = await slow.waitForCount((m) => isEvent(m) && m.topic === 'plain', count, 'every plain event', 30000);
  assert.deepEqual(plain.map((m) => m.data.v), Array.from({ length: count }, (_, v) => v));
  const keyed = await waitUntil(() => {
    const got = slow.all((m) => isEvent(m) && m.topic === 'firehose');
    return got.at(-1)?.data.v === count - 1 ? got : undefined;
  }, 'the keyed topic\'s last value');
  assert.ok(keyed.length < count, `the keyed topic conflated: ${keyed.length} of ${count}`);
});

test('a client that never answers pings gets nothing more, and is closed with 1013 once max-buffer bytes wait', async (t) => {
  const { server, client } = await startServer(t, { topics: ['big'], maxBuffer: 64 * 1024 });
  const silent = await client({ autoPong: false });
  silent.send({ type: 'subscribe', topic: 'big' });
  const payload = 'x'.repeat(10 * 1024);
  for (let n = 0; n < 20 && !silent.closure; n++) {
    await server.publish('big', { n, payload });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal((await silent.waitForClose()).code, 1013, 'what gathered for it counts toward max-buffer');
  assert.deepEqual(silent.messages.map((m) => m.type), ['welcome'], 'nothing after the first frame went unconfirmed');
});
