/**
 * Reads a V8 CPU profile (CDP `Profiler.stop`) of a benchmark page: self
 * time per function, named by the source module it was bundled from, and
 * the share of the main thread's samples that were not JavaScript at all.
 */
import type { Protocol } from 'puppeteer-core';

/** Self time of one function, with the module it comes from. */
export interface FunctionTime {
  functionName: string;
  /** `src/core/router.ts`, `node_modules/lit-html/…`, `recorder.js`, or `(native)` for V8 builtins and DOM methods. */
  module: string;
  /** For a native function, the JavaScript function that called it (whose work it is), and that function's module. */
  caller?: string;
  callerModule?: string;
  selfMs: number;
}

/** Where one profile's sampled time went. */
export interface ProfileSummary {
  /** Everything sampled, ms. */
  totalMs: number;
  /** Samples in JavaScript functions (ours, dependencies, page scripts, builtins), ms. */
  scriptMs: number;
  /** Samples in the renderer's own work, which V8 cannot name: style, layout, paint, network dispatch, ms. */
  programMs: number;
  garbageMs: number;
  idleMs: number;
  /** Every JavaScript function with self time, largest first. */
  functions: FunctionTime[];
}

const PROGRAM = '(program)';
const GARBAGE = '(garbage collector)';
const IDLE = '(idle)';
const ROOT = '(root)';

/** The first line of each module in an unminified esbuild bundle: esbuild writes `// path` before every module. */
function bundleModules(bundle: string): { line: number; module: string }[] {
  const starts: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, index) => {
    const header = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text);
    if (header) starts.push({ line: index + 1, module: header[1] });
  });
  return starts;
}

/** The module whose header is the last one at or before `line`. */
function moduleAtLine(starts: { line: number; module: string }[], line: number): string {
  let found = '(bundle prelude)';
  for (const start of starts) {
    if (start.line > line) break;
    found = start.module;
  }
  return found;
}

function moduleOf(frame: Protocol.Runtime.CallFrame, bundleStarts: { line: number; module: string }[]): string {
  if (frame.url === '') return '(native)';
  if (!frame.url.startsWith('http')) return '(benchmark driver)';
  const path = new URL(frame.url).pathname;
  return path === '/ws-bind.js' ? moduleAtLine(bundleStarts, frame.lineNumber + 1) : path.slice(1);
}

/** Self time per profile node: each sample is charged the interval up to the next one. */
function selfTimes(profile: Protocol.Profiler.Profile): Map<number, number> {
  const times = new Map<number, number>();
  const { samples = [], timeDeltas = [] } = profile;
  for (let index = 0; index < samples.length; index++) {
    const next = timeDeltas[index + 1] ?? 0;
    times.set(samples[index], (times.get(samples[index]) ?? 0) + next / 1000);
  }
  return times;
}

/** Each node's parent, by id. */
function parents(profile: Protocol.Profiler.Profile): Map<number, Protocol.Profiler.ProfileNode> {
  const parentOf = new Map<number, Protocol.Profiler.ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  return parentOf;
}

/** Summarises `profile`, naming library functions by the modules of `bundle` (the unminified /ws-bind.js). */
export function summariseProfile(profile: Protocol.Profiler.Profile, bundle: string): ProfileSummary {
  const bundleStarts = bundleModules(bundle);
  const self = selfTimes(profile);
  const parentOf = parents(profile);
  const summary: ProfileSummary = { totalMs: 0, scriptMs: 0, programMs: 0, garbageMs: 0, idleMs: 0, functions: [] };
  const byFunction = new Map<string, FunctionTime>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    summary.totalMs += ms;
    const frame = node.callFrame;
    if (frame.functionName === PROGRAM) summary.programMs += ms;
    else if (frame.functionName === GARBAGE) summary.garbageMs += ms;
    else if (frame.functionName === IDLE || frame.functionName === ROOT) summary.idleMs += ms;
    else {
      summary.scriptMs += ms;
      const module = moduleOf(frame, bundleStarts);
      const parent = parentOf.get(node.id)?.callFrame;
      const callerModule = module === '(native)' && parent ? moduleOf(parent, bundleStarts) : undefined;
      const caller = callerModule && parent ? `${parent.functionName || '(anonymous)'} (${callerModule})` : undefined;
      const key = `${module}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}:${caller}`;
      const entry = byFunction.get(key);
      if (entry) entry.selfMs += ms;
      else byFunction.set(key, { functionName: frame.functionName || '(anonymous)', module, caller, callerModule, selfMs: ms });
    }
  }
  summary.functions = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs);
  return summary;
}

/** Self time summed per module, largest first. */
export function timeByModule(functions: FunctionTime[]): { module: string; selfMs: number }[] {
  const totals = new Map<string, number>();
  for (const { module, selfMs } of functions) totals.set(module, (totals.get(module) ?? 0) + selfMs);
  return [...totals].map(([module, selfMs]) => ({ module, selfMs })).sort((a, b) => b.selfMs - a.selfMs);
}
