/**
 * `npm start`: the demo site and the reference server on one port. The
 * reference server attaches to the dev server's own HTTP server, so the
 * pages, `/feeds` (WebSocket) and the built bundles under `/dist/` share one
 * origin and no proxy sits in between. Binds 127.0.0.1 unless `--host` says otherwise.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { demoTokenHandler } from '../server/demo-tokens.js';
import { createGateway } from '../server/feeds/gateway.js';
import { createServer } from '../server/server.js';

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** Serves `npm run build`'s output at `/dist/`, so `static.html` loads the real one-file bundle as any static page would. */
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

/**
 * The policy `strict-csp.html` is served with: no inline script or style, Trusted Types required, and only the
 * policies ws-bind (its DOMPurify fallback) and lit-html (its template parser) create. README: Content Security Policy.
 */
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types ws-bind lit-html',
].join('; ');

/**
 * Serves `strict-csp.html` as written, with STRICT_CSP: Vite's HTML transform would add its client script, whose
 * error overlay needs inline styles, and a static page of your own has no such script either.
 */
async function serveStrictPage(response: ServerResponse): Promise<void> {
  const body = await readFile(new URL('./strict-csp.html', import.meta.url));
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT_CSP, 'cache-control': 'no-cache' });
  response.end(body);
}

/**
 * Runs the reference server's `/feeds` endpoint (open, as demos are) inside
 * the dev server for as long as it runs; next to it `/private`, a second
 * reference server that wants a JWT, whose tokens `/private/token?name=N`
 * signs (60 s, the private room only) with a secret made at each start; and
 * `/gateway`, the raw action-routed backend of the Serverless page.
 */
function referenceServer(): Plugin {
  return {
    name: 'ws-bind-reference-server',
    async configureServer(vite) {
      vite.middlewares.use('/dist', (request, response, next) => void serveDist(request, response, next));
      vite.middlewares.use('/strict-csp.html', (_request, response) => void serveStrictPage(response));
      const httpServer = vite.httpServer;
      if (!(httpServer instanceof Server)) {
        throw new Error('the demo needs the dev server\'s own HTTP server (not middleware mode, not HTTPS/2) to attach /feeds to');
      }
      const feeds = await createServer({ server: httpServer });
      // The raw, action-routed backend of the Serverless page, beside /feeds.
      const gateway = await createGateway({ server: httpServer });
      const secret = randomBytes(32).toString('base64url');
      const privateFeeds = await createServer({ server: httpServer, path: '/private', jwtSecret: secret, feeds: ['chat', 'inbox', 'faces'] });
      vite.middlewares.use('/private/token', demoTokenHandler({ secret }));
      httpServer.once('close', () => void Promise.all([feeds.close(), privateFeeds.close(), gateway.close()]));
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // lit's production build, as pages in the field load it; without 'development' among the conditions.
  resolve: { conditions: ['module', 'browser', 'production'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1' },
  plugins: [referenceServer()],
});
