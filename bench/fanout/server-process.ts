/**
 * Runs one broadcast server alone in its own process (started with
 * --expose-gc) so its memory can be read without the benchmark's own.
 *
 *   (started by bench/idle-memory.ts with one argument: "topic" or "socketio")
 */
import type { ServerKind } from './protocol.js';
import { startReferenceServer, startSocketIoServer } from './servers.js';

/** What the server process reports. */
export type ServerReport =
  | { type: 'listening'; url: string }
  | { type: 'memory'; rss: number; heapUsed: number; external: number; connections: number };

/** What the parent asks of it. */
export type ServerCommand = { type: 'memory' } | { type: 'exit' };

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error('server-process.ts needs node --expose-gc');

const kind = process.argv[2] as ServerKind;
const server = kind === 'topic' ? await startReferenceServer() : await startSocketIoServer();
const report = (message: ServerReport) => process.send?.(message);

process.on('message', (command: ServerCommand) => {
  if (command.type === 'exit') {
    void server.close().then(() => process.exit(0));
    return;
  }
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  report({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, connections: server.connections() });
});
// A parent that went away cannot stop us: end with it rather than keep listening.
process.on('disconnect', () => process.exit(0));
report({ type: 'listening', url: server.url });
