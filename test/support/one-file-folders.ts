/**
 * Serves each browser bundle the way a page that vendors ONE file sees it:
 * `/one-file/esm/` and `/one-file/iife/` are each an empty temporary folder
 * holding only a copy of `dist/ws-bind.js` or `dist/ws-bind.iife.js`, and
 * any other file asked of them is a 404, as on a static host. Bytes go out
 * as built, untouched by the test runner's transforms.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** The part of a Koa context the middleware uses. */
interface RequestContext {
  path: string;
  status: number;
  type: string;
  body: unknown;
}

/** URL folder → the one bundle copied into it. */
const bundles: Record<string, string> = {
  '/one-file/esm/': 'ws-bind.js',
  '/one-file/iife/': 'ws-bind.iife.js',
};

const folders = new Map<string, string>();

/**
 * The temporary folder behind `prefix`, with its bundle copied in. The copy is
 * made on first use, not at start-up, so a build run after the test runner
 * started is what gets served; while `dist/` lacks the bundle the folder stays
 * empty and every request is a 404.
 */
function folderFor(prefix: string): string {
  let folder = folders.get(prefix);
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), 'ws-bind-one-file-'));
    folders.set(prefix, folder);
  }
  const bundle = bundles[prefix];
  const built = resolve('dist', bundle);
  if (!existsSync(join(folder, bundle)) && existsSync(built)) copyFileSync(built, join(folder, bundle));
  return folder;
}

/** Koa middleware for the test runner's `middleware` option. */
export async function oneFileFolders(context: RequestContext, next: () => Promise<unknown>): Promise<unknown> {
  const prefix = Object.keys(bundles).find((folder) => context.path.startsWith(folder));
  if (!prefix) return next();
  const file = join(folderFor(prefix), basename(context.path));
  if (!existsSync(file)) {
    context.status = 404;
    context.type = 'text/plain';
    context.body = `${context.path}: not in this folder (it holds only ${bundles[prefix]})`;
    return undefined;
  }
  context.status = 200;
  context.type = 'application/javascript';
  context.body = readFileSync(file);
  return undefined;
}

/** Removes the temporary folders (the test runner's shutdown). */
export function removeOneFileFolders(): void {
  for (const folder of folders.values()) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}
