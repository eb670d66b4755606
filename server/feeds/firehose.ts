/**
 * `firehose`: an event topic for benchmarks. While anyone is subscribed it
 * publishes `firehoseRate` events a second (default 1000), each
 * `{"k": "key17", "v": 123.4}` for one of `firehoseKeys` keys (default 1000)
 * whose value walks randomly. Event messages rather than state patches, so
 * every update reaches the client as its own message and replays exactly.
 * Each event replaces its key's last value, so the topic conflates by `k`:
 * a client that falls behind is sent only the newest event per key.
 */
import type { FeedFactory, TopicSpec } from './feed.js';

const TOPIC = 'firehose';
/** Shortest tick; at high rates each tick publishes a batch. */
const TICK_MS = 10;

export const firehoseFeed: FeedFactory = (context) => {
  const { firehoseRate: rate, firehoseKeys: keyCount, history } = context.options;
  const values = Float64Array.from({ length: Math.max(1, keyCount) }, () => Math.round(Math.random() * 1000) / 10);
  const watchers = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let due = 0;
  let last = 0;

  const publishOne = () => {
    const key = Math.floor(Math.random() * values.length);
    values[key] = Math.round((values[key] + (Math.random() - 0.5) * 2) * 10) / 10;
    return context.broker.append(TOPIC, { k: `key${key}`, v: values[key] }, history);
  };
  const tick = () => {
    const now = performance.now();
    due += ((now - last) / 1000) * rate;
    last = now;
    for (; due >= 1; due--) publishOne().catch(context.report);
  };
  const start = () => {
    if (timer || rate <= 0) return;
    last = performance.now();
    due = 0;
    timer = setInterval(tick, Math.max(TICK_MS, 1000 / rate));
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const spec: TopicSpec = {
    kind: 'event',
    local: true,
    conflateBy: 'k',
    async join(session) {
      watchers.add(session.id);
      start();
    },
    async leave(session) {
      watchers.delete(session.id);
      if (watchers.size === 0) stop();
    },
  };
  return { name: 'firehose', resolve: (topic) => (topic === TOPIC ? spec : undefined), stop };
};
