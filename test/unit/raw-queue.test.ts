import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawQueue } from '../../src/core/raw-queue.js';

test('the raw queue keeps the newest frames up to its limit and reports the first overflow once', () => {
  const queue = new RawQueue(3);
  const overflows = ['a', 'b', 'c', 'd', 'e'].map((frame) => queue.push(frame));
  assert.deepEqual(overflows, [false, false, false, true, false]);
  assert.equal(queue.size, 3);
  assert.deepEqual(queue.drain(), ['c', 'd', 'e']);
  assert.equal(queue.size, 0);
  const again = ['f', 'g', 'h', 'i'].map((frame) => queue.push(frame));
  assert.deepEqual(again, [false, false, false, true], 'after a drain, a new overflow is reported again');
});
