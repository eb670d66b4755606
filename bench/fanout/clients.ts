/**
 * The fan-out benchmarks' client process: opens `count` connections to a
 * reference server (topic protocol) or a socket.io server, optionally
 * receives one topic on each, and reports to its parent over IPC. It runs
 * apart from the server so the server's numbers are its own.
 *
 *   (started by bench/fanout.ts and bench/idle-memory.ts with one JSON argument, a ClientPlan)
 */
import { WebSocket } from 'ws';
import { io } from 'socket.io-client';
import { LatencyHistogram } from './latency-histogram.js';
import type { BenchMessage, ClientCommand, ClientPlan, ClientReport } from './protocol.js';

const wallNow = () => performance.timeOrigin + performance.now();

/** What every connection counts. */
class Counter {
  received = 0;
}

const plan = JSON.parse(process.argv[2]) as ClientPlan;
let histogram = new LatencyHistogram();
const counters: Counter[] = [];
const openSockets: Array<{ close(): void }> = [];
let lastReceivedAt = 0;

function received(counter: Counter, messages: BenchMessage[]): void {
  const now = wallNow();
  for (const message of messages) histogram.add(now - message.t);
  counter.received += messages.length;
  lastReceivedAt = now;
}

/** One topic-protocol connection; resolves once welcomed (and subscribed, when there is a topic). */
function connectTopicClient(counter: Counter, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(plan.urls ? plan.urls[index % plan.urls.length] : plan.url);
    openSockets.push(socket);
    socket.on('error', reject);
    socket.on('message', (frame) => {
      const parsed = JSON.parse(String(frame)) as unknown;
      const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ type: string; data?: BenchMessage }>;
      const events: BenchMessage[] = [];
      for (const message of messages) {
        if (message.type === 'event' && message.data) events.push(message.data);
        else if (message.type === 'welcome' && plan.topic) socket.send(JSON.stringify({ type: 'subscribe', topic: plan.topic }));
        else if (message.type === 'welcome' || message.type === 'subscribed') resolve();
        else if (message.type === 'error') reject(new Error(`server refused: ${JSON.stringify(message)}`));
      }
      if (events.length > 0) received(counter, events);
    });
  });
}

/** One socket.io connection (websocket transport only); resolves once connected. */
function connectSocketIoClient(counter: Counter): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(plan.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    openSockets.push(socket);
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
    if (plan.topic) socket.on(plan.topic, (message: BenchMessage) => received(counter, [message]));
  });
}

/** Opens every connection, `plan.concurrency` at a time; returns how many failed. */
async function connectAll(): Promise<number> {
  const connect = plan.kind === 'topic' ? connectTopicClient : connectSocketIoClient;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < plan.count) {
      const index = next++;
      const counter = new Counter();
      counters.push(counter);
      await connect(counter, index).catch(() => { failed++; });
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return failed;
}

function report(message: ClientReport): void {
  process.send?.(message);
}

function minReceived(): number {
  return counters.reduce((min, counter) => Math.min(min, counter.received), Number.POSITIVE_INFINITY);
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'summarize') {
    report({
      type: 'summary',
      delivered: counters.reduce((sum, counter) => sum + counter.received, 0),
      lastReceivedAt,
      latencyP50: histogram.quantile(0.5),
      latencyP99: histogram.quantile(0.99),
    });
  } else if (command.type === 'reset') {
    histogram = new LatencyHistogram();
    for (const counter of counters) counter.received = 0;
    lastReceivedAt = 0;
    report({ type: 'reset' });
  } else {
    for (const socket of openSockets) socket.close();
    process.exit(0);
  }
});

// A parent that went away cannot stop us: end with it rather than linger with open sockets.
process.on('disconnect', () => process.exit(0));
const failed = await connectAll();
report({ type: 'ready', connected: plan.count - failed, failed });
if (plan.topic) setInterval(() => report({ type: 'progress', minReceived: minReceived() }), 20);
