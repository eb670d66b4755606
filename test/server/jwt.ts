/**
 * Signing test tokens: JWTs with the claims a test wants, signed with
 * `jose` as an application backend would sign them.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** An HS256 secret of the length the server asks for. */
export const SECRET = 'test-secret-of-at-least-thirty-two-bytes!';

/** Now, in JWT seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  alg?: string;
  /** The HMAC secret (HS*) or private key (RS256, ES256); the test secret by default. */
  key?: string | KeyObject;
  /** Seconds from now until `exp`; default 300; null leaves `exp` out. */
  expiresIn?: number | null;
}

/** A JWT with `claims`, issued now. */
export function signToken(claims: JWTPayload, { alg = 'HS256', key = SECRET, expiresIn = 300 }: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt();
  if (expiresIn !== null && claims.exp === undefined) jwt.setExpirationTime(nowSeconds() + expiresIn);
  return jwt.sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}
