/**
 * A small command-line client of the topic protocol:
 * `npm run client -- --url ws://127.0.0.1:8787/feeds --topic chat/lobby`.
 * It prints every message that arrives, one per line, and publishes each
 * line typed on stdin to the first topic: a line that is a JSON object is
 * sent as it is, any other line as `{"name": --name, "text": line}`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { isPlainObject, unpackFrame, type Json } from '../src/core/protocol.js';

const USAGE = `Usage: npm run client -- [--url URL] [--topic TOPIC]… [--history N] [--token T] [--name NAME] [--origin O]
  --url      endpoint (default ws://127.0.0.1:8787/feeds)
  --topic    topic to subscribe to (repeatable); stdin lines are published to the first
  --history  past events to ask for on event topics
  --token    token for servers that want one (sent in the auth frame)
  --name     the name sent with typed chat lines (default: cli)
  --origin   Origin header to send (for servers with an allow-list)`;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:8787/feeds' },
    topic: { type: 'string', multiple: true, default: [] },
    history: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string', default: 'cli' },
    origin: { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const topics = values.topic;
const socket = new WebSocket(values.url, values.origin ? { origin: values.origin } : {});
let welcomed = false;
let published = 0;
let stdinEnded = false;
/** Ids of publishes not yet answered; stdin's end closes the socket once they are. */
const unanswered = new Set<string>();

/** Turns a typed line into a publish payload. */
function payload(line: string): Json {
  try {
    const parsed = JSON.parse(line) as Json;
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // Not JSON: the line is chat text.
  }
  return { name: values.name, text: line };
}

function subscribeAll(): void {
  const history = values.history === undefined ? undefined : Number(values.history);
  for (const topic of topics) socket.send(JSON.stringify({ type: 'subscribe', topic, history }));
}

socket.on('open', () => {
  if (values.token !== undefined) socket.send(JSON.stringify({ type: 'auth', token: values.token }));
});

socket.on('message', (data) => {
  const decoded = JSON.parse(data.toString()) as { type?: string };
  for (const message of (welcomed ? unpackFrame(decoded) : [decoded]) as { type?: string; id?: unknown }[]) {
    console.log(JSON.stringify(message));
    if (message.type === 'welcome' && !welcomed) {
      welcomed = true;
      subscribeAll();
      readStdin();
    }
    if (message.type === 'ack' || message.type === 'error') unanswered.delete(String(message.id));
  }
  if (stdinEnded && unanswered.size === 0) socket.close(1000);
});

socket.on('close', (code, reason) => {
  console.error(`closed ${code} ${reason.toString()}`.trim());
  process.exit(code === 1000 ? 0 : 1);
});

socket.on('error', (error) => console.error(`error: ${error.message}`));

/** Publishes typed lines; started at `welcome`, so nothing is sent before the socket is open. */
function readStdin(): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === '') return;
    if (topics.length === 0) return console.error('no --topic to publish to');
    published += 1;
    const id = `cli-${published}`;
    unanswered.add(id);
    socket.send(JSON.stringify({ type: 'publish', topic: topics[0], data: payload(line), id }));
  }).on('close', () => {
    stdinEnded = true;
    if (unanswered.size === 0) socket.close(1000);
  });
}
