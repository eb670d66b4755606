/**
 * Who may connect and what they may do (SPEC 4.5). A server is open, wants
 * one shared token (`--token`, compared in constant time), or wants a JWT
 * it verifies (`--jwt-secret` for HS256, `--jwt-public-key` for RS256 or
 * ES256). A verified JWT grants its `sub` as the session's user, its `exp`
 * as the moment the connection must refresh, and its `topics` claim as the
 * topics the connection may subscribe and publish to. The embedder's
 * `authorize` hook is asked after that claim.
 */
import { createHash, createPublicKey, timingSafeEqual, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importSPKI, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ServerOptions } from './options.js';
import { matchesAny, parseTopicPattern, type TopicPattern } from './topic-patterns.js';

/** What a connection asks to do with a topic. */
export type AuthAction = 'subscribe' | 'publish';

/** The session as `authorize` sees it. */
export interface AuthSession {
  /** The session id (`welcome.id`). */
  readonly id: string;
  /** The JWT's `sub`; undefined without a JWT. */
  readonly user: string | undefined;
  /** The JWT's verified claims; undefined without a JWT. */
  readonly claims: Readonly<JWTPayload> | undefined;
}

/**
 * An embedder's decision on one subscribe or publish, asked after the JWT's
 * `topics` claim allowed it: true allows, anything else (false, a throw, a
 * rejected promise) is `forbidden`.
 */
export type Authorize = (session: AuthSession, action: AuthAction, topic: string) => boolean | Promise<boolean>;

/** The topics a `topics` claim allows, per action. */
export interface TopicClaims {
  readonly sub: readonly TopicPattern[];
  readonly pub: readonly TopicPattern[];
}

/** What a verified token grants its connection. */
export interface Grant {
  /** The JWT's `sub`. */
  readonly user?: string;
  /** The JWT's claims, for `authorize`. */
  readonly claims?: Readonly<JWTPayload>;
  /** The `topics` claim; undefined leaves it to the feeds' rules. */
  readonly topics?: TopicClaims;
  /** When the token expires (epoch ms); undefined: never. */
  readonly expiresAt?: number;
}

/** A token's verdict: what it grants, or why it is refused (the close reason). */
export type Verdict = { ok: true; grant: Grant } | { ok: false; reason: string };

/** Checks the tokens of `auth` frames. */
export interface Verifier {
  /** True when every connection must present a token before it is served. */
  readonly required: boolean;
  verify(token: string): Promise<Verdict>;
}

/** The smallest HS256 secret accepted: RFC 7518 3.2 asks for a key as long as the hash. */
const MIN_SECRET_BYTES = 32;
/** WebSocket close reasons are at most 123 bytes; a refusal's reason is kept well within. */
const MAX_REASON_CHARS = 100;
/** Nothing to grant: an open server or a shared token. */
const NO_GRANT: Grant = Object.freeze({});

/** The verifier the options ask for; throws naming the flag when they do not fit together. */
export async function createVerifier(options: ServerOptions): Promise<Verifier> {
  const { token, jwtSecret, jwtPublicKey, jwtAudience, jwtIssuer } = options;
  const jwt = jwtSecret !== undefined || jwtPublicKey !== undefined;
  if (token !== undefined && jwt) throw new RangeError('--token and a JWT key (--jwt-secret, --jwt-public-key) exclude each other');
  if (!jwt && (jwtAudience !== undefined || jwtIssuer !== undefined)) {
    throw new RangeError('--jwt-audience and --jwt-issuer need --jwt-secret or --jwt-public-key');
  }
  if (token !== undefined) return sharedTokenVerifier(token);
  if (!jwt) return { required: false, verify: async () => ({ ok: true, grant: NO_GRANT }) };
  const keys = new Map<string, CryptoKey>();
  if (jwtSecret !== undefined) keys.set('HS256', await secretKey(jwtSecret));
  if (jwtPublicKey !== undefined) {
    const { alg, key } = await readPublicKey(jwtPublicKey);
    keys.set(alg, key);
  }
  return jwtVerifier(keys, jwtAudience, jwtIssuer);
}

/** One shared token, compared as SHA-256 digests so neither its content nor its length leaks through timing. */
function sharedTokenVerifier(expected: string): Verifier {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const wanted = digest(expected);
  return {
    required: true,
    async verify(token) {
      return timingSafeEqual(digest(token), wanted) ? { ok: true, grant: NO_GRANT } : { ok: false, reason: 'wrong token' };
    },
  };
}

/** The secret as an HMAC key, imported once: jose would import raw bytes again for every token (measured 1.5–2.5× slower). */
async function secretKey(secret: string): Promise<CryptoKey> {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.byteLength < MIN_SECRET_BYTES) throw new RangeError(`--jwt-secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return (await webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
}

/** Reads a PEM public key (SPKI or PKCS#1) and the one algorithm it verifies: RS256 for RSA, ES256 for P-256. */
async function readPublicKey(path: string): Promise<{ alg: string; key: CryptoKey }> {
  const pem = await readFile(path, 'utf8').catch((error: Error) => {
    throw new Error(`--jwt-public-key: cannot read ${path}: ${error.message}`);
  });
  let publicKey;
  try {
    publicKey = createPublicKey(pem);
  } catch (error) {
    throw new Error(`--jwt-public-key: ${path} is not a PEM public key: ${(error as Error).message}`, { cause: error });
  }
  const type = publicKey.asymmetricKeyType;
  const curve = publicKey.asymmetricKeyDetails?.namedCurve;
  const alg = type === 'rsa' ? 'RS256' : type === 'ec' && curve === 'prime256v1' ? 'ES256' : undefined;
  if (!alg) throw new Error(`--jwt-public-key: ${path} must be an RSA or P-256 EC key, not ${type}${curve ? ` ${curve}` : ''}`);
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { alg, key: await importSPKI(spki, alg) };
}

/** Verifies JWTs signed with one of `keys` (by algorithm; no other algorithm is accepted, `none` least of all). */
function jwtVerifier(keys: Map<string, CryptoKey>, audience?: string, issuer?: string): Verifier {
  const algorithms = [...keys.keys()];
  const keyFor: JWTVerifyGetKey = (header) => keys.get(header.alg) as CryptoKey;
  return {
    required: true,
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, { algorithms, audience, issuer }));
      } catch (error) {
        return refuse(`invalid token: ${(error as Error).message}`);
      }
      return readClaims(payload);
    },
  };
}

/** Turns verified claims into a grant; a `sub` or `topics` of the wrong shape refuses the token. */
function readClaims(payload: JWTPayload): Verdict {
  const { sub, exp, topics } = payload;
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) return refuse('invalid token: "sub" must be a non-empty string');
  let claims: TopicClaims | undefined;
  if (topics !== undefined) {
    claims = readTopicClaims(topics);
    if (!claims) return refuse('invalid token: "topics" must be {"sub": [pattern…], "pub": [pattern…]}');
  }
  const grant: Grant = {
    user: sub,
    claims: Object.freeze(payload),
    topics: claims,
    expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
  };
  return { ok: true, grant };
}

/** `{"sub": [...], "pub": [...]}`; a list left out allows nothing for its action. */
function readTopicClaims(value: unknown): TopicClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { sub = [], pub = [] } = value as Record<string, unknown>;
  const read = (list: unknown) => {
    if (!Array.isArray(list)) return undefined;
    const patterns = list.map(parseTopicPattern);
    return patterns.every((pattern) => pattern !== undefined) ? (patterns) : undefined;
  };
  const subscribe = read(sub);
  const publish = read(pub);
  return subscribe && publish ? { sub: subscribe, pub: publish } : undefined;
}

/** A refusal whose reason fits a close frame: ASCII, at most MAX_REASON_CHARS. */
function refuse(reason: string): Verdict {
  return { ok: false, reason: reason.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_REASON_CHARS) };
}

/** True when the grant's `topics` claim (if any) allows the action on the topic. */
export function claimsAllow(grant: Grant, action: AuthAction, topic: string): boolean {
  if (!grant.topics) return true;
  return matchesAny(action === 'subscribe' ? grant.topics.sub : grant.topics.pub, topic);
}

/** Asks the embedder's hook; a throw or a rejection is a refusal (and reported, as the embedder's fault). */
export async function authorizeAllows(
  authorize: Authorize,
  session: AuthSession,
  action: AuthAction,
  topic: string,
  report: (error: unknown) => void,
): Promise<boolean> {
  try {
    return (await authorize(session, action, topic)) === true;
  } catch (error) {
    report(error);
    return false;
  }
}
