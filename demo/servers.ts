/**
 * The servers behind the demo pages, attached to whichever HTTP server serves
 * them (Vite's dev server for `npm start`, its preview server for the demo
 * test), so pages, WebSockets and the one-file bundles share one origin:
 *
 * - `/feeds`: the reference server, open, as demos are (instance A);
 * - `/feeds-b`: a second reference server instance (B) with the clock and
 *   metrics feeds, for the Ops page's two endpoints;
 * - `/private`: a reference server that wants a JWT, whose tokens
 *   `/private/token?name=N` signs (60 s, the private room only) with a
 *   secret made at each start;
 * - `/gateway`: the raw, action-routed backend of the Serverless page;
 * - `/dist/`: `npm run build`'s output, so the embed pages load the real
 *   one-file bundles as any static page would.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect } from 'vite';
import { demoTokenHandler } from '../server/demo-tokens.js';
import { createGateway } from '../server/feeds/gateway.js';
import { createServer } from '../server/server.js';

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** Serves `npm run build`'s output at `/dist/`; a missing file is a 404 that says what to run. */
async function serveDist(request: IncomingMessage, response: ServerResponse, next: () => void): Promise<void> {
  const file = resolve(distDir, `.${decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)}`);
  const type = contentTypes[extname(file)];
  if (!file.startsWith(distDir.endsWith(sep) ? distDir : distDir + sep) || !type) return next();
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`${file} does not exist yet: run npm run build, then reload.\n`);
  }
}

/** Starts every demo server on `httpServer` and mounts their HTTP routes on `middlewares`; all stop when it closes. */
export async function attachDemoServers(httpServer: Server, middlewares: Connect.Server): Promise<void> {
  middlewares.use('/dist', (request, response, next) => void serveDist(request, response, next));
  const secret = randomBytes(32).toString('base64url');
  middlewares.use('/private/token', demoTokenHandler({ secret }));
  const servers = await Promise.all([
    createServer({ server: httpServer }),
    createServer({ server: httpServer, path: '/feeds-b', feeds: ['clock', 'metrics'] }),
    createServer({ server: httpServer, path: '/private', jwtSecret: secret, feeds: ['chat', 'inbox', 'faces'] }),
    createGateway({ server: httpServer }),
  ]);
  httpServer.once('close', () => void Promise.all(servers.map((server) => server.close())));
}
