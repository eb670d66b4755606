/**
 * Reads a Chromium trace (puppeteer `page.tracing`, `devtools.timeline`
 * categories): self time per event name on the busiest renderer main
 * thread, so style, layout, paint and script show as separate lines.
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Self time of one kind of trace event, ms. */
export interface TraceTime {
  name: string;
  selfMs: number;
  count: number;
}

/** The renderer main threads of the trace, as `pid:tid`. */
function rendererMainThreads(events: TraceEvent[]): Set<string> {
  const threads = new Set<string>();
  for (const event of events) {
    if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain') threads.add(`${event.pid}:${event.tid}`);
  }
  return threads;
}

/** Self time per name over complete events of one thread: an event's duration minus that of the events nested in it. */
function selfTimesOfThread(events: TraceEvent[]): Map<string, TraceTime> {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const times = new Map<string, TraceTime>();
  const open: { event: TraceEvent; end: number; childUs: number }[] = [];
  const close = () => {
    const { event, childUs } = open.pop()!;
    const entry = times.get(event.name) ?? { name: event.name, selfMs: 0, count: 0 };
    entry.selfMs += ((event.dur ?? 0) - childUs) / 1000;
    entry.count++;
    times.set(event.name, entry);
  };
  for (const event of sorted) {
    while (open.length > 0 && open[open.length - 1].end <= event.ts) close();
    if (open.length > 0) open[open.length - 1].childUs += event.dur ?? 0;
    open.push({ event, end: event.ts + (event.dur ?? 0), childUs: 0 });
  }
  while (open.length > 0) close();
  return times;
}

/** Self time per event name on the renderer main thread that was busiest, largest first. */
export function summariseTrace(traceJson: string): TraceTime[] {
  const { traceEvents } = JSON.parse(traceJson) as { traceEvents: TraceEvent[] };
  const mains = rendererMainThreads(traceEvents);
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of traceEvents) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || !mains.has(thread)) continue;
    const list = byThread.get(thread);
    if (list) list.push(event);
    else byThread.set(thread, [event]);
  }
  const total = (times: Map<string, TraceTime>) => [...times.values()].reduce((sum, { selfMs }) => sum + selfMs, 0);
  const summaries = [...byThread.values()].map(selfTimesOfThread).sort((a, b) => total(b) - total(a));
  return [...(summaries[0]?.values() ?? [])].sort((a, b) => b.selfMs - a.selfMs);
}
