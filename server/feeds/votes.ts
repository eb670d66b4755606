/**
 * `votes`: a shared state topic `{"left": n, "right": n, "watching": n}`.
 * Each publish of `{"dir": "left" | "right"}` adds one vote and everyone
 * gets the patch; `watching` counts the sessions subscribed. Every change
 * is an atomic addition in the broker, so votes cast on several instances
 * at once add up exactly. A joiner's snapshot is the current state.
 */
import type { Json } from '../../src/core/protocol.js';
import { invalid, isObject, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'votes';

export const votesFeed: FeedFactory = (context) => {
  const spec: TopicSpec = {
    kind: 'state',
    async publish(data: Json, _session, write) {
      const dir = isObject(data) ? data.dir : undefined;
      if (dir !== 'left' && dir !== 'right') return invalid('data must be {"dir": "left"} or {"dir": "right"}');
      const entry = await context.broker.add(TOPIC, { [dir]: 1 }, write);
      return { pos: entry.pos };
    },
    async join() {
      await context.broker.add(TOPIC, { watching: 1 });
    },
    async leave() {
      await context.broker.add(TOPIC, { watching: -1 });
    },
  };
  // Adding nothing creates the fields a first snapshot shows, without resetting counts another instance keeps.
  context.broker.add(TOPIC, { left: 0, right: 0, watching: 0 }).catch(context.report);
  return { name: 'votes', resolve: (topic) => (topic === TOPIC ? spec : undefined) };
};
