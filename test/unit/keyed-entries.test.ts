import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedEntries } from '../../src/core/keyed-entries.js';
import { parseMatch } from '../../src/core/match.js';
import { parsePath } from '../../src/core/path.js';

const faces = (limit = Infinity) =>
  new KeyedEntries(['id', 'turnId', 'removeId'].map(parsePath), parseMatch('action=disconnected'), limit);

test('each message upserts its key: the first key path that resolves wins', () => {
  const entries = faces();
  entries.accept({ action: 'connected', id: 'a' }, { action: 'connected', id: 'a' });
  entries.accept({ action: 'connected', id: 'b' }, { action: 'connected', id: 'b' });
  entries.accept({ degree: 45 }, { action: 'turn', turnId: 'a', degree: 45 });
  assert.deepEqual(entries.toObject(), { a: { degree: 45 }, b: { action: 'connected', id: 'b' } });
});

test('a message that meets remove deletes its entry; a message without a key changes nothing', () => {
  const entries = faces();
  entries.accept(1, { id: 'a' });
  entries.accept(2, { id: 'b' });
  assert.equal(entries.accept('x', { action: 'disconnected', removeId: 'a' }), true);
  assert.equal(entries.accept('y', { nothing: true }), false);
  assert.deepEqual(entries.toObject(), { b: 2 });
});

test('limit evicts the least recently updated entry', () => {
  const entries = faces(2);
  entries.accept(1, { id: 'a' });
  entries.accept(2, { id: 'b' });
  entries.accept(3, { id: 'a' });
  entries.accept(4, { id: 'c' });
  assert.deepEqual(Object.keys(entries.toObject()), ['a', 'c']);
});
