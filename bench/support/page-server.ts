/**
 * Serves the benchmark pages (bench/pages) and the library, bundled from
 * src/index.ts with esbuild, over HTTP on 127.0.0.1.
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize } from 'node:path';

const PAGES_DIR = fileURLToPath(new URL('../pages/', import.meta.url));
const LIBRARY_ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
/** The demo's `<ws-worker>` modules, served at /workers/ as the demo serves them. */
const WORKERS_DIR = fileURLToPath(new URL('../../demo/public/workers/', import.meta.url));
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

/** A running page server; `origin` is `http://127.0.0.1:PORT`. */
export interface PageServer {
  origin: string;
  /** The bundled library it serves at /ws-bind.js. */
  library: string;
  close(): Promise<void>;
}

/**
 * Bundles the library as one ESM file: minified like dist/ws-bind.js, or readable (names kept, a
 * `// path` comment before each module) so a CPU profile can name functions and files.
 */
async function bundleLibrary(minify: boolean): Promise<string> {
  const result = await build({
    entryPoints: [LIBRARY_ENTRY], bundle: true, format: 'esm', minify, write: false, target: 'es2022',
  });
  return result.outputFiles[0].text;
}

async function readPage(pathname: string): Promise<string | undefined> {
  const [dir, rest] = pathname.startsWith('/workers/') ? [WORKERS_DIR, pathname.slice('/workers/'.length)] : [PAGES_DIR, pathname];
  const path = normalize(join(dir, rest));
  if (!path.startsWith(dir)) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/** Bundles src/index.ts (minified unless `minify` is false), then serves it at /ws-bind.js next to the pages. */
export async function startPageServer({ minify = true } = {}): Promise<PageServer> {
  const library = await bundleLibrary(minify);
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = pathname === '/ws-bind.js' ? Promise.resolve(library) : readPage(pathname);
    void body.then((text) => {
      if (text === undefined) {
        response.writeHead(404).end('not found');
        return;
      }
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(pathname)] ?? 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    library,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
