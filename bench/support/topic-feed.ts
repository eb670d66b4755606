/**
 * Feeds a page through the reference server: the benchmark publishes
 * `{"k":"keyN","v":SEQUENCE}` events on the server's `firehose` topic and
 * the server delivers them over the topic protocol, packed per connection.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from '../../server/server.js';
import { SequencedUpdates, type Feed, type FeedRun } from './feed.js';
import { pollUntil } from './stats.js';

type ReferenceServer = Awaited<ReturnType<typeof createServer>>;

/** The topic the page binds to: the firehose feed's, with its own random publisher off (rate 0) so only these values arrive. */
export const FIREHOSE_TOPIC = 'firehose';

/** A reference server whose firehose topic carries the benchmark's sequence numbers. */
export class TopicFeed implements Feed {
  private opened = 0;
  private readonly updates: SequencedUpdates;

  private constructor(
    private readonly http: Server,
    private readonly server: ReferenceServer,
    readonly keys: number,
    readonly keyPrefix: string,
  ) {
    this.updates = new SequencedUpdates(keys, (key, value) => this.publish(key, value));
    // Counting upgrades on our own HTTP server shows when the server closed a slow page and it reconnected.
    http.on('upgrade', () => this.opened++);
  }

  /**
   * Starts the reference server on 127.0.0.1 with only the firehose feed, silent until the benchmark
   * publishes; `maxBuffer` overrides the server's slow-client limit (bytes), `packMs` its packing window.
   */
  static async start(keys: number, maxBuffer?: number, packMs?: number): Promise<TopicFeed> {
    const http = createHttpServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const server = await createServer({ server: http, feeds: [FIREHOSE_TOPIC], firehoseRate: 0, maxBuffer, packMs });
    return new TopicFeed(http, server, keys, 'key');
  }

  get url(): string {
    return this.server.url;
  }

  async waitForPage(): Promise<void> {
    if (!(await pollUntil(() => this.server.connectionCount() > 0, 20_000))) {
      throw new Error('no page connected to the reference server within 20 s');
    }
  }

  connectionsOpened(): number {
    return this.opened;
  }

  async warmUp(): Promise<number[]> {
    return this.updates.warmUp();
  }

  run(rate: number, durationMs: number): Promise<FeedRun> {
    return this.updates.run(rate, durationMs);
  }

  async close(): Promise<void> {
    await this.server.close();
    await new Promise((resolve) => { this.http.closeAllConnections(); this.http.close(resolve); });
  }

  private publish(key: number, value: number): void {
    this.server.publish(FIREHOSE_TOPIC, { k: `${this.keyPrefix}${key}`, v: value }).catch((error: unknown) => console.error(error));
  }
}
