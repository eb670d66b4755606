/**
 * `faces`: presence with per-connection state. The state is an object keyed
 * by session id, each entry `{"direction": -90 | 0 | 90}`. Subscribing adds
 * the entry `{"direction": 0}`; a publish of `{"direction": D}` changes only
 * the publisher's own entry (a session that never subscribed has none:
 * `invalid`); leaving removes it with the patch
 * `{"<id>": null}`. A joiner's snapshot holds everyone's entries. The
 * session store calls `join` and `leave` once per session, on whichever
 * instance the session is, so entries live in the broker alone.
 */
import type { Json } from '../../src/core/protocol.js';
import { invalid, isObject, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'faces';
const DIRECTIONS: readonly Json[] = [-90, 0, 90];

export const facesFeed: FeedFactory = (context) => {
  const spec: TopicSpec = {
    kind: 'state',
    async publish(data: Json, session, write) {
      const direction = isObject(data) ? data.direction : undefined;
      if (!DIRECTIONS.includes(direction as Json)) return invalid('data must be {"direction": -90 | 0 | 90}');
      const { data: present } = await context.broker.state(TOPIC);
      if (!isObject(present) || !isObject(present[session.id])) {
        return invalid('subscribe to faces first: only an entry that exists can turn');
      }
      const entry = await context.broker.patch(TOPIC, { [session.id]: { direction: direction as number } }, write);
      return { pos: entry.pos };
    },
    async join(session) {
      await context.broker.patch(TOPIC, { [session.id]: { direction: 0 } });
    },
    async leave(session) {
      await context.broker.patch(TOPIC, { [session.id]: null });
    },
  };
  return { name: 'faces', resolve: (topic) => (topic === TOPIC ? spec : undefined) };
};
