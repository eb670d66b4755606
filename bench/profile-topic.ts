/**
 * Where benchmark 3's page spends its time: the same page and feed as
 * bench/browser-topic.ts (1,000 `<ws-bind topic="firehose">`, packed frames
 * from the reference server), with the library bundled unminified so
 * functions keep their names. From the first send until the page shows
 * every last value (at most `--drain-wait` ms more) it records a V8 CPU
 * profile (CDP `Profiler`) and prints JavaScript self time per function and
 * per module, and which stage of the message path that time is in. With
 * `--trace` it also records a `devtools.timeline` trace and prints the
 * renderer main thread's time by trace event (script, layout, paint…); the
 * trace instruments every event dispatch, so it inflates `dispatchEvent` in
 * the profile: read function shares from a run without it.
 *
 *   npx tsx bench/profile-topic.ts [--rate 50000] [--duration 3000] [--keys 1000] [--max-buffer BYTES] [--pack-ms MS]
 *                                  [--interval 250] [--drain-wait 5000] [--top 25] [--trace]
 */
import { parseArgs } from 'node:util';
import { launchBrowser, openMeasuredPage } from './support/browser.js';
import { summariseProfile, timeByModule, type FunctionTime, type ProfileSummary } from './support/cpu-profile.js';
import { startPageServer } from './support/page-server.js';
import { mismatches, warmUp } from './support/page-run.js';
import { summariseTrace } from './support/trace-summary.js';
import { runContext } from './support/report.js';
import { fixed, markdownTable, pollUntil } from './support/stats.js';
import { FIREHOSE_TOPIC, TopicFeed } from './support/topic-feed.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '50000' },
    duration: { type: 'string', default: '3000' },
    keys: { type: 'string', default: '1000' },
    'max-buffer': { type: 'string' },
    'pack-ms': { type: 'string' },
    interval: { type: 'string', default: '250' },
    top: { type: 'string', default: '25' },
    'drain-wait': { type: 'string', default: '5000' },
    trace: { type: 'boolean', default: false },
  },
});
const rate = Number(args.rate);
const durationMs = Number(args.duration);
const keys = Number(args.keys);
const maxBuffer = args['max-buffer'] === undefined ? undefined : Number(args['max-buffer']);
const packMs = args['pack-ms'] === undefined ? undefined : Number(args['pack-ms']);
const samplingMicros = Number(args.interval);
const top = Number(args.top);
/** Profiling stops this long after the last send even if the page has not caught up, so it stays about the feed. */
const drainWaitMs = Number(args['drain-wait']);
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

/** The stages of the message path (STYLE.md, "The way a message travels") and the modules whose time is theirs. */
const STAGES: Record<string, string[]> = {
  'connection: JSON.parse, unpack, positions': ['src/core/connection.ts', 'src/core/topic-session.ts', 'src/core/protocol.ts', 'src/core/topics.ts', 'src/core/transport.ts'],
  'routing: index, match': ['src/core/router.ts', 'src/core/condition.ts', 'src/core/match.ts'],
  'binding: select, positions': ['src/core/binding.ts', 'src/core/path.ts'],
  scheduler: ['src/core/scheduler.ts'],
  'DOM writes (render.ts)': ['src/core/render.ts', 'src/core/content.ts', 'src/core/text.ts', 'src/core/format.ts'],
  'ws-update events (emit, CustomEvent, dispatchEvent)': ['src/core/events.ts'],
  'element callbacks (ws-bind.ts: accept, queue, write, state)': ['src/elements/', 'src/core/bind-controller.ts', 'src/core/element-state.ts', 'src/core/element-base.ts'],
  lit: ['node_modules/lit', 'node_modules/@lit'],
  'benchmark recorder (both pages pay it)': ['recorder.js'],
};

/** A native function's time belongs to the stage of the function that called it. */
function stageOf({ module, callerModule }: FunctionTime): string {
  const owner = module === '(native)' ? callerModule ?? '(native)' : module;
  const found = Object.entries(STAGES).find(([, prefixes]) => prefixes.some((prefix) => owner.startsWith(prefix)));
  return found?.[0] ?? owner;
}

const percent = (part: number, whole: number) => `${fixed((part / whole) * 100)} %`;

function printTrace(trace: Uint8Array): void {
  const traceTimes = summariseTrace(new TextDecoder().decode(trace));
  const busy = traceTimes.reduce((sum, { selfMs }) => sum + selfMs, 0);
  console.log(`Renderer main thread by trace event (self time; ${fixed(busy, 0)} ms busy in all):\n`);
  console.log(markdownTable(['trace event', 'count', 'self ms', 'share of busy'], traceTimes.slice(0, top).map(({ name, count, selfMs }) => [
    name, String(count), fixed(selfMs, 0), percent(selfMs, busy),
  ])));
  console.log('');
}

function printProfile(summary: ProfileSummary): void {
  const share = (ms: number) => percent(ms, summary.scriptMs);
  console.log(`\nCPU profile: ${fixed(summary.totalMs, 0)} ms sampled; JavaScript ${fixed(summary.scriptMs, 0)} ms, `
    + `renderer native "(program)" ${fixed(summary.programMs, 0)} ms, GC ${fixed(summary.garbageMs, 0)} ms, idle ${fixed(summary.idleMs, 0)} ms\n`);
  console.log(`Top ${top} functions by self time (share of JavaScript time):\n`);
  console.log(markdownTable(['function', 'module', 'self ms', 'share'], summary.functions.slice(0, top).map((entry) => [
    entry.functionName, entry.caller ? `(native), called by ${entry.caller}` : entry.module, fixed(entry.selfMs), share(entry.selfMs),
  ])));
  console.log('\nSelf time by module:\n');
  console.log(markdownTable(['module', 'self ms', 'share'], timeByModule(summary.functions).slice(0, top).map(({ module, selfMs }) => [
    module, fixed(selfMs), share(selfMs),
  ])));
  const stages = new Map<string, number>();
  for (const entry of summary.functions) stages.set(stageOf(entry), (stages.get(stageOf(entry)) ?? 0) + entry.selfMs);
  console.log('\nSelf time by stage of the message path:\n');
  console.log(markdownTable(['stage', 'self ms', 'share'], [...stages].sort((a, b) => b[1] - a[1]).map(([stage, ms]) => [
    stage, fixed(ms), share(ms),
  ])));
}

const pages = await startPageServer({ minify: false });
const feed = await TopicFeed.start(keys, maxBuffer, packMs);
const browser = await launchBrowser();
try {
  const query = `n=${keys}&src=${encodeURIComponent(feed.url)}&topic=${FIREHOSE_TOPIC}&keyPrefix=${feed.keyPrefix}`;
  const measured = await openMeasuredPage(browser, `${pages.origin}/bind.html?${query}`);
  await warmUp(measured, feed);
  const { cdp } = measured;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: samplingMicros });
  const openedBefore = feed.connectionsOpened();
  if (args.trace) await measured.page.tracing.start({ categories: TRACE_CATEGORIES });
  await cdp.send('Profiler.start');
  const run = await feed.run(rate, durationMs);
  const drainStart = Date.now();
  const drained = await pollUntil(async () => (await mismatches(measured, run.expected)) === 0, drainWaitMs, 20);
  const drainMs = Date.now() - drainStart;
  const { profile } = await cdp.send('Profiler.stop');
  const trace = args.trace ? await measured.page.tracing.stop() : undefined;
  const reconnects = feed.connectionsOpened() - openedBefore;

  console.log(`profile-topic: ${keys} elements, ${rate} updates/s for ${durationMs} ms, server max buffer ${maxBuffer ?? 'default'}, `
    + `pack ms ${packMs ?? 'default'}, sampling ${samplingMicros} µs, library unminified${args.trace ? ', with trace' : ''}, ${runContext()}`);
  console.log(`page ${drained ? `drained ~${drainMs} ms after the last send` : `NOT drained ${drainWaitMs} ms after the last send`}, `
    + `reconnects ${reconnects}\n`);
  if (trace) printTrace(trace);
  printProfile(summariseProfile(profile, pages.library));
} finally {
  await browser.close();
  await feed.close();
  await pages.close();
}
