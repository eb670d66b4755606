/**
 * `token-url` (SPEC 3.1): a token fetched before every (re)connect and again
 * shortly before it expires. The JWT's `exp` is read only to know when to
 * fetch again, never trusted for anything else: the server verifies.
 */
import { isPlainObject } from './protocol.js';

/** Fetches a token: the response body, or its JSON `{"token"}`; throws naming the URL when there is none. */
export async function fetchToken(url: string): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error(`token-url ${url} answered ${response.status}`);
  const body = (await response.text()).trim();
  const token = readToken(body);
  if (!token) throw new Error(`token-url ${url} gave no token`);
  return token;
}

function readToken(body: string): string | undefined {
  if (!body.startsWith('{')) return body || undefined;
  try {
    const json: unknown = JSON.parse(body);
    return isPlainObject(json) && typeof json.token === 'string' ? json.token : undefined;
  } catch {
    return undefined;
  }
}

/** ms from `now` until the token should be fetched again: a fifth of its remaining life (at most 30 s) before its `exp`. */
export function refreshDelay(token: string, now = Date.now()): number | undefined {
  const exp = expiryOf(token);
  if (exp === undefined) return undefined;
  const remaining = exp * 1000 - now;
  return Math.max(0, remaining - Math.min(30000, remaining / 5));
}

/** The `exp` claim (seconds since epoch) of a JWT, if it is one and has one. */
function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return isPlainObject(claims) && typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
