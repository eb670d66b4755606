/**
 * `metrics`: an event topic sampling this server process every
 * `metricsInterval` ms (default one second):
 * `{"cpu": share of one core (0.25 = 25 %; `format="percent"` shows it), "memory": RSS bytes, "heap": heap used bytes,
 * "lag": mean event-loop delay in ms, "connections": open sockets,
 * "messagesPerSecond": client and server messages handled per second,
 * "broker": "up" | "down" (with `--redis`, "down" while Redis is unreachable),
 * "lateResults": task results ignored since start because their task had been reassigned}`.
 * Each instance samples itself on a topic of its own (`local`), so it keeps
 * reporting while Redis is down.
 * Its history lets a sparkline start with the recent past.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { every, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'metrics';

export const metricsFeed: FeedFactory = (context) => {
  const spec: TopicSpec = { kind: 'event', local: true };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let cpu = process.cpuUsage();
  let at = performance.now();
  let messages = context.stats.messagesIn + context.stats.messagesOut;
  const sample = () => {
    const now = performance.now();
    const seconds = Math.max((now - at) / 1000, 0.001);
    const used = process.cpuUsage(cpu);
    const handled = context.stats.messagesIn + context.stats.messagesOut;
    const memory = process.memoryUsage();
    const data = {
      cpu: Math.round(((used.user + used.system) / 1e6 / seconds) * 1000) / 1000,
      memory: memory.rss,
      heap: memory.heapUsed,
      lag: Math.round((Number.isNaN(lag.mean) ? 0 : lag.mean) / 1e4) / 100,
      connections: context.stats.connections,
      messagesPerSecond: Math.round((handled - messages) / seconds),
      broker: context.broker.status(),
      lateResults: context.stats.lateResults,
    };
    cpu = process.cpuUsage();
    at = now;
    messages = handled;
    lag.reset();
    return context.broker.append(TOPIC, data, context.options.history);
  };
  const stopSampling = every(context.options.metricsInterval, context, sample);
  return {
    name: 'metrics',
    resolve: (topic) => (topic === TOPIC ? spec : undefined),
    stop: () => {
      stopSampling();
      lag.disable();
    },
  };
};
