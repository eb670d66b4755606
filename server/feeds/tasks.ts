/**
 * `tasks/<name>`: task queues (SPEC 3.5). `<ws-worker>` connections offer to
 * run a queue's tasks with `work`; embedders queue tasks with
 * `server.submit`. Subscribers see the queue's events: `{"id", "progress"}`
 * while a task runs, then `{"id", "output", "ms"}` or `{"id", "error"}`.
 * Clients may not publish here: tasks come from the server's side.
 */
import type { FeedFactory, TopicSpec } from './feed.js';

const PREFIX = 'tasks/';

/** True for a task queue's topic name, `tasks/<name>`. */
export function isTaskTopic(topic: string): boolean {
  return topic.startsWith(PREFIX) && topic.length > PREFIX.length;
}

export const tasksFeed: FeedFactory = () => {
  const spec: TopicSpec = { kind: 'event', taskQueue: true };
  return { name: 'tasks', resolve: (topic) => (isTaskTopic(topic) ? spec : undefined) };
};
