/**
 * Benchmark 9: what `<ws-source share="tabs">` costs (issue 18).
 *
 * Memory: 3 pages of one origin, each with 1,000
 * `<ws-bind topic="firehose" match="k=keyN" select="v">` fed by the
 * reference server, first each page on its own socket (the baseline), then
 * the same pages on one socket held by the origin's shared worker. Each
 * variant runs in a fresh browser context, warms up, takes a few seconds of
 * updates, and then every page's and the worker's heap is read after a full
 * GC. The variants alternate which goes first from run to run.
 *
 * Latency: one page of each kind open at the same time on the same topic at
 * 1k updates/s; send-to-DOM latency of every value each page showed, and
 * how many frames reached each page: WebSocket messages, or the shared
 * worker's port messages.
 * `--latency-keys` gives those two pages fewer elements than the memory
 * run's, so that on a busy machine rendering does not drown the worker's hop.
 *
 *   npx tsx bench/shared-tabs.ts [--tabs 3] [--keys 1000] [--latency-keys 1000] [--rate 1000] [--duration 5000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { TargetType, type BrowserContext, type CDPSession } from 'puppeteer-core';
import { heapAfterGc, launchBrowser, openMeasuredPage, rendererTimes, type HeapUsage, type MeasuredPage } from './support/browser.js';
import { startPageServer } from './support/page-server.js';
import { DRAIN_TIMEOUT_MS, latencies, mismatches, warmUp } from './support/page-run.js';
import { runContext, verdict } from './support/report.js';
import { fixed, markdownTable, pollUntil, quantile, ratio, wallNow } from './support/stats.js';
import type { FeedRun } from './support/feed.js';
import { FIREHOSE_TOPIC, TopicFeed } from './support/topic-feed.js';

const { values: args } = parseArgs({
  options: {
    tabs: { type: 'string', default: '3' },
    keys: { type: 'string', default: '1000' },
    'latency-keys': { type: 'string' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
  },
});
const tabCount = Number(args.tabs);
const keys = Number(args.keys);
const latencyKeys = Number(args['latency-keys'] ?? args.keys);
const rate = Number(args.rate);
const durationMs = Number(args.duration);
const runs = Number(args.runs);
/** One frame at 60 Hz: the most a shared binding may add to the p99 latency. */
const FRAME_MS = 1000 / 60;
const MB = 1024 * 1024;

const pages = await startPageServer();
const feed = await TopicFeed.start(keys);
const latencyFeed = latencyKeys === keys ? feed : await TopicFeed.start(latencyKeys);
const browser = await launchBrowser();

const pageUrl = (source: TopicFeed, share: boolean) => `${pages.origin}/bind.html?n=${source.keys}&src=${encodeURIComponent(source.url)}`
  + `&topic=${FIREHOSE_TOPIC}&keyPrefix=${source.keyPrefix}${share ? '&share=tabs' : ''}`;

/** How many V8 isolates these pages run in: each must have its own, or one page's heap reading would hold another's. */
async function isolates(opened: MeasuredPage[]): Promise<number> {
  return new Set(await Promise.all(opened.map(async ({ cdp }) => (await cdp.send('Runtime.getIsolateId')).id))).size;
}

/**
 * Counts, in `window.framesIn`, what reaches the page's `onmessage` handlers: WebSocket messages, and port messages
 * from the shared worker's host (those carrying a link id `l`; the recorder's own frame messages do not).
 */
const COUNT_FRAMES = `window.framesIn = 0;
  for (const type of [WebSocket, MessagePort]) {
    const handler = Object.getOwnPropertyDescriptor(type.prototype, 'onmessage');
    Object.defineProperty(type.prototype, 'onmessage', { ...handler, set(listener) {
      handler.set.call(this, listener && ((event) => {
        if (type === WebSocket || (typeof event.data === 'object' && event.data !== null && 'l' in event.data)) window.framesIn++;
        return listener.call(this, event);
      }));
    } });
  }`;

/** Opens `count` pages of one kind on `source` in `context`, each in a window of its own and warmed up (every key shown). */
async function openPages(context: BrowserContext, source: TopicFeed, share: boolean, count = 1): Promise<MeasuredPage[]> {
  const opened: MeasuredPage[] = [];
  for (let i = 0; i < count; i++) {
    const page = await openMeasuredPage(context, pageUrl(source, share), { type: 'window' }, COUNT_FRAMES);
    await warmUp(page, source);
    opened.push(page);
  }
  return opened;
}

/** Waits until every page shows the run's last value for every key. */
async function drain(opened: MeasuredPage[], run: FeedRun): Promise<number[]> {
  await Promise.all(opened.map((page) => pollUntil(async () => (await mismatches(page, run.expected)) === 0, DRAIN_TIMEOUT_MS, 50)));
  return Promise.all(opened.map((page) => mismatches(page, run.expected)));
}

/** The CDP session of the context's shared worker. */
async function sharedWorkerSession(context: BrowserContext): Promise<CDPSession> {
  const target = await context.waitForTarget((candidate) => candidate.type() === TargetType.SHARED_WORKER, { timeout: 10_000 });
  return target.createCDPSession();
}

interface MemoryRun {
  share: boolean;
  tabs: HeapUsage[];
  worker: HeapUsage | undefined;
  /** Sockets the pages opened to the server. */
  sockets: number;
  isolates: number;
  stale: number;
}

async function measureMemory(share: boolean): Promise<MemoryRun> {
  const context = await browser.createBrowserContext();
  try {
    const socketsBefore = feed.connectionsOpened();
    const opened = await openPages(context, feed, share, tabCount);
    const stale = (await drain(opened, await feed.run(rate, durationMs))).reduce((sum, count) => sum + count, 0);
    const tabs: HeapUsage[] = [];
    for (const page of opened) tabs.push(await heapAfterGc(page.cdp));
    let worker: HeapUsage | undefined;
    if (share) {
      const session = await sharedWorkerSession(context);
      worker = await heapAfterGc(session);
      await session.detach();
    }
    return { share, tabs, worker, sockets: feed.connectionsOpened() - socketsBefore, isolates: await isolates(opened), stale };
  } finally {
    await context.close();
  }
}

interface LatencyResult {
  p50: number;
  p95: number;
  p99: number;
  shown: number;
  stale: number;
  /** Share (0..1) of the run's wall time the page's main thread was busy. */
  busy: number;
  /** Frames (socket or port messages) the page received during the run. */
  frames: number;
}

/** Both kinds of page open at once, on the same topic and the same updates; `sharedFirst` says which opens first. */
async function measureLatency(sharedFirst: boolean): Promise<{ own: LatencyResult; shared: LatencyResult }> {
  const context = await browser.createBrowserContext();
  try {
    const [first] = await openPages(context, latencyFeed, sharedFirst);
    const [second] = await openPages(context, latencyFeed, !sharedFirst);
    const framesIn = () => Promise.all([first, second].map((page) => page.page.evaluate('window.framesIn') as Promise<number>));
    const framesBefore = await framesIn();
    const busyBefore = await Promise.all([first, second].map(async (page) => (await rendererTimes(page.cdp)).task));
    const wallBefore = wallNow();
    const run = await latencyFeed.run(rate, durationMs);
    const busyAfter = await Promise.all([first, second].map(async (page) => (await rendererTimes(page.cdp)).task));
    const wall = wallNow() - wallBefore;
    const framesAfter = await framesIn();
    const stale = await drain([first, second], run);
    const result = async (page: MeasuredPage, index: number): Promise<LatencyResult> => {
      const { dom } = await latencies(page, run);
      return {
        p50: quantile(dom, 0.5), p95: quantile(dom, 0.95), p99: quantile(dom, 0.99), shown: dom.length, stale: stale[index],
        busy: (busyAfter[index] - busyBefore[index]) / wall,
        frames: framesAfter[index] - framesBefore[index],
      };
    };
    const [shared, own] = sharedFirst ? [await result(first, 0), await result(second, 1)] : [await result(second, 1), await result(first, 0)];
    return { own, shared };
  } finally {
    await context.close();
  }
}

const mb = (bytes: number, digits = 2) => fixed(bytes / MB, digits);
const sum = (heaps: HeapUsage[], read: (heap: HeapUsage) => number) => heaps.reduce((total, heap) => total + read(heap), 0);
const all = (run: MemoryRun) => (run.worker ? [...run.tabs, run.worker] : run.tabs);

try {
  const memory: MemoryRun[] = [];
  const latency: Array<{ own: LatencyResult; shared: LatencyResult }> = [];
  for (let run = 0; run < runs; run++) {
    // Alternate the order, so that a load that rises during a run does not always hit the same variant.
    for (const share of run % 2 === 0 ? [false, true] : [true, false]) {
      console.error(`run ${run + 1}: memory, ${share ? 'shared' : 'own sockets'}…`);
      memory.push(await measureMemory(share));
    }
    console.error(`run ${run + 1}: latency…`);
    latency.push(await measureLatency(run % 2 === 1));
  }

  console.log(`shared-tabs: ${tabCount} pages × ${keys} elements on the firehose topic, ${rate} updates/s for ${durationMs} ms `
    + `before each reading, ${runs} runs, ${runContext()}\n`);
  console.log('Memory after a full GC in every page and the worker, MB (JS heap; in brackets Blink\'s heap of DOM objects):\n');
  console.log(markdownTable(
    ['run', 'variant', 'sockets', 'page isolates', 'each page\'s JS heap', 'pages\' JS heap', 'worker JS heap', 'total JS heap', 'total with Blink heap', 'stale'],
    memory.map((result, index) => [
      String(Math.floor(index / 2) + 1), result.share ? 'share="tabs"' : 'own sockets', String(result.sockets), String(result.isolates),
      result.tabs.map((heap) => mb(heap.js)).join(' / '), mb(sum(result.tabs, (heap) => heap.js)),
      result.worker ? `${mb(result.worker.js)} (${mb(result.worker.embedder)})` : '—',
      mb(sum(all(result), (heap) => heap.js)), mb(sum(all(result), (heap) => heap.js + heap.embedder)), String(result.stale),
    ]),
  ));
  const pairs = Array.from({ length: runs }, (_, run) => memory.slice(run * 2, run * 2 + 2))
    .map((pair) => ({ own: pair.find((result) => !result.share)!, shared: pair.find((result) => result.share)! }));
  console.log(`\n- total JS heap, shared over own sockets: ${pairs.map(({ own, shared }) => ratio(
    sum(all(shared), (heap) => heap.js), sum(all(own), (heap) => heap.js))).join(', ')}`);
  console.log(`- pages' JS heap alone, shared over own sockets: ${pairs.map(({ own, shared }) => ratio(
    sum(shared.tabs, (heap) => heap.js), sum(own.tabs, (heap) => heap.js))).join(', ')}`);
  console.log(`- worker JS heap over the ${tabCount} own-socket pages' JS heap: ${pairs.map(({ own, shared }) => ratio(
    shared.worker?.js ?? Number.NaN, sum(own.tabs, (heap) => heap.js))).join(', ')}`);

  console.log(`\nSend-to-DOM latency at ${rate} updates/s to ${latencyKeys} elements, one page of each kind open at once, ms:\n`);
  console.log(markdownTable(
    ['run', 'page', 'p50', 'p95', 'p99', 'values shown', 'stale', 'main thread busy %', 'frames received'],
    latency.flatMap(({ own, shared }, run) => [['own socket', own], ['share="tabs"', shared]].map(([name, result]) => {
      const { p50, p95, p99, shown, stale, busy, frames } = result as LatencyResult;
      return [String(run + 1), name as string, fixed(p50), fixed(p95), fixed(p99), String(shown), String(stale), fixed(busy * 100), String(frames)];
    })),
  ));
  for (const [run, { own, shared }] of latency.entries()) {
    const gap = shared.p99 - own.p99;
    console.log(`- run ${run + 1}: shared p99 within one frame (${fixed(FRAME_MS)} ms) of its own socket's: ${verdict(gap <= FRAME_MS, `${fixed(gap)} ms more`)}`);
  }
} finally {
  await browser.close();
  await feed.close();
  if (latencyFeed !== feed) await latencyFeed.close();
  await pages.close();
}
