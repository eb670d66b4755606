/**
 * Benchmark: a 1,000-row table bound to a state topic, fed per-row merge
 * patches at 10k/s, rendered two ways in the same run: through a keyed
 * `<template each=".">` (lit updates only the parts whose value changed), and
 * by re-rendering the whole table from the state every frame. Reports DOM
 * writes per frame (nodes inserted or removed, texts and attributes changed,
 * as a MutationObserver sees them), main-thread busy time, and whether the
 * final table equals the final state.
 *
 * The topic server is a small one written here (welcome, snapshot, subscribed,
 * then patches packed in one frame per 5 ms tick), so the page's cost is all
 * that differs between the two runs.
 *
 *   npx tsx bench/browser-table.ts [--rows 1000] [--rate 10000] [--duration 3000]
 */
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { launchBrowser, openMeasuredPage, rendererTimes } from './support/browser.js';
import { startPageServer } from './support/page-server.js';
import { runContext, verdict } from './support/report.js';
import { delay, fixed, markdownTable, pollUntil, ratio } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '3000' },
  },
});
const rowCount = Number(args.rows);
const rate = Number(args.rate);
const durationMs = Number(args.duration);
const TICK_MS = 5;
const TOPIC = 'rows';

interface Row { name: string; v: number }

/** A topic server with one state topic of `rowCount` rows; `stream` sends per-row patches to every page. */
class RowsServer {
  readonly state: Record<string, Row> = {};
  private position = 0;
  private readonly sockets = new Set<WebSocket>();

  private constructor(private readonly wss: WebSocketServer) {
    for (let row = 0; row < rowCount; row++) this.state[`r${row}`] = { name: `row ${row}`, v: 0 };
    wss.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.send(JSON.stringify({ type: 'welcome', id: 'bench', resume: 'bench' }));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; topic?: string };
        if (message.type === 'subscribe' && message.topic === TOPIC) {
          const pos = `b:${this.position}`;
          socket.send(JSON.stringify([
            { type: 'snapshot', topic: TOPIC, pos, data: this.state },
            { type: 'subscribed', topic: TOPIC, pos, recovered: true },
          ]));
        }
      });
    });
  }

  static async start(): Promise<RowsServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    return new RowsServer(wss);
  }

  get url(): string {
    const address = this.wss.address();
    return `ws://127.0.0.1:${address !== null && typeof address === 'object' ? address.port : 0}/`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends `rate` patches a second for `durationMs`, each to one pseudo-random row; resolves to the patches sent. */
  async stream(): Promise<number> {
    let sent = 0;
    let seed = 12345;
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      const batch = [];
      for (; sent < due; sent++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const key = `r${seed % rowCount}`;
        this.position++;
        this.state[key] = { ...this.state[key], v: this.position };
        batch.push({ type: 'patch', topic: TOPIC, pos: `b:${this.position}`, data: { [key]: { v: this.position } } });
      }
      if (batch.length > 0) {
        const frame = JSON.stringify(batch);
        for (const socket of this.sockets) socket.send(frame);
      }
      await delay(TICK_MS);
    }
    return sent;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

interface TableResult {
  writesPerFrame: number;
  frames: number;
  busyMs: number;
  scriptMs: number;
  layoutMs: number;
  drainMs: number;
  wrongRows: number;
}

async function measure(render: 'keyed' | 'rebuild', pages: { origin: string }, browser: Awaited<ReturnType<typeof launchBrowser>>): Promise<TableResult> {
  const server = await RowsServer.start();
  const { page, cdp } = await openMeasuredPage(browser, `${pages.origin}/table.html?render=${render}&src=${encodeURIComponent(server.url)}`);
  try {
    await page.evaluate(() => (globalThis as unknown as { bench: { ready: Promise<unknown> } }).bench.ready);
    const loaded = await pollUntil(async () => Object.keys(await page.evaluate(() =>
      (globalThis as unknown as { bench: { shown(): object } }).bench.shown())).length === rowCount, 20_000);
    if (!loaded) throw new Error(`${render}: the table never showed ${rowCount} rows`);
    await page.evaluate(() => (globalThis as unknown as { bench: { start(): void } }).bench.start());
    const before = await rendererTimes(cdp);
    await server.stream();
    const sentAt = performance.now();
    const expected = Object.fromEntries(Object.entries(server.state).map(([key, row]) => [key, String(row.v)]));
    const wrong = async (): Promise<number> => {
      const shown = await page.evaluate(() => (globalThis as unknown as { bench: { shown(): Record<string, string> } }).bench.shown());
      return Object.keys(expected).filter((key) => shown[key] !== expected[key]).length;
    };
    const drained = await pollUntil(async () => (await wrong()) === 0, 30_000, 20);
    const drainMs = drained ? performance.now() - sentAt : Number.NaN;
    const after = await rendererTimes(cdp);
    const { writes, frames } = await page.evaluate(() =>
      (globalThis as unknown as { bench: { stop(): { writes: number; frames: number } } }).bench.stop());
    // Frames that rendered while the patches arrived and drained; a busy main thread renders fewer.
    return {
      writesPerFrame: writes / Math.max(frames, 1),
      frames,
      busyMs: after.task - before.task,
      scriptMs: after.script - before.script,
      layoutMs: after.layout - before.layout,
      drainMs,
      wrongRows: await wrong(),
    };
  } finally {
    await page.close();
    await server.close();
  }
}

const pages = await startPageServer();
const browser = await launchBrowser();
try {
  console.error('re-rendering the whole table each frame…');
  const rebuild = await measure('rebuild', pages, browser);
  console.error('keyed template…');
  const keyed = await measure('keyed', pages, browser);
  console.log(`browser-table: ${rowCount} rows, ${rate} patches/s for ${durationMs} ms, ${runContext()}\n`);
  const row = (name: string, result: TableResult): string[] => [
    name, fixed(result.writesPerFrame), String(result.frames), fixed(result.busyMs), fixed(result.scriptMs), fixed(result.layoutMs),
    Number.isNaN(result.drainMs) ? 'never' : fixed(result.drainMs), String(result.wrongRows),
  ];
  console.log(markdownTable(
    ['render', 'DOM writes / frame', 'frames', 'main thread busy ms', 'script ms', 'style+layout ms', 'drain ms', 'rows wrong at end'],
    [row('whole table each frame (baseline)', rebuild), row('keyed template', keyed)],
  ));
  console.log(`\n- DOM writes per frame, keyed / baseline: ${ratio(keyed.writesPerFrame, rebuild.writesPerFrame)}`);
  console.log(`- main-thread busy time, keyed / baseline: ${ratio(keyed.busyMs, rebuild.busyMs)}`);
  console.log(`- final table equals the final state: ${verdict(keyed.wrongRows === 0 && rebuild.wrongRows === 0, `keyed ${keyed.wrongRows}, baseline ${rebuild.wrongRows} rows wrong`)}`);
} finally {
  await browser.close();
  await pages.close();
}
