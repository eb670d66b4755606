/**
 * `npm run chaos`: the scale-out chaos run (scripts/chaos/run-chaos.ts) for
 * 60 s by default; prints its report and exits non-zero when any subscriber
 * did not get every event exactly once, in order.
 *
 *   npm run chaos -- [--duration 60000] [--instances 3] [--subscribers 50] [--interval 10]
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos/run-chaos.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60000' },
    instances: { type: 'string', default: '3' },
    subscribers: { type: 'string', default: '50' },
    interval: { type: 'string', default: '10' },
  },
});

const report = await runChaos({
  durationMs: Number(values.duration),
  instances: Number(values.instances),
  subscribers: Number(values.subscribers),
  publishIntervalMs: Number(values.interval),
  killEveryMs: 3000,
  downMs: 1000,
  log: (line) => console.log(line),
});
console.log(JSON.stringify(report, null, 2));
process.exit(report.wrong.length === 0 && report.resets === 0 && report.published > 0 ? 0 : 1);
