/**
 * `inbox/<id>`: each live session's private event topic. Only its owner may
 * subscribe; anyone may publish a direct message (a text message, see
 * text-message.ts) into its history, so a session that resumes finds what
 * arrived meanwhile. The inbox goes with its session. Whether a session
 * lives is asked of the session store, which may be shared between
 * instances, so an inbox is found whichever instance its owner is on.
 */
import { inboxTopic } from '../../src/core/protocol.js';
import type { FeedFactory, Refusal, TopicSpec } from './feed.js';
import { publishTextMessage } from './text-message.js';

const PREFIX = 'inbox/';

export const inboxFeed: FeedFactory = (context) => {
  const unknown = (topic: string): Refusal => ({ code: 'unknown-topic', message: `unknown topic "${topic}"` });
  const specFor = (topic: string, owner: string): TopicSpec => ({
    kind: 'event',
    async refuseSubscribe(session) {
      if (session.id === owner) return undefined;
      if (!(await context.hasSession(owner))) return unknown(topic);
      return { code: 'forbidden', message: `only its owner may subscribe to ${topic}` };
    },
    async publish(data, session, write) {
      if (!(await context.hasSession(owner))) return unknown(topic);
      return publishTextMessage(context, topic, data, session, write);
    },
  });
  return {
    name: 'inbox',
    resolve: (topic) => (topic.startsWith(PREFIX) && topic.length > PREFIX.length ? specFor(topic, topic.slice(PREFIX.length)) : undefined),
    sessionEnded: (session) => context.broker.drop(inboxTopic(session.id)),
  };
};
