/**
 * web-test-runner commands that drive reference servers from browser tests:
 * `ref:start {options?}` → {port, url}; `ref:stop {port}`; `ref:restart {port}`
 * (a new server on the same port: fresh epoch, no sessions); `ref:drop {port}`
 * (drop every socket without a close frame); `ref:publish {port, topic, data}`
 * → {pos}; `ref:connections {port}` → number; `ref:subscriptions {port, topic}` → number;
 * `ref:submit {port, topic, input, options?}` → {output} or {error} once the task is done or has failed for good.
 */
import { createServer, type ReferenceServer, type ServerOptions } from '../../server/server.js';
import { addCommand } from './wtr-servers.js';

/** Running servers by port, with the options each was started with (for restarts). */
const servers = new Map<number, { server: ReferenceServer; options: Partial<ServerOptions> }>();

function running(payload: Record<string, unknown>): ReferenceServer {
  const entry = servers.get(Number(payload.port));
  if (!entry) throw new Error(`no reference server on port ${String(payload.port)}`);
  return entry.server;
}

async function start(options: Partial<ServerOptions>): Promise<{ port: number; url: string }> {
  const server = await createServer({ port: 0, ...options });
  servers.set(server.port, { server, options });
  return { port: server.port, url: server.url };
}

/** Adds the `ref:*` commands to the web-test-runner plugin. */
function registerCommands(): void {
  addCommand('ref:start', (payload) => start(payload.options ?? {}));

  addCommand('ref:stop', async (payload) => {
    await running(payload).close();
    servers.delete(Number(payload.port));
    return true;
  });

  addCommand('ref:restart', async (payload) => {
    const port = Number(payload.port);
    const entry = servers.get(port);
    await running(payload).close();
    servers.delete(port);
    return start({ ...entry?.options, port });
  });

  addCommand('ref:drop', (payload) => {
    running(payload).dropConnections();
    return true;
  });

  addCommand('ref:publish', async (payload) => ({ pos: await running(payload).publish(String(payload.topic), payload.data) }));

  addCommand('ref:connections', (payload) => running(payload).connectionCount());

  addCommand('ref:subscriptions', (payload) => running(payload).subscriptionCount(String(payload.topic)));
  addCommand('ref:submit', (payload) =>
    running(payload).submit(String(payload.topic), payload.input, (payload.options ?? {}) as { deadline?: number; attempts?: number }).then(
      (output) => ({ output }),
      (error: Error) => ({ error: error.message }),
    ));
}

// wtr-servers.ts imports this module before its own body has run, so its command table exists only one microtask later.
queueMicrotask(registerCommands);

/** Closes every reference server these commands started (web-test-runner's shutdown). */
export async function stopRefServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map(({ server }) => server.close()));
}
