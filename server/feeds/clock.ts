/**
 * `clock`: an event topic that ticks every `clockInterval` ms (default one
 * second) with `{"time": ISO-8601 string, "ms": epoch milliseconds}`.
 */
import { every, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'clock';

export const clockFeed: FeedFactory = (context) => {
  const spec: TopicSpec = { kind: 'event', local: true };
  const tick = () => {
    const now = new Date();
    return context.broker.append(TOPIC, { time: now.toISOString(), ms: now.getTime() }, context.options.history);
  };
  return {
    name: 'clock',
    resolve: (topic) => (topic === TOPIC ? spec : undefined),
    stop: every(context.options.clockInterval, context, tick),
  };
};
