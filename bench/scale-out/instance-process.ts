/**
 * One reference server instance in its own process for the scale-out
 * benchmark: only the benchmark topic, in memory or on a Redis. The parent
 * tells it to publish; it reports its URL once listening.
 *
 *   (started by bench/scale-out.ts with one JSON argument: {"redis"?: url})
 */
import { createServer } from '../../server/server.js';
import { BENCH_TOPIC } from '../fanout/servers.js';
import { wallNow } from '../support/stats.js';

/** What the instance reports. */
export type InstanceReport = { type: 'listening'; url: string };

/** What the parent asks of it: publish `count` messages stamped with the wall clock and numbered from 0 on, or end. */
export type InstanceCommand = { type: 'publish'; count: number } | { type: 'exit' };

const { redis } = JSON.parse(process.argv[2] ?? '{}') as { redis?: string };
const server = await createServer({ port: 0, host: '127.0.0.1', feeds: [], topics: [BENCH_TOPIC], redis });

let sent = 0;
process.on('message', (command: InstanceCommand) => {
  if (command.type === 'exit') {
    void server.close().then(() => process.exit(0));
    return;
  }
  for (let i = 0; i < command.count; i++) {
    server.publish(BENCH_TOPIC, { t: wallNow(), n: sent++ }).catch((error: unknown) => console.error(error));
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'listening', url: server.url } satisfies InstanceReport);
