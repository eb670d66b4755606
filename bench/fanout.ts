/**
 * Benchmark 2a: one topic, 1,000 subscribers in a separate process, the
 * server publishing as fast as its subscribers take it for a few seconds:
 * messages delivered per second and delivery latency, reference server
 * against socket.io in the same run. A first phase at a fixed, modest rate
 * (`--latency-rate` messages/s) gives the latency of a server that is not
 * saturated.
 *
 *   npx tsx bench/fanout.ts [--clients 1000] [--duration 5000] [--window 1000] [--batch 100] [--latency-rate 20]
 *
 * "As fast as it can" is closed-loop: the publisher stays at most `window`
 * messages ahead of the slowest subscriber (the client process reports its
 * progress every 20 ms), so both servers run at their sustainable rate
 * instead of buffering without bound.
 */
import { parseArgs } from 'node:util';
import { ClientProcess } from './fanout/client-process.js';
import { BENCH_TOPIC, startReferenceServer, startSocketIoServer, type BroadcastServer } from './fanout/servers.js';
import { paceSends } from './support/feed.js';
import { runContext } from './support/report.js';
import { delay, fixed, markdownTable, pollUntil, ratio, wallNow } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5000' },
    window: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    'latency-rate': { type: 'string', default: '20' },
  },
});
const clientCount = Number(args.clients);
const durationMs = Number(args.duration);
const windowSize = Number(args.window);
const batchSize = Number(args.batch);
const latencyRate = Number(args['latency-rate']);
const LATENCY_PHASE_MS = 3000;

interface FanoutResult {
  name: string;
  published: number;
  delivered: number;
  deliveredPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  fixedRateP50: number;
  fixedRateP99: number;
}

/** Publishes for `durationMs`, never more than `windowSize` ahead of the slowest client. */
async function publishWithinWindow(server: BroadcastServer, clients: ClientProcess): Promise<number> {
  const end = performance.now() + durationMs;
  let published = 0;
  while (performance.now() < end) {
    const room = Math.min(batchSize, windowSize - (published - clients.minReceived));
    if (room <= 0) {
      await delay(1);
      continue;
    }
    for (let i = 0; i < room; i++) server.publish({ t: wallNow() });
    published += room;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return published;
}

/** Publishes `latencyRate` messages/s for a few seconds and returns the latency quantiles once all arrived. */
async function fixedRateLatency(server: BroadcastServer, clients: ClientProcess): Promise<[number, number]> {
  const total = Math.round((latencyRate * LATENCY_PHASE_MS) / 1000);
  await paceSends(total, LATENCY_PHASE_MS, (count) => {
    for (let i = 0; i < count; i++) server.publish({ t: wallNow() });
  });
  if (!(await pollUntil(() => clients.minReceived >= total, 30_000, 20))) {
    console.error(`${server.name}: not every client received the ${total} fixed-rate messages within 30 s`);
  }
  const summary = await clients.summarize();
  await clients.reset();
  return [summary.latencyP50, summary.latencyP99];
}

async function measure(start: () => Promise<BroadcastServer>): Promise<FanoutResult> {
  const server = await start();
  const clients = await ClientProcess.start({
    kind: server.kind, url: server.url, count: clientCount, topic: BENCH_TOPIC, concurrency: 50,
  });
  try {
    await delay(500);
    const [fixedRateP50, fixedRateP99] = await fixedRateLatency(server, clients);
    const startedAt = wallNow();
    const published = await publishWithinWindow(server, clients);
    const complete = await pollUntil(() => clients.minReceived >= published, 30_000, 20);
    const summary = await clients.summarize();
    if (!complete) console.error(`${server.name}: not every client received all ${published} messages within 30 s`);
    return {
      name: server.name,
      published,
      delivered: summary.delivered,
      deliveredPerSecond: (summary.delivered / (summary.lastReceivedAt - startedAt)) * 1000,
      latencyP50: summary.latencyP50,
      latencyP99: summary.latencyP99,
      fixedRateP50,
      fixedRateP99,
    };
  } finally {
    await clients.stop();
    await server.close();
  }
}

const reference = await measure(startReferenceServer);
const socketIo = await measure(startSocketIoServer);
console.log(`fanout: 1 topic, ${clientCount} clients in a child process, ${runContext()}`);
console.log(`saturated: ${durationMs} ms, window ${windowSize}, batch ${batchSize}; fixed rate: ${latencyRate} msgs/s for ${LATENCY_PHASE_MS} ms\n`);
console.log(markdownTable(
  ['server', 'published', 'delivered', 'delivered/s', 'ratio', 'saturated p50 ms', 'saturated p99 ms',
    `${latencyRate}/s p50 ms`, `${latencyRate}/s p99 ms`],
  [reference, socketIo].map((result) => [
    result.name, String(result.published), String(result.delivered), fixed(result.deliveredPerSecond, 0),
    ratio(result.deliveredPerSecond, socketIo.deliveredPerSecond), fixed(result.latencyP50), fixed(result.latencyP99),
    fixed(result.fixedRateP50), fixed(result.fixedRateP99),
  ]),
));
const met = reference.deliveredPerSecond >= 3 * socketIo.deliveredPerSecond;
console.log(`\n- delivered/s ≥ 3× socket.io: ${met ? 'met' : 'NOT met'} (${ratio(reference.deliveredPerSecond, socketIo.deliveredPerSecond)})`);
