import { test } from 'node:test';
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import { startServer } from './harness.js';
import { nowSeconds, SECRET, signToken } from './jwt.js';

const TOKENS = 400;
const AT_ONCE = 20;

/** A small seeded generator, so a failing run can be repeated exactly. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over any payload, signed by hand: jose refuses to sign claims of the wrong type. */
function signAnything(payload: Record<string, unknown>): string {
  const content = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${content}.${createHmac('sha256', SECRET).update(content).digest('base64url')}`;
}

/** Claims of a wrong type or shape; each is signed with the right secret, so only the claim checks can refuse it. */
const WRONG_CLAIMS: Array<Record<string, unknown>> = [
  { exp: 'tomorrow' }, { exp: {} }, { exp: [1] }, { nbf: 'now' }, { iat: 'x' }, { sub: 5 }, { sub: '' }, { sub: { id: 1 } },
  { sub: ['ada'] }, { topics: 'chat/*' }, { topics: ['chat/*'] }, { topics: null }, { topics: { sub: 'chat/*' } },
  { topics: { sub: [5] } }, { topics: { pub: [null] } }, { topics: { sub: ['chat/**/x'] } }, { topics: { sub: ['ch*t/x'] } },
  { topics: { sub: [''] } }, { exp: nowSeconds() - 1 }, { nbf: nowSeconds() + 3600 }, { exp: -1 }, { exp: Infinity },
];

function tokenFuzzer(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const text = (max: number, alphabet?: string) =>
    Array.from({ length: Math.floor(next() * max) }, () =>
      alphabet ? alphabet[Math.floor(next() * alphabet.length)] : String.fromCodePoint(Math.floor(next() * 0xd7ff)),
    ).join('');
  const segment = () => text(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
  const header = (alg: unknown) => base64url({ alg, typ: 'JWT' });
  return async (): Promise<string> => {
    switch (Math.floor(next() * 12)) {
      case 0: return text(200);
      case 1: return `${segment()}.${segment()}.${segment()}`;
      case 2: return `${header('HS256')}.${text(30, '!@#$%^&*()+=/ ')}.${segment()}`;
      case 3: return `${header('none')}.${base64url({ sub: 'ada' })}.`;
      case 4: return `${header(pick(['HS256', 'RS256', 'ES256', 'none', 5, null, '']))}.${base64url({ sub: 'ada' })}.${segment()}`;
      case 5: return `${base64url(pick(['[]', '"x"', '{', 'null', '{"alg":"HS256","crit":["b64"],"b64":false}']))}.${base64url({})}.${segment()}`;
      case 6: return signToken({ sub: 'ada', blob: 'x'.repeat(200000 + Math.floor(next() * 300000)) }, { key: 'wrong-secret-of-at-least-thirty-two-bytes' });
      case 7: return signAnything({ sub: 'ada', exp: nowSeconds() + 60, ...pick(WRONG_CLAIMS) });
      case 8: return signToken({ sub: 'ada' }, { alg: pick(['HS384', 'HS512']) });
      case 9: return Array.from({ length: pick([1, 2, 4, 5]) }, segment).join('.');
      case 10: {
        // Within the signed text (a changed signature may decode the same), and never a character for itself.
        const token = await signToken({ sub: 'ada' });
        const at = Math.floor(next() * token.lastIndexOf('.'));
        return token.slice(0, at) + pick(['', '.', '=', '%', ' ', '!']) + token.slice(at + 1);
      }
      default: return `${header('HS256')}.${base64url(pick(['null', '[1,2]', '"string"', '7', 'not json']))}.${segment()}`;
    }
  };
}

test(`${TOKENS} random and malformed JWTs each close 1008, and the server keeps serving everyone`, async (t) => {
  const harness = await startServer(t, { jwtSecret: SECRET, maxFrame: 4 * 1024 * 1024 });
  const valid = await signToken({ sub: 'bystander', topics: { sub: ['chat/*'], pub: ['chat/*'] } });
  const bystander = await harness.connect();
  bystander.send({ type: 'auth', token: valid });
  await bystander.waitFor((m) => m.type === 'welcome', 'welcome');
  await bystander.subscribe('chat/lobby');
  const handSigned = await harness.connect();
  handSigned.send({ type: 'auth', token: signAnything({ sub: 'ada', exp: nowSeconds() + 60 }) });
  await handSigned.waitFor((m) => m.type === 'welcome', 'a well-formed hand-signed token welcomed: only its claims refuse the others');

  const nextToken = tokenFuzzer(random(20261130));
  for (let done = 0; done < TOKENS; done += AT_ONCE) {
    const tokens = await Promise.all(Array.from({ length: AT_ONCE }, nextToken));
    await Promise.all(tokens.map(async (token) => {
      const client = await harness.connect();
      client.send({ type: 'auth', token });
      const closure = await client.waitForClose();
      const shown = token.length > 80 ? `${token.slice(0, 80)}…` : token;
      assert.equal(closure.code, 1008, `token ${JSON.stringify(shown)} closed with ${closure.code} ${closure.reason}`);
      assert.equal(client.messages.length, 0, `token ${JSON.stringify(shown)} got no message`);
    }));
  }

  assert.equal(bystander.closure, undefined);
  const ack = await bystander.publish('chat/lobby', { name: 'bystander', text: 'still fine' }, 'after');
  assert.equal(ack.type, 'ack');
  await bystander.waitFor((m) => m.type === 'event' && m.pos === ack.pos, 'its own line');
  const late = await harness.connect();
  late.send({ type: 'auth', token: valid });
  await late.waitFor((m) => m.type === 'welcome', 'a valid token still welcomed');
});
