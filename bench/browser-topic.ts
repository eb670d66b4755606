/**
 * Benchmark 3: 1,000 `<ws-bind topic="firehose" match="k=keyN" select="v">`
 * fed at 50k updates/s by the reference server over the topic protocol,
 * packed per connection, against the raw-socket baseline page receiving the
 * same rate one update per frame, in the same run. The server packs for as
 * long as the page has not read its last frame, and the firehose is keyed,
 * so a page that is behind gets only the newest value per key (conflation).
 * `--max-buffer` changes the server's slow-client limit (default 1 MB), past
 * which it closes the page with 1013 (the page then reconnects);
 * `--pack-ms` sets the least packing window (default 0: one event-loop turn).
 *
 *   npx tsx bench/browser-topic.ts [--rate 50000] [--duration 3000] [--keys 1000] [--max-buffer BYTES] [--pack-ms MS]
 */
import { parseArgs } from 'node:util';
import { launchBrowser } from './support/browser.js';
import { startPageServer } from './support/page-server.js';
import { measurePage } from './support/page-run.js';
import { RawFeed } from './support/raw-feed.js';
import { comparisonTable, runContext, verdict } from './support/report.js';
import { fixed } from './support/stats.js';
import { FIREHOSE_TOPIC, TopicFeed } from './support/topic-feed.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '50000' },
    duration: { type: 'string', default: '3000' },
    keys: { type: 'string', default: '1000' },
    'max-buffer': { type: 'string' },
    'pack-ms': { type: 'string' },
  },
});
const rate = Number(args.rate);
const durationMs = Number(args.duration);
const keys = Number(args.keys);
const maxBuffer = args['max-buffer'] === undefined ? undefined : Number(args['max-buffer']);
const packMs = args['pack-ms'] === undefined ? undefined : Number(args['pack-ms']);

const pages = await startPageServer();
const rawFeed = await RawFeed.start(keys);
const topicFeed = await TopicFeed.start(keys, maxBuffer, packMs);
const browser = await launchBrowser();
try {
  console.error('baseline (raw, one update per frame)…');
  const baseline = await measurePage(browser, `${pages.origin}/baseline.html?n=${keys}&src=${encodeURIComponent(rawFeed.url)}`,
    rawFeed, rate, durationMs);
  rawFeed.disconnectAll();
  console.error('ws-bind (topic protocol, packed frames)…');
  const topicQuery = `n=${keys}&src=${encodeURIComponent(topicFeed.url)}&topic=${FIREHOSE_TOPIC}&keyPrefix=${topicFeed.keyPrefix}`;
  const packed = await measurePage(browser, `${pages.origin}/bind.html?${topicQuery}`, topicFeed, rate, durationMs);
  const label = `${rate / 1000}k/s`;
  console.log(`browser-topic: ${keys} elements, ${rate} updates/s for ${durationMs} ms, server max buffer ${maxBuffer ?? 'default'}, `
    + `pack ms ${packMs ?? 'default'}, ${runContext()}\n`);
  console.log(comparisonTable([{ rate, label, baseline, candidate: packed }], 'ws-bind topic, packed'));
  console.log(`\n- packed page drains within 1 s: ${verdict(packed.drainMs <= 1000, `${fixed(packed.drainMs)} ms`)}`);
  console.log(`- packed page zero stale, every element showing its key's last value: ${verdict(packed.stale === 0, `${packed.stale} stale`)}`);
  console.log(`- packed page never closed with 1013 (it would reconnect): ${verdict(packed.reconnects === 0, `${packed.reconnects} reconnects`)}`);
  console.log(`- baseline falls seconds behind: ${verdict(!(baseline.drainMs < 1000), `drain ${fixed(baseline.drainMs)} ms, ${baseline.stale} stale`)}`);
} finally {
  await browser.close();
  await topicFeed.close();
  await rawFeed.close();
  await pages.close();
}
