/**
 * Benchmark 4: what auth costs the server. One reference server per mode —
 * open (no auth, the baseline), the shared `--token`, an HS256 JWT and an
 * ES256 JWT from a PEM file — each in its own process, in the same run.
 * For each, `--clients` connections handshake (open, `auth`, `welcome`)
 * `--concurrency` at a time with tokens signed beforehand; the server's CPU
 * time over the handshakes, divided by the count, is the cost per
 * connection. The connections then stay open and idle: the server's rss and
 * heap after two full GCs, minus before, divided by the count, is the memory
 * per idle connection. Last, jose's `jwtVerify` alone, in this process.
 *
 *   npx tsx bench/auth-handshake.ts [--clients 10000 --concurrency 50]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importSPKI, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { WebSocket } from 'ws';
import type { ServerOptions } from '../server/options.js';
import type { AuthServerCommand, AuthServerReport } from './auth/server-process.js';
import { forkTypeScript, nextMessage } from './fanout/fork.js';
import { runContext } from './support/report.js';
import { delay, fixed, markdownTable, quantile, ratio } from './support/stats.js';

const { values: args } = parseArgs({
  options: { clients: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '50' } },
});
const clientCount = Number(args.clients);
const concurrency = Number(args.concurrency);
const SERVER_SCRIPT = fileURLToPath(new URL('./auth/server-process.ts', import.meta.url));
const TARGET_BYTES = 10 * 1024;
const VERIFY_ROUNDS = 5000;

type Sample = Extract<AuthServerReport, { type: 'sample' }>;

interface Mode {
  name: string;
  options: Partial<ServerOptions>;
  /** One token per connection, made before the clock starts; none: no `auth` frame. */
  tokens?: string[];
}

interface ModeResult {
  name: string;
  cpuMicrosPerHandshake: number;
  handshakeP50: number;
  rssPerConnection: number;
  heapPerConnection: number;
}

function sample(server: ChildProcess): Promise<Sample> {
  server.send({ type: 'sample' } satisfies AuthServerCommand);
  return nextMessage<AuthServerReport, 'sample'>(server, 'sample');
}

/** Opens one connection, authenticates where a token is given, resolves at `welcome` with the ms it took. */
function handshake(url: string, token: string | undefined, sockets: WebSocket[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    socket.once('open', () => {
      if (token !== undefined) socket.send(JSON.stringify({ type: 'auth', token }));
    });
    socket.once('message', (frame) => {
      const message = JSON.parse(String(frame)) as { type: string };
      if (message.type === 'welcome') resolve(performance.now() - started);
      else reject(new Error(`expected welcome, got ${String(frame)}`));
    });
    socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
    socket.once('error', reject);
  });
}

async function measure(mode: Mode): Promise<ModeResult> {
  const server = forkTypeScript(SERVER_SCRIPT, [JSON.stringify(mode.options)], ['--expose-gc']);
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const sockets: WebSocket[] = [];
  try {
    const { url } = await nextMessage<AuthServerReport, 'listening'>(server, 'listening');
    await delay(500);
    const before = await sample(server);
    const times: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < clientCount) {
        const index = next++;
        times.push(await handshake(url, mode.tokens?.[index], sockets));
      }
    }));
    const handshaken = await sample(server);
    await delay(2000);
    const idle = await sample(server);
    if (idle.connections - before.connections !== clientCount) throw new Error(`${mode.name}: ${idle.connections} connections open`);
    return {
      name: mode.name,
      cpuMicrosPerHandshake: (handshaken.cpuMicros - before.cpuMicros) / clientCount,
      handshakeP50: quantile(times, 0.5),
      rssPerConnection: (idle.rss - before.rss) / clientCount,
      heapPerConnection: (idle.heap - before.heap) / clientCount,
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    if (server.exitCode === null) server.send({ type: 'exit' } satisfies AuthServerCommand);
    await exited;
  }
}

/** Microseconds per `jwtVerify` of one token, in this process, with the key imported once as the server does. */
async function verifyCost(token: string, key: CryptoKey, alg: string): Promise<number> {
  for (let n = 0; n < 200; n++) await jwtVerify(token, key, { algorithms: [alg] });
  const started = performance.now();
  for (let n = 0; n < VERIFY_ROUNDS; n++) await jwtVerify(token, key, { algorithms: [alg] });
  return ((performance.now() - started) * 1000) / VERIFY_ROUNDS;
}

const dir = await mkdtemp(join(tmpdir(), 'ws-bind-auth-bench-'));
try {
  const secret = randomBytes(32).toString('base64url');
  const secretKey = new TextEncoder().encode(secret);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pemPath = join(dir, 'es256.pem');
  await writeFile(pemPath, pem);
  // Realistic claims: a user, a topics claim, an hour of life.
  const sign = (alg: string, key: Uint8Array | typeof privateKey, index: number) =>
    new SignJWT({ topics: { sub: ['chat/*', 'inbox/*'], pub: ['chat/*'] } })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setSubject(`user-${index}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
  const indexes = Array.from({ length: clientCount }, (_, index) => index);
  const modes: Mode[] = [
    { name: 'open (baseline)', options: {} },
    { name: '--token', options: { token: secret }, tokens: indexes.map(() => secret) },
    { name: 'JWT HS256', options: { jwtSecret: secret }, tokens: await Promise.all(indexes.map((index) => sign('HS256', secretKey, index))) },
    { name: 'JWT ES256', options: { jwtPublicKey: pemPath }, tokens: await Promise.all(indexes.map((index) => sign('ES256', privateKey, index))) },
  ];
  const results: ModeResult[] = [];
  for (const mode of modes) results.push(await measure(mode));

  const hmacKey = await crypto.subtle.importKey('raw', secretKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const hsCost = await verifyCost(modes[2].tokens?.[0] as string, hmacKey, 'HS256');
  const esCost = await verifyCost(modes[3].tokens?.[0] as string, await importSPKI(pem, 'ES256'), 'ES256');

  const baseline = results[0];
  console.log(`auth-handshake: ${clientCount} connections per mode, ${concurrency} at a time, ${runContext()}\n`);
  console.log(markdownTable(
    ['mode', 'server CPU µs / handshake', 'vs open', 'handshake p50 ms', 'rss KB / idle conn', 'heap+external KB / idle conn'],
    results.map((result) => [
      result.name,
      fixed(result.cpuMicrosPerHandshake, 0),
      ratio(result.cpuMicrosPerHandshake, baseline.cpuMicrosPerHandshake),
      fixed(result.handshakeP50, 2),
      fixed(result.rssPerConnection / 1024, 2),
      fixed(result.heapPerConnection / 1024, 2),
    ]),
  ));
  console.log(`\njose jwtVerify alone, ${VERIFY_ROUNDS} rounds: HS256 ${fixed(hsCost, 1)} µs, ES256 ${fixed(esCost, 1)} µs (${ratio(esCost, hsCost)} HS256)`);
  const authenticated = results.slice(2);
  const met = authenticated.every((result) => result.rssPerConnection <= TARGET_BYTES && result.heapPerConnection <= TARGET_BYTES);
  console.log(`- ≤ 10 KB per idle authenticated connection (JWT modes, rss and heap): ${met ? 'met' : 'NOT met'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
