/**
 * Benchmark 2b: memory per idle connection. The server runs alone in one
 * process, 10,000 clients in another; the server's rss and heap after a
 * full GC, before and after they connect, divided by the count. The
 * reference server is measured next to socket.io in the same run.
 *
 *   npx tsx bench/idle-memory.ts [--clients 10000]
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClientProcess } from './fanout/client-process.js';
import { forkTypeScript, nextMessage } from './fanout/fork.js';
import type { ServerKind } from './fanout/protocol.js';
import type { ServerCommand, ServerReport } from './fanout/server-process.js';
import { runContext } from './support/report.js';
import { delay, fixed, markdownTable } from './support/stats.js';

const { values: args } = parseArgs({ options: { clients: { type: 'string', default: '10000' } } });
const clientCount = Number(args.clients);
const SERVER_SCRIPT = fileURLToPath(new URL('./fanout/server-process.ts', import.meta.url));
const TARGET_BYTES = 10 * 1024;

type Memory = Extract<ServerReport, { type: 'memory' }>;

interface MemoryResult {
  name: string;
  connections: number;
  rssPerConnection: number;
  heapPerConnection: number;
}

function readMemory(server: ChildProcess): Promise<Memory> {
  server.send({ type: 'memory' } satisfies ServerCommand);
  return nextMessage<ServerReport, 'memory'>(server, 'memory');
}

async function measure(kind: ServerKind, name: string): Promise<MemoryResult> {
  const server = forkTypeScript(SERVER_SCRIPT, [kind], ['--expose-gc']);
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    const { url } = await nextMessage<ServerReport, 'listening'>(server, 'listening');
    await delay(1000);
    const before = await readMemory(server);
    const clients = await ClientProcess.start({ kind, url, count: clientCount, concurrency: 100 });
    await delay(2000);
    const after = await readMemory(server);
    await clients.stop();
    return {
      name,
      connections: after.connections - before.connections,
      rssPerConnection: (after.rss - before.rss) / clientCount,
      heapPerConnection: (after.heapUsed + after.external - before.heapUsed - before.external) / clientCount,
    };
  } finally {
    if (server.exitCode === null) server.send({ type: 'exit' } satisfies ServerCommand);
    await exited;
  }
}

const results = [await measure('topic', 'reference server'), await measure('socketio', 'socket.io')];
console.log(`idle-memory: ${clientCount} idle connections from a child process, ${runContext()}\n`);
console.log(markdownTable(
  ['server', 'connections', 'rss KB / connection', 'heap+external KB / connection'],
  results.map((result) => [
    result.name, String(result.connections), fixed(result.rssPerConnection / 1024, 2), fixed(result.heapPerConnection / 1024, 2),
  ]),
));
const reference = results[0];
const met = reference.rssPerConnection <= TARGET_BYTES && reference.heapPerConnection <= TARGET_BYTES;
console.log(`\n- ≤ 10 KB per idle connection (reference server, rss and heap): ${met ? 'met' : 'NOT met'}`);
