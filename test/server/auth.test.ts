import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { inboxTopic } from '../../src/core/protocol.js';
import { createServer, type AuthSession } from '../../server/server.js';
import { PRIVATE_ROOM } from '../../server/demo-tokens.js';
import { startServer, type Harness } from './harness.js';
import { nowSeconds, SECRET, signToken } from './jwt.js';
import { waitUntil, type TestClient } from './ws-client.js';

/** Opens a connection, sends `auth` with the token and waits for its `welcome`. */
async function signedIn(harness: Harness, token: string): Promise<TestClient> {
  const client = await harness.connect();
  client.send({ type: 'auth', token });
  await client.waitFor((m) => m.type === 'welcome', 'welcome after auth');
  return client;
}

/** Sends `auth` with the token on a fresh connection and expects a close with 1008 before any message. */
async function refused(harness: Harness, token: string, what: string): Promise<string> {
  const client = await harness.connect();
  client.send({ type: 'auth', token });
  const closure = await client.waitForClose();
  assert.equal(closure.code, 1008, what);
  assert.equal(client.messages.length, 0, `${what}: nothing is sent before the close`);
  return closure.reason;
}

/** A temporary PEM file with a public key, removed when the test ends. */
async function pemFile(t: { after(fn: () => Promise<void>): void }, pem: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ws-bind-jwt-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'public.pem');
  await writeFile(file, pem);
  return file;
}

test('a valid HS256 token gives welcome.user from its sub', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada' }));
  assert.equal(ada.messages[0].type, 'welcome', 'nothing comes before the welcome');
  assert.equal(ada.welcome.user, 'ada');
  assert.equal((await ada.subscribe('chat/lobby')).type, 'subscribed', 'no topics claim: the feeds decide');
  const anonymous = await signedIn(harness, await signToken({}));
  assert.equal('user' in anonymous.welcome, false, 'no sub, no user');
});

test('a wrong signature, an expired token, nbf in the future, a wrong aud or iss each close 1008', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET, jwtAudience: 'ws-bind', jwtIssuer: 'https://app.example' });
  const good = { sub: 'ada', aud: 'ws-bind', iss: 'https://app.example' };
  assert.equal((await signedIn(harness, await signToken(good))).welcome.user, 'ada', 'the right claims are accepted');

  const reason = await refused(harness, await signToken(good, { key: 'another-secret-of-at-least-thirty-two-bytes' }), 'wrong signature');
  assert.match(reason, /signature/);
  await refused(harness, await signToken({ ...good, exp: nowSeconds() - 5 }), 'expired');
  await refused(harness, await signToken({ ...good, nbf: nowSeconds() + 60 }), 'nbf in the future');
  await refused(harness, await signToken({ ...good, aud: 'someone-else' }), 'wrong aud');
  await refused(harness, await signToken({ sub: 'ada', iss: 'https://app.example' }), 'no aud where one is required');
  await refused(harness, await signToken({ ...good, iss: 'https://evil.example' }), 'wrong iss');
  await refused(harness, await signToken(good, { alg: 'HS512' }), 'an algorithm the server does not take');
  await refused(harness, 'not.a.jwt', 'not a JWT');
});

test('the topics claim allows chat/* and refuses admin/x and chat/a/b with forbidden; the connection keeps working', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET, topics: ['admin/x', 'admin/x/y'] });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', topics: { sub: ['chat/*'], pub: ['chat/*'] } }));

  const admin = await ada.subscribe('admin/x');
  assert.deepEqual([admin.type, admin.code], ['error', 'forbidden']);
  const deep = await ada.subscribe('chat/a/b');
  assert.deepEqual([deep.type, deep.code], ['error', 'forbidden']);
  const forbiddenPublish = await ada.publish('admin/x', { text: 'hi' }, 'p1');
  assert.deepEqual([forbiddenPublish.type, forbiddenPublish.code], ['error', 'forbidden']);

  assert.equal((await ada.subscribe('chat/lobby')).type, 'subscribed');
  const ack = await ada.publish('chat/lobby', { name: 'ada', text: 'still here' }, 'p2');
  assert.equal(ack.type, 'ack');
  const line = await ada.waitFor((m) => m.type === 'event' && m.pos === ack.pos, 'her own line');
  assert.equal(line.data.text, 'still here');
  assert.equal(ada.closure, undefined);

  const reader = await signedIn(harness, await signToken({ sub: 'bob', topics: { sub: ['admin/**'] } }));
  assert.equal((await reader.subscribe('admin/x/y')).type, 'subscribed', '/** matches any rest');
  assert.equal((await reader.subscribe('admin/x')).type, 'subscribed', '/** matches one segment too');
  const noPub = await reader.publish('chat/lobby', { text: 'x' }, 'p3');
  assert.equal(noPub.code, 'forbidden', 'a topics claim without pub allows no publish');
});

test('authorize runs after the claim; false and a rejecting promise are forbidden', async (t) => {
  const calls: Array<{ session: AuthSession; action: string; topic: string }> = [];
  const harness = await startServer(t, {
    jwtSecret: SECRET,
    authorize(session, action, topic) {
      calls.push({ session, action, topic });
      if (topic === 'chat/closed') return false;
      if (topic === 'chat/broken') return Promise.reject(new Error('the permission service is down'));
      return Promise.resolve(topic !== 'chat/async-no');
    },
  });
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  t.after(() => {
    console.error = original;
  });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', role: 'member', topics: { sub: ['chat/*'], pub: ['chat/*'] } }));

  assert.equal((await ada.subscribe('chat/closed')).code, 'forbidden', 'false');
  assert.equal((await ada.subscribe('chat/broken')).code, 'forbidden', 'a rejecting promise');
  assert.equal((await ada.subscribe('chat/async-no')).code, 'forbidden', 'a promise of false');
  assert.equal((await ada.publish('chat/closed', { text: 'x' }, 1)).code, 'forbidden', 'publish too');
  assert.equal((await ada.subscribe('chat/open')).type, 'subscribed', 'a promise of true');
  assert.equal((await ada.subscribe('admin/x')).code, 'forbidden', 'the claim refuses first');

  assert.equal(calls.some((call) => call.topic === 'admin/x'), false, 'authorize is not asked what the claim refused');
  assert.deepEqual(calls.map(({ action, topic }) => `${action} ${topic}`), [
    'subscribe chat/closed', 'subscribe chat/broken', 'subscribe chat/async-no', 'publish chat/closed', 'subscribe chat/open',
  ]);
  const { session } = calls[0];
  assert.equal(session.id, ada.welcome.id);
  assert.equal(session.user, 'ada');
  assert.equal(session.claims?.role, 'member');
  assert.equal(errors.length, 1, 'the rejection is reported once');
  assert.equal(ada.closure, undefined);
});

test('inbox/<other> is refused whatever the claims and authorize say', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET, authorize: () => true });
  const everything = { topics: { sub: ['**'], pub: ['**'] } };
  const ada = await signedIn(harness, await signToken({ sub: 'ada', ...everything }));
  const bob = await signedIn(harness, await signToken({ sub: 'bob', ...everything }));
  const other = await ada.subscribe(inboxTopic(bob.welcome.id));
  assert.deepEqual([other.type, other.code], ['error', 'forbidden']);
  assert.equal((await ada.subscribe(inboxTopic(ada.welcome.id))).type, 'subscribed', 'her own inbox');
  assert.equal((await bob.publish(inboxTopic(ada.welcome.id), { name: 'bob', text: 'hi' }, 'dm')).type, 'ack', 'others may write to it');
});

test('a token expiring mid-connection gets expired; a fresh auth continues the same session and nothing is lost', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const room = { topics: { sub: ['chat/*'], pub: ['chat/*'] } };
  const bob = await signedIn(harness, await signToken({ sub: 'bob', ...room }));
  const ada = await signedIn(harness, await signToken({ sub: 'ada', ...room, exp: nowSeconds() + 2 }));
  await ada.subscribe('chat/room');
  const first = ada.welcome;

  const expired = await ada.waitFor((m) => m.type === 'error', 'expired');
  assert.equal(expired.code, 'expired');
  // Inside the refresh window: bob's line arrives, ada publishes and pings before she sends the fresh token.
  assert.equal((await bob.publish('chat/room', { name: 'bob', text: 'during the refresh' }, 'b1')).type, 'ack');
  ada.send({ type: 'publish', topic: 'chat/room', data: { name: 'ada', text: 'sent while expired' }, id: 'a1' });
  ada.send({ type: 'ping' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ada.all((m) => m.type === 'ack' || m.type === 'pong').length, 0, 'held until the fresh token');
  ada.send({ type: 'auth', token: await signToken({ sub: 'ada', ...room }) });

  const ack = await ada.waitFor((m) => m.type === 'ack' && m.id === 'a1', 'the held publish acked');
  await ada.waitFor((m) => m.type === 'pong', 'the held ping answered');
  const welcomes = ada.all((m) => m.type === 'welcome');
  assert.equal(welcomes.length, 2, 'the refresh is answered by a welcome');
  assert.equal(welcomes[1].id, first.id, 'same session');
  assert.equal(welcomes[1].user, 'ada');
  await ada.waitFor((m) => m.type === 'event' && m.pos === ack.pos, 'her own line');
  assert.deepEqual(ada.all((m) => m.type === 'event').map((m) => m.data.text), ['during the refresh', 'sent while expired']);
  assert.equal(ada.all((m) => m.type === 'error').length, 1, 'only the one expired');
  assert.equal(ada.closure, undefined, 'never closed');
  await waitUntil(() => bob.all((m) => m.type === 'ack').length === 1, 'bob unaffected');
});

test('no fresh auth within 10 s of expired closes 1008', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', exp: nowSeconds() + 1 }));
  await ada.waitFor((m) => m.type === 'error' && m.code === 'expired', 'expired');
  const expiredAt = Date.now();
  const closure = await ada.waitForClose(15000);
  assert.equal(closure.code, 1008);
  assert.ok(Date.now() - expiredAt >= 9000, 'the refresh window was given');
});

test('a fresh token before exp refreshes in place; a token for another user closes 1008', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', exp: nowSeconds() + 2 }));
  ada.send({ type: 'auth', token: await signToken({ sub: 'ada', expiresIn: 60 }) });
  await ada.waitForCount((m) => m.type === 'welcome', 2, 'the refresh answered');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(ada.all((m) => m.type === 'error').length, 0, 'the old exp no longer applies');

  ada.send({ type: 'auth', token: await signToken({ sub: 'mallory' }) });
  assert.equal((await ada.waitForClose()).code, 1008);
});

test('a refresh with narrower claims ends the subscriptions it no longer allows', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', topics: { sub: ['chat/*'] } }));
  await ada.subscribe('chat/a');
  await ada.subscribe('chat/b');
  ada.send({ type: 'auth', token: await signToken({ sub: 'ada', topics: { sub: ['chat/a'] } }) });
  const dropped = await ada.waitFor((m) => m.type === 'error', 'the dropped subscription');
  assert.deepEqual([dropped.code, dropped.topic], ['forbidden', 'chat/b']);
  const writer = await signedIn(harness, await signToken({ sub: 'bob', topics: { pub: ['chat/*'] } }));
  await writer.publish('chat/b', { text: 'b' }, 1);
  await writer.publish('chat/a', { text: 'a' }, 2);
  await ada.waitFor((m) => m.type === 'event', 'the line on chat/a');
  await ada.roundTrip();
  assert.deepEqual(ada.all((m) => m.type === 'event').map((m) => m.topic), ['chat/a']);
});

test('a resume key works only with a token for the same user', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada' }));
  ada.drop();
  const mallory = await harness.connect();
  mallory.send({ type: 'auth', token: await signToken({ sub: 'mallory' }), resume: ada.welcome.resume });
  assert.equal((await mallory.waitFor((m) => m.type === 'error', 'the refusal')).code, 'invalid');
  assert.notEqual(mallory.welcome.id, ada.welcome.id);
  const back = await harness.connect();
  back.send({ type: 'auth', token: await signToken({ sub: 'ada' }), resume: ada.welcome.resume });
  await back.waitFor((m) => m.type === 'welcome', 'welcome');
  assert.equal(back.welcome.id, ada.welcome.id);
});

test('RS256 and ES256 keys from PEM files verify; an HS256 token made with the public key does not', async (t) => {
  for (const [type, alg] of [['rsa', 'RS256'], ['ec', 'ES256']] as const) {
    const { publicKey, privateKey } = type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const harness = await startServer(t, { jwtPublicKey: await pemFile(t, pem) });
    const ada = await signedIn(harness, await signToken({ sub: `ada-${alg}` }, { alg, key: privateKey }));
    assert.equal(ada.welcome.user, `ada-${alg}`);
    await refused(harness, await signToken({ sub: 'x' }, { alg: 'HS256', key: pem }), `${alg}: HS256 signed with the public key`);
    const other = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await refused(harness, await signToken({ sub: 'x' }, { alg, key: other.privateKey }), `${alg}: another key`);
  }
});

test('the shared --token is compared in full, whatever the lengths', async (t) => {
  const harness = await startServer(t, { token: 's3cret' });
  for (const wrong of ['', 's', 's3cre', 's3cret ', 's3cret'.repeat(1000)]) await refused(harness, wrong, `"${wrong.slice(0, 10)}"`);
  const right = await signedIn(harness, 's3cret');
  assert.equal('user' in right.welcome, false);
});

test('settings that do not fit together stop the server with a message naming the flag', async (t) => {
  await assert.rejects(createServer({ port: 0, token: 'x', jwtSecret: SECRET }), /--token and a JWT key/);
  await assert.rejects(createServer({ port: 0, jwtSecret: 'short' }), /--jwt-secret must be at least 32 bytes/);
  await assert.rejects(createServer({ port: 0, jwtAudience: 'a' }), /--jwt-audience and --jwt-issuer need/);
  await assert.rejects(createServer({ port: 0, jwtPublicKey: '/nonexistent/key.pem' }), /--jwt-public-key: cannot read/);
  await assert.rejects(createServer({ port: 0, jwtPublicKey: await pemFile(t, 'not a key') }), /is not a PEM public key/);
  const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await assert.rejects(createServer({ port: 0, jwtPublicKey: await pemFile(t, ed) }), /must be an RSA or P-256 EC key/);
  await assert.rejects(createServer({ port: 0, demoTokenPath: '/token' }), /--demo-token-path needs --jwt-secret/);
});

test('the demo token endpoint signs a 60 s token that opens the private room only', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET, demoTokenPath: '/token' });
  const base = `http://127.0.0.1:${harness.server.port}`;
  const response = await fetch(`${base}/token?name=Ada%20L.`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = (await response.json()) as { token: string; user: string; expiresAt: number };
  const claims = decodeJwt(body.token);
  assert.equal(body.user, 'Ada L.');
  assert.equal((claims.exp as number) - (claims.iat as number), 60);
  assert.equal(body.expiresAt, (claims.exp as number) * 1000);

  const ada = await signedIn(harness, body.token);
  assert.equal(ada.welcome.user, 'Ada L.');
  assert.equal((await ada.subscribe(PRIVATE_ROOM)).type, 'subscribed');
  assert.equal((await ada.publish(PRIVATE_ROOM, { name: 'Ada', text: 'hello' }, 1)).type, 'ack');
  assert.equal((await ada.subscribe('chat/lobby')).code, 'forbidden');

  assert.equal((await fetch(`${base}/token?name=`)).status, 400);
  assert.equal((await fetch(`${base}/token?name=${'x'.repeat(41)}`)).status, 400);
  assert.equal((await fetch(`${base}/token?name=ada`, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${base}/elsewhere`)).status, 426);
});

test('hundreds of connections with expiring tokens share one timer', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  // Every timer, referenced or not, from its creation until it fires or is cleared.
  const live = new Set<number>();
  const hook = createHook({
    init: (id, type) => void (type === 'Timeout' && live.add(id)),
    destroy: (id) => void live.delete(id),
  }).enable();
  t.after(() => hook.disable());
  const liveAfter = async (count: number, expiresIn: number | null) => {
    await Promise.all(Array.from({ length: count }, async (_, index) => signedIn(harness, await signToken({ sub: `u${index}` }, { expiresIn }))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return live.size;
  };
  const start = await liveAfter(0, null);
  const withoutExp = await liveAfter(200, null);
  const withExp = await liveAfter(200, 30);
  assert.ok(withoutExp - start < 10, `${withoutExp - start} timers for 200 connections without exp`);
  assert.ok(withExp - withoutExp <= 1, `${withExp - withoutExp} more timers for 200 connections whose tokens expire`);
});

test('a JWT in the token= query counts as the first auth', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const right = await harness.connect({}, `${harness.server.url}?token=${await signToken({ sub: 'ada' })}`);
  await right.waitFor((m) => m.type === 'welcome', 'welcome without an auth frame');
  assert.equal(right.welcome.user, 'ada');
  const wrong = await harness.connect({}, `${harness.server.url}?token=${await signToken({ sub: 'ada' }, { key: 'another-secret-of-at-least-thirty-two-bytes' })}`);
  assert.equal((await wrong.waitForClose()).code, 1008);
});

test('an expired connection that floods instead of refreshing is closed 1008', async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET });
  const ada = await signedIn(harness, await signToken({ sub: 'ada', exp: nowSeconds() + 1 }));
  await ada.waitFor((m) => m.type === 'error' && m.code === 'expired', 'expired');
  for (let n = 0; n < 1100; n++) ada.send({ type: 'ping' });
  assert.equal((await ada.waitForClose(5000)).code, 1008);
  assert.equal(ada.all((m) => m.type === 'pong').length, 0, 'nothing held was handled');
});

test('authorize is asked on an open server too, with no user and no claims', async (t) => {
  const seen: AuthSession[] = [];
  const harness = await startServer(t, {
    authorize: (session, _action, topic) => {
      seen.push(session);
      return topic !== 'chat/closed';
    },
  });
  const anyone = await harness.client();
  assert.equal((await anyone.subscribe('chat/closed')).code, 'forbidden');
  assert.equal((await anyone.subscribe('chat/open')).type, 'subscribed');
  assert.deepEqual(seen[0], { id: anyone.welcome.id, user: undefined, claims: undefined });
});
