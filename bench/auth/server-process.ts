/**
 * The auth benchmark's server: one reference server in its own process
 * (started with --expose-gc), so its CPU time and memory are its own.
 *
 *   (started by bench/auth-handshake.ts with one argument: the createServer options as JSON)
 */
import { createServer, type ServerOptions } from '../../server/server.js';

/** What the server process reports. */
export type AuthServerReport =
  | { type: 'listening'; url: string }
  | { type: 'sample'; cpuMicros: number; rss: number; heap: number; connections: number };

/** What the parent asks of it. */
export type AuthServerCommand = { type: 'sample' } | { type: 'exit' };

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error('server-process.ts needs node --expose-gc');

const options = JSON.parse(process.argv[2]) as Partial<ServerOptions>;
const server = await createServer({ port: 0, host: '127.0.0.1', feeds: [], ...options });
const report = (message: AuthServerReport) => process.send?.(message);

process.on('message', (command: AuthServerCommand) => {
  if (command.type === 'exit') {
    void server.close().then(() => process.exit(0));
    return;
  }
  collectGarbage();
  collectGarbage();
  // After the collections: the garbage a phase left is part of its cost.
  const { user, system } = process.cpuUsage();
  const usage = process.memoryUsage();
  report({ type: 'sample', cpuMicros: user + system, rss: usage.rss, heap: usage.heapUsed + usage.external, connections: server.connectionCount() });
});
// A parent that went away cannot stop us: end with it rather than keep listening.
process.on('disconnect', () => process.exit(0));
report({ type: 'listening', url: server.url });
