/**
 * `chat/<room>`: publishable event topics, one per room (letters, digits,
 * `-` and `_`, up to 64). Publishes are text messages (see
 * text-message.ts); the history option (default 100) keeps the latest
 * lines for `history` on join.
 */
import type { FeedFactory, TopicSpec } from './feed.js';
import { publishTextMessage } from './text-message.js';

const ROOM_TOPIC = /^chat\/[\w-]{1,64}$/;

export const chatFeed: FeedFactory = (context) => {
  const specFor = (topic: string): TopicSpec => ({
    kind: 'event',
    publish: (data, session, write) => publishTextMessage(context, topic, data, session, write),
  });
  return {
    name: 'chat',
    resolve: (topic) => (ROOM_TOPIC.test(topic) ? specFor(topic) : undefined),
  };
};
