import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopicMemory } from '../../src/core/topics.js';
import type { TopicDataMessage } from '../../src/core/protocol.js';

const event = (pos: string, data: unknown): TopicDataMessage => ({ type: 'event', topic: 't', pos, data: data as never });

test('a topic drops events at or before the position it applied, and hands on the others', () => {
  const memory = new TopicMemory();
  assert.equal(memory.apply(event('e:2', 'two')), true);
  assert.equal(memory.apply(event('e:2', 'again')), false);
  assert.equal(memory.apply(event('e:1', 'old')), false);
  const next = event('e:10', 'ten');
  assert.equal(memory.apply(next), true);
  assert.equal(memory.dataOf(next), 'ten');
  assert.equal(memory.pos, 'e:10');
});

test('a state topic reads the state that a snapshot and its patches built', () => {
  const memory = new TopicMemory();
  assert.equal(memory.apply({ type: 'snapshot', topic: 's', pos: 'e:1', data: { a: 1, b: 2 } }), true);
  const patch: TopicDataMessage = { type: 'patch', topic: 's', pos: 'e:2', data: { b: null, c: 3 } };
  assert.equal(memory.apply(patch), true);
  assert.deepEqual(memory.dataOf(patch), { a: 1, c: 3 });
  assert.equal(memory.isState, true);
});
