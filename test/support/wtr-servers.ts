/**
 * The web-test-runner plugin that owns the real servers browser tests talk
 * to. Tests drive them with `executeServerCommand(name, payload)`; every
 * command returns plain JSON.
 */
import { createGateway, type Gateway } from '../../server/feeds/gateway.js';
import { registerProcessCommands, stopProcesses } from './process-commands.js';
import { RawServer } from './raw-server.js';
import { stopRefServers } from './ref-commands.js';

type Handler = (payload: Record<string, unknown>) => unknown;

/** Registered command handlers, by command name. */
const handlers = new Map<string, Handler>();
const rawServers = new Map<number, RawServer>();
const gateways = new Map<string, Gateway>();

function rawServer(payload: Record<string, unknown>): RawServer {
  const server = rawServers.get(Number(payload.port));
  if (!server) throw new Error(`no raw server on port ${String(payload.port)}`);
  return server;
}

handlers.set('raw:start', async (payload) => {
  const server = await RawServer.start(Number(payload.port ?? 0));
  rawServers.set(server.port, server);
  return { port: server.port };
});
handlers.set('raw:stop', async (payload) => {
  await rawServer(payload).stop();
  rawServers.delete(Number(payload.port));
  return true;
});
handlers.set('raw:push', (payload) => rawServer(payload).push(payload.frames as unknown[]));
handlers.set('raw:burst', (payload) => {
  rawServer(payload).burst(String(payload.template), Number(payload.count));
  return true;
});
handlers.set('raw:kill', (payload) => {
  rawServer(payload).kill();
  return true;
});
handlers.set('raw:close', (payload) => {
  rawServer(payload).closeAll(Number(payload.code), typeof payload.reason === 'string' ? payload.reason : '');
  return true;
});
handlers.set('raw:silent', (payload) => {
  rawServer(payload).setSilent(Boolean(payload.silent));
  return true;
});
handlers.set('raw:stats', (payload) => rawServer(payload).stats());
handlers.set('raw:reset-stats', (payload) => {
  rawServer(payload).resetStats();
  return true;
});
handlers.set('raw:paths', (payload) => rawServer(payload).paths());
handlers.set('raw:push-to', (payload) =>
  rawServer(payload).pushTo(String(payload.path), payload.frames as unknown[]),
);
handlers.set('raw:push-events', (payload) => rawServer(payload).pushEvents(payload.frames as unknown[]));
handlers.set('raw:event-streams', (payload) => rawServer(payload).eventStreamCount);

/** `gateway:start` → {url}; `gateway:stop {url}`; `gateway:connections {url}` → number: the raw `/gateway` demo backend. */
handlers.set('gateway:start', async () => {
  const gateway = await createGateway();
  gateways.set(gateway.url, gateway);
  return { url: gateway.url };
});
handlers.set('gateway:stop', async (payload) => {
  await gateways.get(String(payload.url))?.close();
  gateways.delete(String(payload.url));
  return true;
});
handlers.set('gateway:connections', (payload) => gateways.get(String(payload.url))?.connectionCount() ?? 0);

/** Lets other support modules (the reference server's) add commands. */
export function addCommand(name: string, handler: Handler): void {
  handlers.set(name, handler);
}

registerProcessCommands(addCommand);

export async function executeCommand(command: string, payload: unknown): Promise<unknown> {
  const handler = handlers.get(command);
  if (!handler) return undefined;
  const result = await handler((payload ?? {}) as Record<string, unknown>);
  return result === undefined ? null : result;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...rawServers.values()].map((server) => server.stop()));
  rawServers.clear();
  await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
  gateways.clear();
  await stopRefServers();
  await stopProcesses();
}
