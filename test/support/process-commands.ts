/**
 * web-test-runner commands for tests that need real processes to crash:
 * `redis:start` → {port, url} (a real `redis-server` on a free port);
 * `redis:stop {port}`; `ref:spawn {flags?}` → {port, url} (a reference server
 * in a child process, `server/index.ts` with `flags`, e.g. `['--redis', url]`);
 * `ref:kill {port}` (SIGKILL that process: no close frames, no cleanup, as a crash).
 */
import { Instance } from '../../scripts/chaos/instances.js';
import { RedisProcess, freePort } from '../server/redis-process.js';

type Handler = (payload: Record<string, unknown>) => unknown;

const redises = new Map<number, RedisProcess>();
const instances = new Map<number, Instance>();

function instance(payload: Record<string, unknown>): Instance {
  const found = instances.get(Number(payload.port));
  if (!found) throw new Error(`no reference server process on port ${String(payload.port)}`);
  return found;
}

/** Adds the process commands through `add` (the test runner plugin's `addCommand`). */
export function registerProcessCommands(add: (name: string, handler: Handler) => void): void {
  add('redis:start', async () => {
    const redis = await RedisProcess.start();
    redises.set(redis.port, redis);
    return { port: redis.port, url: redis.url };
  });

  add('redis:stop', async (payload) => {
    await redises.get(Number(payload.port))?.stop();
    redises.delete(Number(payload.port));
    return true;
  });

  add('ref:spawn', async (payload) => {
    const flags = Array.isArray(payload.flags) ? payload.flags.map(String) : [];
    const spawned = new Instance(await freePort(), flags);
    await spawned.start();
    instances.set(spawned.port, spawned);
    return { port: spawned.port, url: spawned.url };
  });

  add('ref:kill', async (payload) => {
    await instance(payload).kill();
    instances.delete(Number(payload.port));
    return true;
  });
}

/** Kills every process these commands started (web-test-runner's shutdown). */
export async function stopProcesses(): Promise<void> {
  const spawned = [...instances.values()];
  const started = [...redises.values()];
  instances.clear();
  redises.clear();
  await Promise.all(spawned.map((child) => child.kill()));
  await Promise.all(started.map((redis) => redis.stop()));
}
