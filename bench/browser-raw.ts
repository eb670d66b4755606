/**
 * Benchmark 1: 1,000 `<ws-bind match="k=N" select="v">` on one raw socket
 * against a baseline page that sets textContent from a raw WebSocket, same
 * spans, same messages (one update per frame), at 1k, 10k and 50k msgs/s.
 *
 *   npx tsx bench/browser-raw.ts [--duration 3000] [--rates 1000,10000,50000] [--keys 1000]
 */
import { parseArgs } from 'node:util';
import { launchBrowser } from './support/browser.js';
import { startPageServer } from './support/page-server.js';
import { measurePage } from './support/page-run.js';
import { RawFeed } from './support/raw-feed.js';
import { comparisonTable, drainOrInfinity, runContext, verdict, type Comparison } from './support/report.js';
import { fixed } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3000' },
    rates: { type: 'string', default: '1000,10000,50000' },
    keys: { type: 'string', default: '1000' },
  },
});
const durationMs = Number(args.duration);
const rates = args.rates.split(',').map(Number);
const keys = Number(args.keys);

function targets(comparisons: Comparison[]): string[] {
  const lines: string[] = [];
  for (const { rate, label, baseline, candidate } of comparisons) {
    if (rate <= 1000) {
      const gap = candidate.latencyP99 - baseline.latencyP99;
      const paintGap = candidate.paintP99 - baseline.paintP99;
      lines.push(`- ${label} DOM p99 within 16 ms of baseline: ${verdict(gap <= 16, `${fixed(gap)} ms more`)}`);
      lines.push(`- ${label} paint p99 within 16 ms of baseline: ${verdict(paintGap <= 16, `${fixed(paintGap)} ms more`)}`);
    } else {
      const limit = drainOrInfinity(baseline) * 1.2;
      const met = drainOrInfinity(candidate) <= limit;
      lines.push(`- ${label} drain ≤ 1.2× baseline: ${verdict(met, `${fixed(candidate.drainMs)} vs limit ${fixed(limit)} ms`)}`);
    }
    lines.push(`- ${label} zero stale: ${verdict(candidate.stale === 0, `${candidate.stale} stale`)}`);
    lines.push(`- ${label} busy ≤ baseline: ${verdict(candidate.busyShare <= baseline.busyShare,
      `${fixed(candidate.busyShare * 100)}% vs ${fixed(baseline.busyShare * 100)}%`)}`);
  }
  return lines;
}

const pages = await startPageServer();
const feed = await RawFeed.start(keys);
const browser = await launchBrowser();
try {
  const comparisons: Comparison[] = [];
  for (const rate of rates) {
    const label = `${rate / 1000}k/s`;
    const query = `n=${keys}&src=${encodeURIComponent(feed.url)}`;
    console.error(`${label}: baseline…`);
    const baseline = await measurePage(browser, `${pages.origin}/baseline.html?${query}`, feed, rate, durationMs);
    feed.disconnectAll();
    console.error(`${label}: ws-bind…`);
    const candidate = await measurePage(browser, `${pages.origin}/bind.html?${query}`, feed, rate, durationMs);
    feed.disconnectAll();
    comparisons.push({ rate, label, baseline, candidate });
  }
  console.log(`browser-raw: ${keys} elements, ${durationMs} ms per rate, ${runContext()}\n`);
  console.log(comparisonTable(comparisons, 'ws-bind'));
  console.log(`\n${targets(comparisons).join('\n')}`);
} finally {
  await browser.close();
  await feed.close();
  await pages.close();
}
