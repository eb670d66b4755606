import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../src/core/protocol.js';
import { backoffDelay, ReconnectPolicy } from '../../src/core/reconnect-policy.js';

/** A random source that always answers `value`, so the jitter is known. */
const fixed = (value: number) => () => value;

test('the backoff doubles from min-delay up to max-delay, with half of it jittered', () => {
  assert.equal(backoffDelay(0, 500, 10000, fixed(0)), 250);
  assert.equal(backoffDelay(0, 500, 10000, fixed(1)), 500);
  assert.equal(backoffDelay(3, 500, 10000, fixed(1)), 4000);
  assert.equal(backoffDelay(10, 500, 10000, fixed(1)), 10000);
  assert.equal(backoffDelay(10, 500, 10000, fixed(0)), 5000);
});

test('every close code but policy (1008) and taken over (4000) is retried', () => {
  const codes = [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1009, 1011, 1012, 1013, 1014, 1015, 3000, 4001, 4999];
  for (const code of codes) {
    const policy = new ReconnectPolicy(1, {}, fixed(1));
    assert.equal(policy.afterClose(code).willRetry, true, `close ${code} is retried`);
  }
  for (const code of [CloseCode.policy, CloseCode.takenOver]) {
    const policy = new ReconnectPolicy(1, {}, fixed(1));
    assert.deepEqual(policy.afterClose(code), { willRetry: false, retryIn: 0 }, `close ${code} is final`);
  }
});

test('one URL backs off further on every failed attempt and starts over after an open', () => {
  const policy = new ReconnectPolicy(1, { minDelay: 100, maxDelay: 1000 }, fixed(1));
  const delays = [1, 2, 3, 4, 5].map(() => policy.afterClose(1006).retryIn);
  assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
  policy.opened();
  assert.equal(policy.afterClose(1006).retryIn, 100);
});

test('several URLs: a dropped instance fails over to the next URL at once; a full round of failures backs off', () => {
  const policy = new ReconnectPolicy(3, { minDelay: 100, maxDelay: 1000 }, fixed(1));
  assert.equal(policy.urlIndex, 0);
  assert.deepEqual(policy.afterClose(1006), { willRetry: true, retryIn: 0 });
  assert.equal(policy.urlIndex, 1);
  assert.deepEqual(policy.afterClose(1006), { willRetry: true, retryIn: 0 });
  assert.equal(policy.urlIndex, 2);
  assert.deepEqual(policy.afterClose(1006), { willRetry: true, retryIn: 100 });
  assert.equal(policy.urlIndex, 0);
  assert.deepEqual(policy.afterClose(1006), { willRetry: true, retryIn: 0 });
  policy.opened();
  assert.equal(policy.urlIndex, 1, 'the URL that worked stays');
  assert.deepEqual(policy.afterClose(1001), { willRetry: true, retryIn: 0 });
  assert.equal(policy.urlIndex, 2);
});

test('max-retries gives up after that many retries, and reset allows as many again', () => {
  const policy = new ReconnectPolicy(2, { maxRetries: 3 }, fixed(0));
  const decisions = [1, 2, 3, 4].map(() => policy.afterClose(1006).willRetry);
  assert.deepEqual(decisions, [true, true, true, false]);
  policy.reset();
  assert.equal(policy.afterClose(1006).willRetry, true);
});
