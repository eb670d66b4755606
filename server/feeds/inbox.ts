/**
 * `inbox/<id>`: each live session's private event topic. Only its owner may
 * subscribe; anyone may publish a direct message (a text message, see
 * text-message.ts) into its history, so a session that resumes finds what
 * arrived meanwhile. The inbox goes with its session.
 */
import { inboxTopic } from '../../src/core/protocol.js';
import type { FeedFactory, TopicSpec } from './feed.js';
import { publishTextMessage } from './text-message.js';

const PREFIX = 'inbox/';

export const inboxFeed: FeedFactory = (context) => {
  const specFor = (topic: string, owner: string): TopicSpec => ({
    kind: 'event',
    refuseSubscribe: (session) =>
      session.id === owner ? undefined : { code: 'forbidden', message: `only its owner may subscribe to ${topic}` },
    publish: (data, session) => publishTextMessage(context, topic, data, session),
  });
  return {
    name: 'inbox',
    resolve(topic) {
      if (!topic.startsWith(PREFIX)) return undefined;
      const owner = topic.slice(PREFIX.length);
      return context.hasSession(owner) ? specFor(topic, owner) : undefined;
    },
    sessionEnded: (session) => context.broker.drop(inboxTopic(session.id)),
  };
};
