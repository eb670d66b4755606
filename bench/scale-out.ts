/**
 * Scale-out benchmark: one topic, 1,000 subscribers in a separate process,
 * spread evenly over 1, 2 and 3 instances (each its own process) on one
 * Redis, against the in-memory single instance, in the same run. Instance 1
 * publishes; every instance delivers to its share of the subscribers. As in
 * bench/fanout.ts: a fixed-rate phase for the latency of an unsaturated
 * server, then a closed-loop phase (the publisher at most `window` messages
 * ahead of the slowest subscriber) for throughput.
 *
 * Then the cost of a resume on another instance: a client subscribed on
 * instance A while instance B publishes every 10 ms; A is SIGKILLed, the
 * client reconnects at once to B with its resume key and `since`, and the
 * time from the kill to the first live event on B is taken, over `--kills`
 * kills (A restarted each time), checking that no event was missed.
 *
 * The CPU seconds the instances and Redis used during the saturated phase
 * show which of them is the bottleneck; `--profile DIR` also writes a CPU
 * profile of every instance (`--cpu-prof`) and prints where the publishing
 * instance's time went.
 *
 *   npx tsx bench/scale-out.ts [--clients 1000] [--duration 5000] [--window 1000] [--batch 100] [--latency-rate 20] [--kills 20] [--profile DIR]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { unpackFrame } from '../src/core/protocol.js';
import { parseArgs } from 'node:util';
import { RedisProcess } from '../test/server/redis-process.js';
import { ClientProcess } from './fanout/client-process.js';
import { forkTypeScript, nextMessage } from './fanout/fork.js';
import { BENCH_TOPIC } from './fanout/servers.js';
import type { InstanceCommand, InstanceReport } from './scale-out/instance-process.js';
import { selfTimes } from './scale-out/node-profile.js';
import { paceSends } from './support/feed.js';
import { runContext } from './support/report.js';
import { delay, fixed, markdownTable, pollUntil, quantile, ratio, wallNow } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5000' },
    window: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    'latency-rate': { type: 'string', default: '20' },
    kills: { type: 'string', default: '20' },
    profile: { type: 'string' },
  },
});
const clientCount = Number(args.clients);
const durationMs = Number(args.duration);
const windowSize = Number(args.window);
const batchSize = Number(args.batch);
const latencyRate = Number(args['latency-rate']);
const LATENCY_PHASE_MS = 3000;
/** `getconf CLK_TCK` on Linux: the unit of CPU times in /proc. */
const CLOCK_TICKS = 100;
const INSTANCE_SCRIPT = fileURLToPath(new URL('./scale-out/instance-process.ts', import.meta.url));

interface Setup {
  name: string;
  instances: number;
  redis: boolean;
}

interface Result {
  name: string;
  /** CPU seconds per wall second during the saturated phase: all instances together, and Redis. */
  instanceCores: number;
  redisCores: number;
  published: number;
  deliveredPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  fixedRateP50: number;
  fixedRateP99: number;
}

/** An instance process and a way to make it publish. */
class InstanceProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(redis: string | undefined, nodeFlags: string[] = []): Promise<InstanceProcess> {
    const child = forkTypeScript(INSTANCE_SCRIPT, [JSON.stringify({ redis })], nodeFlags);
    const { url } = await nextMessage<InstanceReport, 'listening'>(child, 'listening');
    return new InstanceProcess(child, url);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  publish(count: number): void {
    this.child.send({ type: 'publish', count } satisfies InstanceCommand);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' } satisfies InstanceCommand);
    await exited;
  }

  /** SIGKILL to the instance itself (the `sh` that started it has exec'd into node). */
  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

async function fixedRateLatency(publisher: InstanceProcess, clients: ClientProcess): Promise<[number, number]> {
  const total = Math.round((latencyRate * LATENCY_PHASE_MS) / 1000);
  await paceSends(total, LATENCY_PHASE_MS, (count) => publisher.publish(count));
  if (!(await pollUntil(() => clients.minReceived >= total, 30_000, 20))) {
    console.error(`not every client received the ${total} fixed-rate messages within 30 s`);
  }
  const summary = await clients.summarize();
  await clients.reset();
  return [summary.latencyP50, summary.latencyP99];
}

async function publishWithinWindow(publisher: InstanceProcess, clients: ClientProcess): Promise<number> {
  const end = performance.now() + durationMs;
  let published = 0;
  while (performance.now() < end) {
    const room = Math.min(batchSize, windowSize - (published - clients.minReceived));
    if (room <= 0) {
      await delay(1);
      continue;
    }
    publisher.publish(room);
    published += room;
    await delay(0);
  }
  return published;
}

async function measure(setup: Setup): Promise<Result> {
  const redis = setup.redis ? await RedisProcess.start() : undefined;
  const instances: InstanceProcess[] = [];
  let clients: ClientProcess | undefined;
  try {
    const profileDir = args.profile && join(args.profile, setup.name.replace(/\W+/g, '-'));
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    for (let i = 0; i < setup.instances; i++) instances.push(await InstanceProcess.start(redis?.url, nodeFlags));
    const urls = instances.map((instance) => instance.url);
    clients = await ClientProcess.start({ kind: 'topic', url: urls[0], urls, count: clientCount, topic: BENCH_TOPIC, concurrency: 50 });
    await delay(500);
    const [fixedRateP50, fixedRateP99] = await fixedRateLatency(instances[0], clients);
    const startedAt = wallNow();
    const cpuBefore = instances.map((instance) => cpuSeconds(instance.pid));
    const redisBefore = cpuSeconds(redis?.pid);
    const published = await publishWithinWindow(instances[0], clients);
    const complete = await pollUntil(() => (clients as ClientProcess).minReceived >= published, 30_000, 20);
    const summary = await clients.summarize();
    const seconds = (wallNow() - startedAt) / 1000;
    const instanceCpu = instances.reduce((sum, instance, i) => sum + cpuSeconds(instance.pid) - cpuBefore[i], 0);
    if (!complete) console.error(`${setup.name}: not every client received all ${published} messages within 30 s`);
    return {
      name: setup.name,
      instanceCores: instanceCpu / seconds,
      redisCores: (cpuSeconds(redis?.pid) - redisBefore) / seconds,
      published,
      deliveredPerSecond: (summary.delivered / (summary.lastReceivedAt - startedAt)) * 1000,
      latencyP50: summary.latencyP50,
      latencyP99: summary.latencyP99,
      fixedRateP50,
      fixedRateP99,
    };
  } finally {
    await clients?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis?.stop();
  }
}

const setups: Setup[] = [
  { name: 'memory, 1 instance', instances: 1, redis: false },
  { name: 'Redis, 1 instance', instances: 1, redis: true },
  { name: 'Redis, 2 instances', instances: 2, redis: true },
  { name: 'Redis, 3 instances', instances: 3, redis: true },
];
const results: Result[] = [];
// `--clients 0` skips the fan-out part (for the resume timing alone).
for (const setup of clientCount > 0 ? setups : []) results.push(await measure(setup));
const { profile } = args;
if (profile && results.length > 0) {
  for (const setup of setups) {
    const dir = join(profile, setup.name.replace(/\W+/g, '-'));
    // The publishing instance started first, so its profile sorts first (names carry the start time).
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort();
    console.log(`\nwhere the publishing instance's time went, ${setup.name} (self time, share of busy time):`);
    for (const { name, ms, share } of selfTimes(join(dir, file)).filter(({ name }) => name !== '(idle)').slice(0, 12)) {
      console.log(`  ${fixed(share * 100)} %  ${fixed(ms, 0)} ms  ${name}`);
    }
  }
}
const baseline = results[0];
if (baseline) {
  console.log(`scale-out: 1 topic, ${clientCount} clients in a child process spread over the instances, ${runContext()}`);
  console.log(`saturated: ${durationMs} ms, window ${windowSize}, batch ${batchSize}; fixed rate: ${latencyRate} msgs/s for ${LATENCY_PHASE_MS} ms\n`);
  console.log(markdownTable(
    ['setup', 'published', 'delivered/s', 'vs memory', 'instances CPU (cores)', 'Redis CPU (cores)', 'saturated p50 ms', 'saturated p99 ms', `${latencyRate}/s p50 ms`, `${latencyRate}/s p99 ms`],
    results.map((result) => [
      result.name, String(result.published), fixed(result.deliveredPerSecond, 0), ratio(result.deliveredPerSecond, baseline.deliveredPerSecond),
      fixed(result.instanceCores, 2), fixed(result.redisCores, 2),
      fixed(result.latencyP50), fixed(result.latencyP99), fixed(result.fixedRateP50), fixed(result.fixedRateP99),
    ]),
  ));
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 without one. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

// ---- resume on another instance --------------------------------------------

/** A topic-protocol client that follows `n` of the benchmark messages and can move to another instance. */
class FollowingClient {
  lastN = -1;
  missed = 0;
  private pos: string | undefined;
  private resume: string | undefined;
  private socket: WebSocket | undefined;

  /** Connects to `url`, resuming the earlier session and replaying after the last position; resolves on the first live event there. */
  connect(url: string, onClose: () => void): Promise<void> {
    return new Promise((resolve) => {
      let welcomes = 0;
      let subscribed = false;
      const socket = new WebSocket(url);
      this.socket = socket;
      socket.on('close', onClose);
      socket.on('error', () => undefined);
      socket.on('message', (frame) => {
        for (const message of unpackFrame(JSON.parse(String(frame))) as Record<string, any>[]) { // eslint-disable-line @typescript-eslint/no-explicit-any -- a frame's fields, read as the protocol says
          if (message.type === 'welcome') {
            welcomes++;
            if (welcomes === 1 && this.resume) {
              socket.send(JSON.stringify({ type: 'auth', resume: this.resume }));
            } else {
              socket.send(JSON.stringify({ type: 'subscribe', topic: BENCH_TOPIC, ...(this.pos ? { since: this.pos } : {}) }));
            }
            this.resume = message.resume;
          } else if (message.type === 'subscribed') {
            subscribed = true;
            this.pos ??= message.pos;
          } else if (message.type === 'event') {
            if (message.data.n !== this.lastN + 1 && this.lastN >= 0) this.missed += Math.max(0, message.data.n - this.lastN - 1);
            this.lastN = Math.max(this.lastN, message.data.n);
            this.pos = message.pos;
            if (subscribed) resolve();
          }
        }
      });
    });
  }

  close(): void {
    this.socket?.terminate();
  }
}

async function measureResumes(kills: number): Promise<number[]> {
  const redis = await RedisProcess.start();
  let victim = await InstanceProcess.start(redis.url);
  const survivor = await InstanceProcess.start(redis.url);
  const ticker = setInterval(() => survivor.publish(1), 10);
  const client = new FollowingClient();
  const times: number[] = [];
  try {
    for (let kill = 0; kill < kills; kill++) {
      // Move to the victim (a drop and an immediate resume, well within the history), then kill it.
      let closed = false;
      client.close();
      await client.connect(victim.url, () => {
        closed = true;
      });
      await delay(200);
      const killedAt = performance.now();
      const onSurvivor = pollUntil(() => closed, 10_000, 1).then(() => client.connect(survivor.url, () => undefined));
      await victim.kill();
      await onSurvivor;
      times.push(performance.now() - killedAt);
      // The client stays on the survivor while the victim restarts, so it never falls out of the history.
      victim = await InstanceProcess.start(redis.url);
    }
  } finally {
    clearInterval(ticker);
    client.close();
    await Promise.all([victim.stop(), survivor.stop()]);
    await redis.stop();
  }
  if (client.missed > 0) console.error(`resume: ${client.missed} events missed across the kills`);
  else console.log(`\nresume: no event missed over ${kills} kills (last n ${client.lastN})`);
  return times;
}

const kills = Number(args.kills);
if (kills > 0) {
  const times = await measureResumes(kills);
  console.log(`resume on another instance after SIGKILL (client reconnects at once with its resume key and since), ${kills} kills:\n`);
  console.log(markdownTable(
    ['kills', 'p50 ms', 'p99 ms', 'max ms'],
    [[String(kills), fixed(quantile(times, 0.5)), fixed(quantile(times, 0.99)), fixed(Math.max(...times))]],
  ));
}
