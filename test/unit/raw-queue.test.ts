import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawQueue } from '../../src/core/raw-queue.js';

test('the raw queue keeps the newest items up to its limit, hands back what it drops, and reports an overflow once', () => {
  const queue = new RawQueue<string>(3);
  const dropped = ['a', 'b', 'c', 'd', 'e'].map((item) => queue.push(item));
  assert.deepEqual(dropped, [undefined, undefined, undefined, 'a', 'b']);
  assert.equal(queue.reportOverflow(), true);
  assert.equal(queue.reportOverflow(), false);
  assert.equal(queue.size, 3);
  assert.deepEqual(queue.drain(), ['c', 'd', 'e']);
  assert.equal(queue.size, 0);
  assert.equal(queue.reportOverflow(), true, 'after a drain, a new overflow is reported again');
});
