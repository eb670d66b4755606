/**
 * Event topics that only the server publishes to: those named by the
 * `topics` option, and any topic `ReferenceServer.publish` writes that no
 * feed serves. Clients may subscribe; their publishes are `forbidden`.
 */
import type { Feed, FeedContext, TopicSpec } from './feed.js';

/** The server-published topics, with a way to add more while running. */
export interface ServerTopicsFeed extends Feed {
  add(topic: string): void;
}

export function serverTopicsFeed(context: FeedContext): ServerTopicsFeed {
  const topics = new Set(context.options.topics);
  const spec: TopicSpec = { kind: 'event' };
  return {
    name: 'server-topics',
    resolve: (topic) => (topics.has(topic) ? spec : undefined),
    add: (topic) => void topics.add(topic),
  };
}
