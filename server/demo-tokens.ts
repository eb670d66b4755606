/**
 * The demo's token endpoint: `GET PATH?name=ada` answers
 * `{"token", "user", "expiresAt"}`, a JWT for that name that lives 60 s
 * and whose `topics` claim opens the private room and the inboxes only.
 * It stands in for an application's own login: it signs for anyone who
 * asks, so it exists only where a demo turns it on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';

/** The room a demo token opens. */
export const PRIVATE_ROOM = 'chat/private';
/** How long a demo token lives: short, so refreshes are seen. */
const DEMO_TOKEN_SECONDS = 60;
const NAME = /^[\p{L}\p{N} _.-]{1,40}$/u;

/** What a demo token is signed with; the same as the server verifying it. */
export interface DemoTokenOptions {
  secret: string;
  audience?: string;
  issuer?: string;
}

/** A Node request handler (also a Connect middleware) answering token requests. */
export function demoTokenHandler(options: DemoTokenOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const key = new TextEncoder().encode(options.secret);
  return (request, response) => {
    if (request.method !== 'GET') return answer(response, 405, { error: 'use GET ?name=NAME' });
    const name = new URL(request.url ?? '/', 'http://localhost').searchParams.get('name')?.trim() ?? '';
    if (!NAME.test(name)) {
      return answer(response, 400, { error: 'name: 1 to 40 letters, digits, spaces, ".", "_" or "-"' });
    }
    const issuedAt = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ topics: { sub: [PRIVATE_ROOM, 'inbox/*'], pub: [PRIVATE_ROOM, 'inbox/*'] } })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(name)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + DEMO_TOKEN_SECONDS);
    if (options.audience !== undefined) jwt.setAudience(options.audience);
    if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
    jwt.sign(key).then(
      (token) => answer(response, 200, { token, user: name, expiresAt: (issuedAt + DEMO_TOKEN_SECONDS) * 1000 }),
      () => answer(response, 500, { error: 'could not sign a token' }),
    );
  };
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
