/**
 * Benchmark 10: what `persist` writes to storage (issue 18). Four pages at
 * once against the reference server, each counting every
 * `sessionStorage.setItem` and IndexedDB `put` it makes: one
 * `<ws-bind persist>` per ticker symbol (the ticker at its normal rate: a
 * quarter of the symbols move every 500 ms) and one per firehose key (by
 * default 100 keys at 1,000 updates/s, 10 a second per element), each in
 * sessionStorage (`persist`) and in IndexedDB (`persist="local"`). SPEC 3.2
 * allows one write per second per element (plus one on `pagehide`, not
 * counted here).
 *
 *   npx tsx bench/persist-writes.ts [--duration 30000] [--firehose-keys 100] [--firehose-rate 1000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import type { BrowserContext } from 'puppeteer-core';
import { createServer } from '../server/server.js';
import { TICKER_SYMBOLS } from '../server/feeds/ticker.js';
import { launchBrowser, openMeasuredPage, type MeasuredPage } from './support/browser.js';
import { startPageServer } from './support/page-server.js';
import { runContext, verdict } from './support/report.js';
import { delay, fixed, markdownTable, pollUntil } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30000' },
    'firehose-keys': { type: 'string', default: '100' },
    'firehose-rate': { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
  },
});
const durationMs = Number(args.duration);
const firehoseKeys = Number(args['firehose-keys']);
const firehoseRate = Number(args['firehose-rate']);
const runs = Number(args.runs);
/** The least time SPEC 3.2 allows between two writes of one element, ms. */
const WRITE_EVERY = 1000;

const pages = await startPageServer();
const server = await createServer({ port: 0, host: '127.0.0.1', feeds: ['ticker', 'firehose'], firehoseKeys, firehoseRate });
const browser = await launchBrowser();

interface Variant {
  name: string;
  elements: number;
  query: string;
}

const stores = [['session', 'sessionStorage'], ['local', 'IndexedDB']];
const variants: Variant[] = stores.flatMap(([persist, store]) => [
  {
    name: `ticker, ${store}`, elements: TICKER_SYMBOLS.length,
    query: `symbols=${TICKER_SYMBOLS.join(',')}&persist=${persist}`,
  },
  {
    name: `firehose ${firehoseRate}/s, ${store}`, elements: firehoseKeys,
    query: `n=${firehoseKeys}&persist=${persist}`,
  },
]);

interface Result {
  variant: Variant;
  seconds: number;
  writes: number;
  bytes: number;
  /** Text changes the page rendered. */
  shown: number;
  /** The shortest time between two writes of one element, ms. */
  minGap: number;
  /** The most writes one element made. */
  mostByOne: number;
}

const evaluate = <T>(page: MeasuredPage, expression: string) => page.page.evaluate(expression) as Promise<T>;

async function measure(page: MeasuredPage, variant: Variant, from: number, to: number): Promise<Result> {
  const writes = (await evaluate<Array<[number, string, number]>>(page, 'window.bench.writes()'))
    .filter(([time]) => time >= from && time < to);
  const byKey = new Map<string, number[]>();
  for (const [time, key] of writes) byKey.set(key, [...(byKey.get(key) ?? []), time]);
  const gaps = [...byKey.values()].flatMap((times) => times.slice(1).map((time, index) => time - times[index]));
  const { values } = await evaluate<{ values: number[] }>(page, 'window.bench.log()');
  return {
    variant,
    seconds: (to - from) / 1000,
    writes: writes.length,
    bytes: writes.reduce((sum, [, , size]) => sum + size, 0),
    shown: values.length,
    minGap: Math.min(...gaps),
    mostByOne: Math.max(0, ...[...byKey.values()].map((times) => times.length)),
  };
}

async function run(context: BrowserContext): Promise<Result[]> {
  const opened: MeasuredPage[] = [];
  for (const variant of variants) {
    const page = await openMeasuredPage(context, `${pages.origin}/persist.html?src=${encodeURIComponent(server.url)}&${variant.query}`,
      { type: 'window' });
    await evaluate(page, 'window.bench.ready');
    opened.push(page);
  }
  if (!(await pollUntil(async () => (await Promise.all(opened.map((page) => evaluate<number>(page, 'window.bench.empty()'))))
    .every((empty) => empty === 0), 20_000))) throw new Error('some elements never showed a value');
  // Past the first writes of the warm-up, so every element is in its steady once-a-second rhythm.
  await delay(2 * WRITE_EVERY);
  await Promise.all(opened.map((page) => evaluate(page, 'window.bench.resetLog()')));
  const from = Date.now();
  await delay(durationMs);
  const to = Date.now();
  return Promise.all(opened.map((page, index) => measure(page, variants[index], from, to)));
}

try {
  const results: Result[][] = [];
  for (let index = 0; index < runs; index++) {
    console.error(`run ${index + 1}…`);
    const context = await browser.createBrowserContext();
    try {
      results.push(await run(context));
    } finally {
      await context.close();
    }
  }
  console.log(`persist-writes: ${durationMs / 1000} s per run, four pages at once, ${runs} runs, ${runContext()}\n`);
  console.log(markdownTable(
    ['run', 'page', 'elements', 'values shown/s per element', 'writes/s', 'writes/s per element', 'bytes/s',
      'bytes per write', 'least ms between one element\'s writes', 'most writes by one element'],
    results.flatMap((perRun, index) => perRun.map((result) => [
      String(index + 1), result.variant.name, String(result.variant.elements),
      fixed(result.shown / result.seconds / result.variant.elements, 2), fixed(result.writes / result.seconds, 1),
      fixed(result.writes / result.seconds / result.variant.elements, 2), fixed(result.bytes / result.seconds, 0),
      fixed(result.bytes / Math.max(1, result.writes), 0), fixed(result.minGap, 0), String(result.mostByOne),
    ])),
  ));
  const all = results.flat();
  const leastGap = Math.min(...all.map((result) => result.minGap));
  console.log(`\n- at most one write per second per element (SPEC 3.2): ${verdict(leastGap >= WRITE_EVERY, `least gap ${fixed(leastGap, 0)} ms`)}`);
} finally {
  await browser.close();
  await server.close();
  await pages.close();
}
