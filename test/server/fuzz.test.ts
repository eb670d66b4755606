import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.js';

const FRAMES = 10000;

/** A small seeded generator, so a failing run can be repeated exactly. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['chat/lobby', 'votes', 'faces', 'ticker', 'clock', 'metrics', 'firehose', 'inbox/nobody', 'nowhere', ''];
const TYPES = ['auth', 'subscribe', 'unsubscribe', 'publish', 'ping', 'work', 'progress', 'result', 'fail', 'welcome', 'toString', '__proto__'];
const KEYS = ['type', 'topic', 'data', 'id', 'since', 'history', 'token', 'resume', '__proto__', 'constructor', 'dir', 'direction', 'text', 'name'];

function fuzzer(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const text = (max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => String.fromCodePoint(Math.floor(next() * (next() < 0.9 ? 128 : 0x10ffff)))).join('')
      .replace(/[\uD800-\uDFFF]/g, '?');
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 6 : 8));
    switch (kind) {
      case 0: return null;
      case 1: return next() < 0.5;
      case 2: return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, -0, 7]);
      case 3: return text(20);
      case 4: return pick(['e:1', 'x:0', ':1', 'a:b', '1-2', 'ffff:99999999999999999999']);
      case 5: return pick(TOPICS);
      case 6: return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(KEYS), value(depth + 1)]));
    }
  };
  const valid = (): Record<string, unknown> => {
    const topic = pick(TOPICS);
    return pick([
      { type: 'ping' },
      { type: 'subscribe', topic, history: Math.floor(next() * 5) },
      { type: 'subscribe', topic, since: pick(['e:1', 'zz:0']) },
      { type: 'unsubscribe', topic },
      { type: 'publish', topic, data: { name: 'fuzz', text: text(30) || 'x' }, id: Math.floor(next() * 50) },
      { type: 'publish', topic: 'votes', data: { dir: pick(['left', 'right', 'up']) }, id: text(5) },
      { type: 'publish', topic: 'faces', data: { direction: pick([-90, 0, 90, 45]) } },
      { type: 'auth', resume: text(32) },
      { type: 'auth', token: text(8) },
      { type: 'work', topic, concurrency: 1 },
      { type: 'progress', id: 1, value: next() },
      { type: 'result', id: 'r', data: value(0) },
      { type: 'fail', id: 'f', error: text(10) },
    ]);
  };
  const mutate = (message: Record<string, unknown>): Record<string, unknown> => {
    const copy = { ...message };
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
      const key = next() < 0.7 ? pick(Object.keys(copy).concat(KEYS)) : text(6);
      if (next() < 0.2) delete copy[key];
      else Object.defineProperty(copy, key, { value: key === 'type' && next() < 0.5 ? pick(TYPES) : value(0), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  /** One frame: garbage, broken JSON, a mutated or valid message, a batch, or any JSON value. */
  return (): string | Buffer => {
    const roll = next();
    if (roll < 0.05) return Buffer.from(text(40));
    if (roll < 0.2) return text(60);
    if (roll < 0.3) {
      const json = JSON.stringify(valid());
      return json.slice(0, Math.floor(next() * json.length));
    }
    if (roll < 0.65) return JSON.stringify(mutate(valid()));
    if (roll < 0.8) return JSON.stringify(valid());
    if (roll < 0.9) return JSON.stringify(Array.from({ length: Math.floor(next() * 5) }, () => (next() < 0.5 ? mutate(valid()) : value(0))));
    return JSON.stringify(value(0)) ?? 'undefined';
  };
}

test(`${FRAMES} random and mutated frames leave the server serving everyone correctly`, async (t) => {
  const { server, client } = await startServer(t, {
    feeds: ['clock', 'ticker', 'metrics', 'chat', 'inbox', 'votes', 'faces', 'firehose'],
    firehoseRate: 50,
    publishRate: 1000,
    publishBurst: 1000,
  });
  const bystander = await client();
  await bystander.subscribe('chat/bystander');
  const fuzz = await client();
  const frame = fuzzer(random(20261123));
  for (let n = 1; n <= FRAMES; n++) {
    const next = frame();
    fuzz.socket.send(next, { binary: typeof next !== 'string' });
    if (n % 500 === 0) await fuzz.roundTrip();
    assert.equal(fuzz.closure, undefined, `the fuzzing connection is still open after ${n} frames`);
  }
  await fuzz.roundTrip();
  assert.equal(fuzz.closure, undefined);
  assert.ok(fuzz.all((m) => m.type === 'error').length > 1000, 'the bad frames were answered with errors');
  assert.equal(bystander.all((m) => m.type !== 'welcome' && m.type !== 'subscribed').length, 0, 'the bystander noticed nothing');

  const normal = await client();
  const history = await normal.subscribe('chat/lobby', { history: 5 });
  assert.equal(history.type, 'subscribed');
  const ack = await normal.publish('chat/lobby', { name: 'after', text: 'still fine' }, 'final');
  assert.equal(ack.type, 'ack');
  const event = await normal.waitFor((m) => m.type === 'event' && m.pos === ack.pos, 'its own chat line');
  assert.equal(event.data.text, 'still fine');
  const votes = await normal.subscribe('votes');
  assert.equal(votes.type, 'subscribed');
  const snapshot = normal.all((m) => m.type === 'snapshot' && m.topic === 'votes')[0];
  assert.equal(typeof snapshot.data.left, 'number');
  assert.equal(typeof snapshot.data.watching, 'number');
  assert.equal(server.connectionCount(), 3);
});
