/**
 * Benchmark 4: browsers computing for the server. The demo's 64-tile
 * Mandelbrot job (demo/public/workers/mandelbrot.js) handed out through a
 * `tasks/<name>` queue to 1, 2 and 4 `<ws-worker>` pages (concurrency 1 each)
 * in one headless Chromium, against the same 64 tiles computed one after
 * another in this Node process, in the same run. Then the protocol's overhead
 * per task: the round trip of an empty task, submitted one at a time.
 *
 *   npx tsx bench/compute.ts [--size 512] [--zoom 30] [--rounds 2] [--empty 200]
 */
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { createServer, type ReferenceServer } from '../server/server.js';
import { launchBrowser } from './support/browser.js';
import { startPageServer, type PageServer } from './support/page-server.js';
import { runContext } from './support/report.js';
import { fixed, markdownTable, pollUntil, quantile, ratio } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '512' },
    zoom: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '2' },
    empty: { type: 'string', default: '200' },
  },
});
const GRID = 8;
const view = { x: -0.745, y: 0.11, zoom: Number(args.zoom), size: Number(args.size) };
const tiles = Array.from({ length: GRID * GRID }, (_, tile) => ({ job: 1, tile, grid: GRID, iterations: 256, ...view }));
const rounds = Number(args.rounds);

type TileRenderer = (input: unknown, context: { signal: AbortSignal; progress(value: number): void }) => Promise<string>;
const MODULE_PATH = '../demo/public/workers/mandelbrot.js';
const renderTile = ((await import(MODULE_PATH)) as { default: TileRenderer }).default;

/** The 64 tiles one after another in this process: the baseline. */
async function inNode(): Promise<number> {
  const started = performance.now();
  const signal = new AbortController().signal;
  for (const input of tiles) await renderTile(input, { signal, progress: () => undefined });
  return performance.now() - started;
}

/** Opens `count` worker pages on `topic` and waits until each has offered itself. */
async function openWorkers(browser: Browser, pages: PageServer, server: ReferenceServer, topic: string, module: string, count: number): Promise<Page[]> {
  const opened: Page[] = [];
  for (let n = 0; n < count; n++) {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${String(error)}`));
    const query = new URLSearchParams({ src: server.url, topic, module, concurrency: '1' });
    await page.goto(`${pages.origin}/worker.html?${query.toString()}`, { waitUntil: 'load' });
    opened.push(page);
  }
  const ready = await pollUntil(async () => {
    const states: (string | null)[] = await Promise.all(opened.map((page) => page.$eval('ws-worker', (worker: { getAttribute(name: string): string | null }) => worker.getAttribute('state'))));
    return states.every((state) => state === 'idle');
  }, 20000);
  if (!ready) throw new Error(`${count} worker pages never became idle`);
  // Their `work` messages are on the wire once `idle` shows; give the server a moment to have them all.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return opened;
}

/** Wall time of the 64 tiles through the queue. */
async function throughQueue(server: ReferenceServer, topic: string): Promise<number> {
  const started = performance.now();
  await Promise.all(tiles.map((input) => server.submit(topic, input)));
  return performance.now() - started;
}

const server = await createServer({ port: 0, feeds: ['tasks'] });
const pages = await startPageServer();
const browser = await launchBrowser();
const rows: string[][] = [];
let emptyRoundTrips: number[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const node = await inNode();
    rows.push([`${round}`, 'one Node process, one tile after another', fixed(node, 0), fixed(64_000 / node, 1), '1.00×']);
    for (const count of [1, 2, 4]) {
      const topic = `tasks/bench-${round}-${count}`;
      const workers = await openWorkers(browser, pages, server, topic, '/workers/mandelbrot.js', count);
      const ms = await throughQueue(server, topic);
      rows.push([`${round}`, `${count} <ws-worker> page${count > 1 ? 's' : ''}`, fixed(ms, 0), fixed(64_000 / ms, 1), ratio(node, ms)]);
      await Promise.all(workers.map((page) => page.close()));
    }
  }
  const [page] = await openWorkers(browser, pages, server, 'tasks/empty', '/empty-task.js', 1);
  for (let n = 0; n < Number(args.empty); n++) {
    const started = performance.now();
    await server.submit('tasks/empty', n);
    emptyRoundTrips.push(performance.now() - started);
  }
  await page.close();
} finally {
  await browser.close();
  await pages.close();
  await server.close();
}

// The first empty tasks also start the Web Worker and import the module: report them apart.
const [first, ...rest] = emptyRoundTrips;
emptyRoundTrips = rest;
console.log(`Run: ${runContext()}; view ${JSON.stringify(view)}, 64 tiles of ${view.size / GRID}² pixels\n`);
console.log(markdownTable(['round', 'computed by', 'wall ms', 'tiles/s', 'speed vs Node'], rows));
console.log(`\nEmpty task round trip (server.submit → task → Web Worker → result → resolved), ${emptyRoundTrips.length} tasks one at a time:`);
console.log(markdownTable(['first task (starts the Web Worker)', 'p50 ms', 'p90 ms', 'p99 ms'], [[
  fixed(first, 1), fixed(quantile(emptyRoundTrips, 0.5), 2), fixed(quantile(emptyRoundTrips, 0.9), 2), fixed(quantile(emptyRoundTrips, 0.99), 2),
]]));
