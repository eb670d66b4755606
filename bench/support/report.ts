/** Prints a page-versus-baseline comparison as Markdown. */
import { loadavg } from 'node:os';
import { DRAIN_TIMEOUT_MS, type PageResult } from './page-run.js';
import { fixed, markdownTable, ratio } from './stats.js';

/** One rate's pair of results. */
export interface Comparison {
  /** Updates per second asked of the feed. */
  rate: number;
  label: string;
  baseline: PageResult;
  candidate: PageResult;
}

const drain = (result: PageResult) => (Number.isNaN(result.drainMs) ? `> ${DRAIN_TIMEOUT_MS / 1000} s` : fixed(result.drainMs));

type Column = [header: string, read: (result: PageResult) => number, digits: number, withRatio: boolean];

const COLUMNS: Column[] = [
  ['sent/s', (result) => result.sentRate, 0, false],
  ['busy % while sending', (result) => result.busyShare * 100, 1, true],
  ['busy ms until drained', (result) => result.busyMs, 0, true],
  ['of which script ms', (result) => result.scriptMs, 0, false],
  ['style+layout ms', (result) => result.layoutMs, 0, false],
  ['DOM p50 ms', (result) => result.latencyP50, 1, true],
  ['DOM p99 ms', (result) => result.latencyP99, 1, true],
  ['paint p99 ms', (result) => result.paintP99, 1, true],
  ['values shown', (result) => result.shown, 0, false],
];

function row(label: string, page: string, result: PageResult, baseline?: PageResult): string[] {
  const cells = COLUMNS.map(([, read, digits, withRatio]) => {
    const value = fixed(read(result), digits);
    return baseline && withRatio ? `${value} (${ratio(read(result), read(baseline))})` : value;
  });
  const drainCell = baseline ? `${drain(result)} (${ratio(result.drainMs, baseline.drainMs)})` : drain(result);
  return [label, page, ...cells, drainCell, String(result.stale), String(result.reconnects)];
}

/** A table with one row per page and rate, ratios to the baseline on the candidate's rows. */
export function comparisonTable(comparisons: Comparison[], candidateName: string): string {
  const rows = comparisons.flatMap(({ label, baseline, candidate }) => [
    row(label, 'baseline', baseline),
    row(label, candidateName, candidate, baseline),
  ]);
  return markdownTable(['rate', 'page', ...COLUMNS.map(([header]) => header), 'drain ms', 'stale', 'reconnects'], rows);
}

/** "met" / "NOT met" with the numbers that decided it. */
export function verdict(met: boolean, detail: string): string {
  return `${met ? 'met' : 'NOT met'} (${detail})`;
}

/** When the run happened and how loaded the machine was (other processes share its 2 cores). */
export function runContext(): string {
  const [one, five] = loadavg();
  return `${new Date().toISOString()}, load average ${one.toFixed(2)} (1 min) ${five.toFixed(2)} (5 min)`;
}

/** A drain time for comparisons: one that never finished counts as endless. */
export function drainOrInfinity(result: PageResult): number {
  return Number.isNaN(result.drainMs) ? Number.POSITIVE_INFINITY : result.drainMs;
}
