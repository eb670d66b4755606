/**
 * A token endpoint for browser tests, served by the test runner on the page's
 * own origin so `token-url` fetches it as an application's login would be:
 * `GET /test-tokens/KEY` answers `{"token"}`, a fresh HS256 JWT (`sub`, `exp`,
 * a unique `jti`) for what `tokens:configure` set under KEY. Its first
 * `failures` requests answer 503 instead, so a test can make it flaky.
 *
 * Commands: `tokens:configure {key, secret, seconds?, failures?, user?}`
 * (resets the count); `tokens:fetches {key}` → requests answered so far,
 * failed ones included.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** Where the endpoint answers; the rest of the path is the key. */
const PREFIX = '/test-tokens/';

interface TokenPlan {
  key: Uint8Array;
  seconds: number;
  user: string;
  failuresLeft: number;
  fetches: number;
}

const plans = new Map<string, TokenPlan>();

/** The part of a Koa context this middleware uses. */
interface Context {
  path: string;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

/** The web-test-runner middleware answering `GET /test-tokens/KEY`. */
export async function testTokens(context: Context, next: () => Promise<unknown>): Promise<unknown> {
  if (!context.path.startsWith(PREFIX)) return next();
  context.set('cache-control', 'no-store');
  const plan = plans.get(decodeURIComponent(context.path.slice(PREFIX.length)));
  if (!plan) {
    context.status = 404;
    context.body = { error: 'no token plan under this key: run tokens:configure first' };
    return undefined;
  }
  plan.fetches++;
  if (plan.failuresLeft > 0) {
    plan.failuresLeft--;
    context.status = 503;
    context.body = { error: 'failing on purpose' };
    return undefined;
  }
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ topics: { sub: ['chat/*'], pub: ['chat/*'] } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(plan.user)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + plan.seconds)
    .sign(plan.key);
  context.status = 200;
  context.body = { token };
  return undefined;
}

/** Runs a `tokens:*` command; undefined for any other command. */
export function executeTokenCommand(command: string, payload: Record<string, unknown> = {}): unknown {
  const key = String(payload.key);
  if (command === 'tokens:configure') {
    plans.set(key, {
      key: new TextEncoder().encode(typeof payload.secret === 'string' ? payload.secret : ''),
      seconds: Number(payload.seconds ?? 60),
      user: typeof payload.user === 'string' ? payload.user : 'ada',
      failuresLeft: Number(payload.failures ?? 0),
      fetches: 0,
    });
    return true;
  }
  if (command === 'tokens:fetches') return plans.get(key)?.fetches ?? 0;
  return undefined;
}
