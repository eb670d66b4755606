/**
 * The chaos run of scale-out (issue: "nothing lost"): instances on one
 * Redis with the append-only file, subscribers spread across them,
 * a publisher sending numbered events, while a loop SIGKILLs and restarts
 * random instances every few seconds and Redis itself is killed and
 * restarted once. At the end every subscriber must hold every acknowledged
 * event exactly once, in order. Used by `npm run chaos` (60 s) and by a
 * 15 s test in `npm test`.
 */
import { freePort, RedisProcess } from '../../test/server/redis-process.js';
import { ChaosPublisher, ChaosSubscriber } from './clients.js';
import { Instance } from './instances.js';

export interface ChaosOptions {
  durationMs: number;
  instances: number;
  subscribers: number;
  /** Milliseconds between numbered events (the publisher waits for each ack). */
  publishIntervalMs: number;
  /** An instance is killed every this many ms, give or take half. */
  killEveryMs: number;
  /** How long a killed instance stays down. */
  downMs: number;
  /** Log progress to stdout. */
  log?: (line: string) => void;
}

export interface ChaosReport {
  published: number;
  instanceKills: number;
  redisRestarts: number;
  publisherReconnects: number;
  publisherLostSessions: number;
  subscriberReconnects: number;
  resets: number;
  /** Subscribers whose events were not exactly 0 … published-1 in order. */
  wrong: { subscriber: number; received: number; duplicates: number; missing: number; outOfOrder: number }[];
  minReceived: number;
  maxReceived: number;
  longestGapMs: number;
}

const TOPIC = 'chat/chaos';
/** How long subscribers get to receive the last events once publishing stops. */
const SETTLE_MS = 20000;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const redis = await RedisProcess.start({ appendOnly: true });
  const flags = ['--redis', redis.url, '--feeds', 'chat,inbox', '--history', '1000000', '--resume-window', '60000'];
  flags.push('--publish-rate', '100000', '--publish-burst', '100000');
  const instances: Instance[] = [];
  for (let i = 0; i < options.instances; i++) instances.push(new Instance(await freePort(), flags));
  const subscribers: ChaosSubscriber[] = [];
  let publisher: ChaosPublisher | undefined;
  let instanceKills = 0;
  let redisRestarts = 0;
  let finished = false;
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    // A client picks any instance it believes up; one that just died fails to connect and it picks again.
    const pickUrl = () => {
      const up = instances.filter((instance) => instance.running);
      return (up.length > 0 ? up : instances)[Math.floor(Math.random() * (up.length || instances.length))].url;
    };
    for (let i = 0; i < options.subscribers; i++) subscribers.push(new ChaosSubscriber(TOPIC, pickUrl));
    await Promise.all(subscribers.map((subscriber) => subscriber.start()));
    publisher = new ChaosPublisher(TOPIC, pickUrl, options.publishIntervalMs);
    publisher.start();
    log(`chaos: ${options.instances} instances, ${options.subscribers} subscribers, ${options.durationMs / 1000} s`);

    const start = performance.now();
    const redisAt = start + options.durationMs / 2;
    let redisDone = false;
    while (performance.now() - start < options.durationMs) {
      await sleep(options.killEveryMs * (0.5 + Math.random()));
      if (!redisDone && performance.now() > redisAt) {
        redisDone = true;
        log(`chaos: killing Redis at ${publisher.acked} events`);
        await redis.kill();
        await sleep(1000);
        await redis.restart();
        redisRestarts++;
        continue;
      }
      const up = instances.filter((instance) => instance.running);
      if (up.length < 2) continue;
      const victim = up[Math.floor(Math.random() * up.length)];
      log(`chaos: SIGKILL instance :${victim.port} at ${publisher.acked} events`);
      await victim.kill();
      instanceKills++;
      setTimeout(() => {
        if (finished) return;
        // An instance still starting when the run ends is killed with the rest: not a failure.
        victim.start().catch((error: Error) => {
          if (!finished) log(`chaos: restart failed: ${error.message}`);
        });
      }, options.downMs);
    }
    await publisher.stop();
    const published = publisher.acked;
    log(`chaos: publishing stopped at ${published} events; waiting for every subscriber`);
    const deadline = performance.now() + SETTLE_MS;
    while (performance.now() < deadline && subscribers.some((subscriber) => subscriber.received.length < published)) {
      await sleep(50);
    }
    return report(published, subscribers, publisher, instanceKills, redisRestarts);
  } finally {
    finished = true;
    for (const subscriber of subscribers) subscriber.stop();
    await Promise.all(instances.map((instance) => instance.kill()));
    await redis.stop();
  }
}

function report(
  published: number,
  subscribers: ChaosSubscriber[],
  publisher: ChaosPublisher,
  instanceKills: number,
  redisRestarts: number,
): ChaosReport {
  const wrong: ChaosReport['wrong'] = [];
  subscribers.forEach((subscriber, index) => {
    const { received } = subscriber;
    const seen = new Set(received);
    const duplicates = received.length - seen.size;
    let missing = 0;
    for (let n = 0; n < published; n++) if (!seen.has(n)) missing++;
    let outOfOrder = 0;
    for (let i = 1; i < received.length; i++) if (received[i] <= received[i - 1]) outOfOrder++;
    const exact = received.length === published && received.every((n, i) => n === i);
    if (!exact) wrong.push({ subscriber: index, received: received.length, duplicates, missing, outOfOrder });
  });
  const counts = subscribers.map((subscriber) => subscriber.received.length);
  return {
    published,
    instanceKills,
    redisRestarts,
    publisherReconnects: publisher.reconnects,
    publisherLostSessions: publisher.lostSessions,
    subscriberReconnects: subscribers.reduce((sum, subscriber) => sum + subscriber.reconnects, 0),
    resets: subscribers.reduce((sum, subscriber) => sum + subscriber.resets, 0),
    wrong,
    minReceived: Math.min(...counts),
    maxReceived: Math.max(...counts),
    longestGapMs: Math.round(Math.max(...subscribers.map((subscriber) => subscriber.longestGap))),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
