/**
 * Headless Debian Chromium for the browser benchmarks, driven through
 * puppeteer-core, with the main thread's busy time read from CDP.
 */
import puppeteer, { type Browser, type BrowserContext, type CDPSession, type CreatePageOptions, type Page } from 'puppeteer-core';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Starts the system Chromium headless. */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Collects what a user would only see in the console, as lines of text: uncaught errors and console errors. */
export function recordPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** A page plus the CDP session that reads its renderer's task time. */
export interface MeasuredPage {
  page: Page;
  cdp: CDPSession;
}

/**
 * Opens `url` in a fresh page (of the default or the given context) with CDP performance metrics enabled; page errors
 * are printed. Pages that must all render at once need `{ type: 'window' }`: a tab behind another gets no frames.
 * `beforeLoad` is a script run in the page before any of its own.
 */
export async function openMeasuredPage(
  browser: Browser | BrowserContext, url: string, options?: CreatePageOptions, beforeLoad?: string,
): Promise<MeasuredPage> {
  const page = await browser.newPage(options);
  if (beforeLoad) await page.evaluateOnNewDocument(beforeLoad);
  page.on('pageerror', (error) => console.error(`page error: ${String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') console.error(`page ${message.type()}: ${message.text()}`);
  });
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.goto(url, { waitUntil: 'load' });
  return { page, cdp };
}

/** The renderer main thread's cumulative time so far, in ms: all tasks, script, and style plus layout. */
export interface RendererTimes {
  task: number;
  script: number;
  layout: number;
}

/** Reads the renderer's cumulative task, script and style+layout time. */
export async function rendererTimes(cdp: CDPSession): Promise<RendererTimes> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return {
    task: seconds('TaskDuration') * 1000,
    script: seconds('ScriptDuration') * 1000,
    layout: (seconds('LayoutDuration') + seconds('RecalcStyleDuration')) * 1000,
  };
}

/** One JavaScript heap after a full GC, in bytes: V8's own objects, and the embedder's (Blink's DOM objects). */
export interface HeapUsage {
  js: number;
  embedder: number;
}

/**
 * Collects garbage in the target of `cdp` (a page or a worker), then reads its isolate's heap. An isolate holds
 * every page of its renderer process: the benchmarks check each page has one of its own (`Runtime.getIsolateId`).
 */
export async function heapAfterGc(cdp: CDPSession): Promise<HeapUsage> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize };
}
