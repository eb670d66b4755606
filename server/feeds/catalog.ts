/**
 * The feeds this server serves, by name, and the one place that finds the
 * feed behind a topic.
 */
import type { SessionInfo } from '../sessions.js';
import { chatFeed } from './chat.js';
import { clockFeed } from './clock.js';
import { facesFeed } from './faces.js';
import type { Feed, FeedContext, FeedFactory, TopicSpec } from './feed.js';
import { firehoseFeed } from './firehose.js';
import { inboxFeed } from './inbox.js';
import { mandelbrotFeed } from './mandelbrot.js';
import { metricsFeed } from './metrics.js';
import { serverTopicsFeed, type ServerTopicsFeed } from './server-topics.js';
import { tasksFeed } from './tasks.js';
import { tickerFeed } from './ticker.js';
import { votesFeed } from './votes.js';

/** Every demo feed, by the name `--feeds` uses; a topic goes to the first feed here that serves it (`mandelbrot` before `tasks`). */
const FEEDS: Readonly<Record<string, FeedFactory>> = {
  clock: clockFeed,
  ticker: tickerFeed,
  metrics: metricsFeed,
  chat: chatFeed,
  inbox: inboxFeed,
  votes: votesFeed,
  faces: facesFeed,
  firehose: firehoseFeed,
  mandelbrot: mandelbrotFeed,
  tasks: tasksFeed,
};

export class FeedCatalog {
  private feeds: Feed[] = [];
  private readonly serverTopics: ServerTopicsFeed;

  /** Checks the named feeds; an unknown name is an error that lists the known ones. */
  constructor(
    private readonly context: FeedContext,
    private readonly names: readonly string[],
  ) {
    const unknown = names.filter((name) => !Object.hasOwn(FEEDS, name));
    if (unknown.length > 0) {
      throw new RangeError(`unknown feed "${unknown[0]}"; feeds are ${Object.keys(FEEDS).join(', ')}`);
    }
    this.serverTopics = serverTopicsFeed(context);
  }

  /**
   * Starts the feeds. Apart from the constructor so the catalog can answer
   * `resolve` (which broker keeps a topic) for the first writes feeds make.
   */
  start(): void {
    this.feeds = Object.keys(FEEDS).filter((name) => this.names.includes(name)).map((name) => FEEDS[name](this.context));
    this.feeds.push(this.serverTopics);
  }

  /** The spec of the topic, from the feed that serves it; undefined for an unknown topic. */
  resolve(topic: string): TopicSpec | undefined {
    for (const feed of this.feeds) {
      const spec = feed.resolve(topic);
      if (spec) return spec;
    }
    return undefined;
  }

  /** Makes `topic` a server-published event topic (when no feed serves it). */
  addServerTopic(topic: string): void {
    this.serverTopics.add(topic);
  }

  /** Tells every feed a session ended. */
  async sessionEnded(session: SessionInfo): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.sessionEnded?.(session) ?? Promise.resolve()));
  }

  /** Stops every feed's timers. */
  stop(): void {
    for (const feed of this.feeds) feed.stop?.();
  }
}
