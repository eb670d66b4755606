import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';
import { createServer, DEFAULT_OPTIONS } from '../../server/server.js';
import { OPTION_FLAGS } from '../../server/options.js';
import { executeCommand } from '../support/wtr-servers.js';
import { stopRefServers } from '../support/ref-commands.js';
import { TestClient } from './ws-client.js';

test('defaults are those of SPEC section 5', () => {
  assert.deepEqual(
    {
      port: DEFAULT_OPTIONS.port,
      host: DEFAULT_OPTIONS.host,
      path: DEFAULT_OPTIONS.path,
      maxFrame: DEFAULT_OPTIONS.maxFrame,
      maxSubscriptions: DEFAULT_OPTIONS.maxSubscriptions,
      publishRate: DEFAULT_OPTIONS.publishRate,
      publishBurst: DEFAULT_OPTIONS.publishBurst,
      maxBuffer: DEFAULT_OPTIONS.maxBuffer,
      history: DEFAULT_OPTIONS.history,
      resumeWindow: DEFAULT_OPTIONS.resumeWindow,
      packMs: DEFAULT_OPTIONS.packMs,
      origin: DEFAULT_OPTIONS.origin,
      token: DEFAULT_OPTIONS.token,
      firehoseRate: DEFAULT_OPTIONS.firehoseRate,
      firehoseKeys: DEFAULT_OPTIONS.firehoseKeys,
    },
    {
      port: 8787, host: '127.0.0.1', path: '/feeds', maxFrame: 65536, maxSubscriptions: 100, publishRate: 20,
      publishBurst: 40, maxBuffer: 1048576, history: 100, resumeWindow: 30000, packMs: 0, origin: [], token: undefined,
      firehoseRate: 1000, firehoseKeys: 1000,
    },
  );
});

test('attached to an existing HTTP server it answers its path and leaves other upgrades alone', async (t) => {
  const http = createHttpServer();
  const other = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request, socket, head) => {
    if (request.url === '/other') other.handleUpgrade(request, socket, head, (ws) => ws.send('{"type":"other"}'));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const server = await createServer({ server: http, feeds: ['chat'] });
  t.after(async () => {
    await server.close();
    other.close();
    http.close();
  });
  const port = (http.address() as AddressInfo).port;
  assert.equal(server.port, port);
  assert.equal(server.url, `ws://127.0.0.1:${port}/feeds`);
  const feeds = await TestClient.welcomed(server.url);
  t.after(() => feeds.drop());
  assert.equal((await feeds.subscribe('chat/x')).type, 'subscribed');
  const elsewhere = await TestClient.connect(`ws://127.0.0.1:${port}/other`);
  t.after(() => elsewhere.drop());
  await elsewhere.waitFor((m) => m.type === 'other', 'the other server\'s hello');
  assert.equal(elsewhere.all((m) => m.type === 'welcome').length, 0);
});

test('dropConnections drops every socket and connectionCount follows', async (t) => {
  const server = await createServer({ port: 0, feeds: ['chat'] });
  t.after(() => server.close());
  const a = await TestClient.welcomed(server.url);
  const b = await TestClient.welcomed(server.url);
  assert.equal(server.connectionCount(), 2);
  server.dropConnections();
  assert.equal((await a.waitForClose()).code, 1006);
  assert.equal((await b.waitForClose()).code, 1006);
  assert.equal(server.connectionCount(), 0);
});

test('close() says goodbye with 1001', async () => {
  const server = await createServer({ port: 0, feeds: ['chat'] });
  const a = await TestClient.welcomed(server.url);
  await server.close();
  assert.equal((await a.waitForClose()).code, 1001);
});

test('the ref:* commands start, publish to, drop, restart and stop reference servers', async (t) => {
  t.after(() => stopRefServers());
  const { port, url } = (await executeCommand('ref:start', { options: { feeds: ['chat'], topics: ['news'] } })) as { port: number; url: string };
  const a = await TestClient.welcomed(url);
  await a.subscribe('news');
  const { pos } = (await executeCommand('ref:publish', { port, topic: 'news', data: { n: 1 } })) as { pos: string };
  assert.equal((await a.waitFor((m) => m.type === 'event', 'the event')).pos, pos);
  assert.equal(await executeCommand('ref:connections', { port }), 1);
  await executeCommand('ref:drop', { port });
  assert.equal((await a.waitForClose()).code, 1006);
  const restarted = (await executeCommand('ref:restart', { port })) as { port: number };
  assert.equal(restarted.port, port);
  const b = await TestClient.welcomed(url);
  const again = await b.subscribe('news', { since: pos });
  assert.equal(again.recovered, false, 'a restarted server has a new epoch');
  b.drop();
  await executeCommand('ref:stop', { port });
  await assert.rejects(TestClient.connect(url));
});

test('npm run server -- --help lists every flag', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/index.ts', '--help']);
  for (const { flag } of OPTION_FLAGS) assert.match(stdout, new RegExp(`--${flag}\\b`));
});
