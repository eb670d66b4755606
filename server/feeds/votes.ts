/**
 * `votes`: a shared state topic `{"left": n, "right": n, "watching": n}`.
 * Each publish of `{"dir": "left" | "right"}` adds one vote and everyone
 * gets the patch; `watching` counts the sessions subscribed. A joiner's
 * snapshot is the current state.
 */
import type { Json } from '../../src/core/protocol.js';
import { invalid, isObject, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'votes';

export const votesFeed: FeedFactory = (context) => {
  const watchers = new Set<string>();
  const count = async (dir: 'left' | 'right'): Promise<number> => {
    const { data } = await context.broker.state(TOPIC);
    const current = isObject(data) ? data[dir] : 0;
    return typeof current === 'number' ? current : 0;
  };
  const spec: TopicSpec = {
    kind: 'state',
    async publish(data: Json) {
      const dir = isObject(data) ? data.dir : undefined;
      if (dir !== 'left' && dir !== 'right') return invalid('data must be {"dir": "left"} or {"dir": "right"}');
      const entry = await context.broker.patch(TOPIC, { [dir]: (await count(dir)) + 1 });
      return { pos: entry.pos };
    },
    async join(session) {
      watchers.add(session.id);
      await context.broker.patch(TOPIC, { watching: watchers.size });
    },
    async leave(session) {
      watchers.delete(session.id);
      await context.broker.patch(TOPIC, { watching: watchers.size });
    },
  };
  context.broker.patch(TOPIC, { left: 0, right: 0, watching: 0 }).catch(context.report);
  return { name: 'votes', resolve: (topic) => (topic === TOPIC ? spec : undefined) };
};
