/**
 * `npm start`: the demo site and the demo servers (demo/servers.ts) on one
 * port, so the pages, the WebSockets and the built bundles under `/dist/`
 * share one origin and no proxy sits in between. `vite build` with this file
 * builds every page; `vite preview` serves the build with the same servers
 * (the demo test does both). Binds 127.0.0.1 unless `--host` says otherwise.
 */
import { readFile } from 'node:fs/promises';
import { Server, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';
import { PAGES, renderPage } from './pages.js';
import { attachDemoServers } from './servers.js';

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
 * Serves `strict-csp.html` with STRICT_CSP and without Vite's HTML transform in development: that would add its
 * client script, whose error overlay needs inline styles, and a static page of your own has no such script either.
 */
async function serveStrictPage(response: ServerResponse): Promise<void> {
  const body = renderPage(await readFile(new URL('./strict-csp.html', import.meta.url), 'utf8'), 'strict-csp.html');
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT_CSP, 'cache-control': 'no-cache' });
  response.end(body);
}

/** Adds STRICT_CSP to the built `strict-csp.html` as the preview server serves it. */
const strictHeader: Connect.NextHandleFunction = (_request, response, next) => {
  response.setHeader('content-security-policy', STRICT_CSP);
  next();
};

function httpServerOf(server: Pick<PreviewServer, 'httpServer'> | Pick<ViteDevServer, 'httpServer'>): Server {
  if (!(server.httpServer instanceof Server)) {
    throw new Error('the demo needs the server\'s own HTTP server (not middleware mode, not HTTPS/2) to attach its WebSockets to');
  }
  return server.httpServer;
}

/** The demo servers beside the pages, and the shared navigation and example sources in every page. */
function demoSite(): Plugin {
  return {
    name: 'ws-bind-demo-site',
    async configureServer(vite) {
      vite.middlewares.use('/strict-csp.html', (_request, response) => void serveStrictPage(response));
      await attachDemoServers(httpServerOf(vite), vite.middlewares);
    },
    async configurePreviewServer(preview) {
      preview.middlewares.use('/strict-csp.html', strictHeader);
      await attachDemoServers(httpServerOf(preview), preview.middlewares);
    },
    transformIndexHtml: {
      order: 'pre',
      handler: (html, context) => renderPage(html, basename(context.filename)),
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // lit's production build, as pages in the field load it; without 'development' among the conditions.
  resolve: { conditions: ['module', 'browser', 'production'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    rolldownOptions: { input: PAGES.map((page) => fileURLToPath(new URL(page.file, import.meta.url))) },
  },
  plugins: [demoSite()],
});
