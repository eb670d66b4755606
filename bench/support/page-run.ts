/**
 * Runs one page against one feed at one rate and measures what the user
 * would see: main-thread busy share, send-to-DOM latency, drain time after
 * the last send, and elements left stale.
 */
import type { Browser } from 'puppeteer-core';
import { openMeasuredPage, rendererTimes, type MeasuredPage } from './browser.js';
import type { Feed, FeedRun } from './feed.js';
import { pollUntil, quantile, wallNow } from './stats.js';

/** The measurements of one page at one rate. */
export interface PageResult {
  /** Updates per second actually achieved by the sender. */
  sentRate: number;
  /** Share (0..1) of wall time the renderer main thread spent in tasks while the feed ran. */
  busyShare: number;
  /** Main-thread task time from the first send until drained (or the drain wait ended), ms. */
  busyMs: number;
  /** Of that, time in script and in style plus layout, ms. */
  scriptMs: number;
  layoutMs: number;
  /** Send-to-DOM latency of every value the page showed (MutationObserver time), ms. */
  latencyP50: number;
  latencyP99: number;
  /** Send-to-screen latency: the same, up to the end of the first frame rendered after the DOM change, ms. */
  paintP50: number;
  paintP99: number;
  /** Values the page showed during the run (the rest were overwritten before a render). */
  shown: number;
  /** ms from the last send until every element showed its last value; NaN when it never did. */
  drainMs: number;
  /** Elements not showing their last value when the drain wait ended. */
  stale: number;
  /** Times the page's socket was replaced during the run (e.g. closed by the server as a slow client). */
  reconnects: number;
}

/** How long a page may take to show every last value before it is counted stale. */
export const DRAIN_TIMEOUT_MS = 30_000;
const WARM_UP_ATTEMPTS = 10;

const evaluate = <T>(measured: MeasuredPage, expression: string) => measured.page.evaluate(expression) as Promise<T>;

/** Gives every key a value and waits until the page shows them all, resending while subscriptions settle. */
export async function warmUp(measured: MeasuredPage, feed: Feed): Promise<void> {
  await evaluate(measured, 'window.bench.ready');
  await feed.waitForPage();
  let missing = Number.NaN;
  for (let attempt = 0; attempt < WARM_UP_ATTEMPTS; attempt++) {
    const expected = await feed.warmUp();
    if (await pollUntil(async () => (missing = await mismatches(measured, expected)) === 0, 2000, 100)) {
      await evaluate(measured, 'window.bench.resetLog()');
      return;
    }
  }
  throw new Error(`warm-up failed: ${missing} elements never showed their value`);
}

/** How many elements do not show their `expected` value right now. */
export function mismatches(measured: MeasuredPage, expected: number[]): Promise<number> {
  return evaluate<number>(measured, `window.bench.mismatches(${JSON.stringify(expected)})`);
}

/** The first of the ascending `times` at or after `time`, or NaN when none is. */
function firstAtOrAfter(times: number[], time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle] < time) low = middle + 1;
    else high = middle;
  }
  return low < times.length ? times[low] : Number.NaN;
}

/** Latency to the DOM and to the next rendered frame of every value of this run the page showed. */
export async function latencies(measured: MeasuredPage, run: FeedRun): Promise<{ dom: number[]; paint: number[] }> {
  const log = await evaluate<{ values: number[]; times: number[]; paintTimes: number[] }>(measured, 'window.bench.log()');
  const dom: number[] = [];
  const paint: number[] = [];
  log.values.forEach((value, index) => {
    const sentAt = run.sentAt(value);
    if (sentAt === undefined) return;
    dom.push(log.times[index] - sentAt);
    const paintedAt = firstAtOrAfter(log.paintTimes, log.times[index]);
    if (!Number.isNaN(paintedAt)) paint.push(paintedAt - sentAt);
  });
  return { dom, paint };
}

/** Opens `url`, warms it up, runs `feed` at `rate` for `durationMs`, measures, and closes the page. */
export async function measurePage(browser: Browser, url: string, feed: Feed, rate: number, durationMs: number): Promise<PageResult> {
  const measured = await openMeasuredPage(browser, url);
  try {
    await warmUp(measured, feed);
    const openedBefore = feed.connectionsOpened();
    const before = await rendererTimes(measured.cdp);
    const wallBefore = wallNow();
    const run = await feed.run(rate, durationMs);
    const busyShare = ((await rendererTimes(measured.cdp)).task - before.task) / (wallNow() - wallBefore);
    const drained = await pollUntil(async () => (await mismatches(measured, run.expected)) === 0, DRAIN_TIMEOUT_MS, 20);
    const after = await rendererTimes(measured.cdp);
    const stale = drained ? 0 : await mismatches(measured, run.expected);
    const lastChange = await evaluate<number>(measured, 'window.bench.lastChange()');
    const shown = await latencies(measured, run);
    return {
      sentRate: (run.sent / Math.max(1, run.lastSendAt - run.firstSendAt)) * 1000,
      busyShare,
      busyMs: after.task - before.task,
      scriptMs: after.script - before.script,
      layoutMs: after.layout - before.layout,
      latencyP50: quantile(shown.dom, 0.5),
      latencyP99: quantile(shown.dom, 0.99),
      paintP50: quantile(shown.paint, 0.5),
      paintP99: quantile(shown.paint, 0.99),
      shown: shown.dom.length,
      drainMs: drained ? Math.max(0, lastChange - run.lastSendAt) : Number.NaN,
      stale,
      reconnects: feed.connectionsOpened() - openedBefore,
    };
  } finally {
    await measured.page.close();
  }
}
