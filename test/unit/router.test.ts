import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMatch } from '../../src/core/match.js';
import { Router, type Subscriber } from '../../src/core/router.js';

/** A subscriber that records what it was given. */
function listener(topic: string | undefined, match: string): Subscriber & { got: unknown[] } {
  const got: unknown[] = [];
  return { topic, conditions: parseMatch(match), got, deliver: (data) => void got.push(data) };
}

test('the router delivers by topic and by every match condition, the first one through its index', () => {
  const router = new Router();
  const aaplUp = listener('ticker', 'sym=AAPL dir=up');
  const aapl = listener('ticker', 'sym=AAPL');
  const msft = listener('ticker', 'sym=MSFT');
  const everything = listener('ticker', '');
  const raw = listener(undefined, '');
  for (const subscriber of [aaplUp, aapl, msft, everything, raw]) router.add(subscriber);

  router.routeTopic('ticker', { sym: 'AAPL', dir: 'down' }, undefined, 'e:1');
  router.routeTopic('ticker', { sym: 'AAPL', dir: 'up' }, undefined, 'e:2');
  router.routeTopic('other', { sym: 'AAPL', dir: 'up' }, undefined, 'e:3');

  assert.deepEqual(aaplUp.got, [{ sym: 'AAPL', dir: 'up' }]);
  assert.equal(aapl.got.length, 2);
  assert.equal(msft.got.length, 0);
  assert.equal(everything.got.length, 2);
  assert.equal(raw.got.length, 0);

  router.delete(aapl);
  router.routeTopic('ticker', { sym: 'AAPL', dir: 'up' }, undefined, 'e:4');
  assert.equal(aapl.got.length, 2);
  assert.equal(aaplUp.got.length, 2);
  assert.deepEqual(router.subscribersOf('ticker').length, 3);
});
