/**
 * Scale-out under chaos, 15 s (the 60 s run is `npm run chaos`): three
 * instances on one Redis with AOF, 50 subscribers reconnecting with `since`
 * to random live instances, numbered events, instances SIGKILLed and
 * restarted every few seconds and Redis killed and restarted once. Every
 * subscriber must end with every acknowledged event exactly once, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from '../../scripts/chaos/run-chaos.js';

test('15 s of chaos: every subscriber gets every event exactly once, in order', { timeout: 120000 }, async () => {
  const report = await runChaos({
    durationMs: 15000,
    instances: 3,
    subscribers: 50,
    publishIntervalMs: 10,
    killEveryMs: 3000,
    downMs: 1000,
  });
  console.log(
    `chaos 15 s: ${report.published} events, ${report.instanceKills} instance kills, ${report.redisRestarts} Redis restart, ` +
      `${report.subscriberReconnects} subscriber reconnects, ${report.publisherReconnects} publisher reconnects, ` +
      `received ${report.minReceived}..${report.maxReceived} per subscriber, longest gap ${report.longestGapMs} ms`,
  );
  assert.ok(report.published > 20, `enough events were published (${report.published})`);
  assert.ok(report.instanceKills >= 1, 'instances were killed');
  assert.equal(report.redisRestarts, 1);
  assert.ok(report.subscriberReconnects >= 10, 'subscribers had to reconnect');
  assert.equal(report.resets, 0, 'AOF kept the history: no subscriber was reset');
  assert.equal(report.publisherLostSessions, 0);
  assert.deepEqual(report.wrong, [], 'every subscriber got 0 … published-1 exactly once, in order');
});
