import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { createGateway, type Gateway } from '../../server/feeds/gateway.js';

let gateway: Gateway;
before(async () => {
  gateway = await createGateway();
});
after(() => gateway.close());

/** A client that records what the gateway sends it. */
async function client(): Promise<{ socket: WebSocket; got: Array<Record<string, unknown>>; until(check: () => boolean): Promise<void> }> {
  const socket = new WebSocket(gateway.url);
  const got: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => got.push(JSON.parse(data.toString())));
  await new Promise((resolve) => socket.once('open', resolve));
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(check(), `gave up waiting; got ${JSON.stringify(got)}`);
  };
  return { socket, got, until };
}

test('join announces faces both ways, turns reach everyone, a closed page is removed everywhere', async () => {
  const a = await client();
  a.socket.send(JSON.stringify({ action: 'join' }));
  await a.until(() => a.got.length === 1);
  const aId = a.got[0].id as string;
  assert.equal(a.got[0].action, 'connected');
  assert.match(String(a.got[0].face), new RegExp(`id="${aId}"`));

  const b = await client();
  b.socket.send(JSON.stringify({ action: 'join' }));
  await b.until(() => b.got.length === 2);
  assert.deepEqual(b.got.map((message) => message.action), ['connected', 'connected']);
  assert.equal(b.got[0].id, aId, 'the joiner first hears of the faces already there');
  const bId = b.got[1].id as string;
  await a.until(() => a.got.some((message) => message.id === bId));

  b.socket.send(JSON.stringify({ action: 'turn', degree: 30 }));
  await a.until(() => a.got.some((message) => message.action === 'turn'));
  assert.deepEqual(a.got.find((message) => message.action === 'turn'), { action: 'turn', turnId: bId, degree: 30 });

  b.socket.close();
  await a.until(() => a.got.some((message) => message.action === 'disconnected'));
  assert.deepEqual(a.got.at(-1), { action: 'disconnected', removeId: bId });
  a.socket.close();
});

test('what it cannot route is answered with an error, and the socket stays open', async () => {
  const c = await client();
  c.socket.send('not json');
  c.socket.send(JSON.stringify({ action: 'fly' }));
  c.socket.send(JSON.stringify({ action: 'turn', degree: 'left' }));
  await c.until(() => c.got.length === 3);
  assert.deepEqual(c.got.map((message) => message.action), ['error', 'error', 'error']);
  assert.equal(c.socket.readyState, WebSocket.OPEN);
  c.socket.close();
});
