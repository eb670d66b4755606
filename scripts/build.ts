/**
 * `npm run build`: the unbundled ESM build and its type declarations, the
 * bundles for pages without a bundler (with their sizes, failing over the
 * size budget), and the
 * custom-elements manifest; then checks that package.json's entry points exist
 * and that the package imports without a DOM. Exits non-zero on the first
 * step that fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { libraryBuilds } from '../vite.config.js';

/**
 * SPEC 2's budget, min+gzip, for what every page loads before any element works: `dist/ws-bind.js` and the chunks
 * it imports statically. Chunks loaded on first use of a feature (formats, templates, the HTML sanitizer) are
 * printed apart, with the total of everything, but do not count against it.
 */
const BUNDLE_BUDGET_BYTES = 14 * 1024;
const ESM_BUNDLE = 'ws-bind.js';
const IIFE_BUNDLE = 'ws-bind.iife.js';

class BuildError extends Error {}

/** The part of a Rolldown output chunk the size report reads. */
interface BuiltChunk {
  type: 'chunk';
  fileName: string;
  imports: string[];
  dynamicImports: string[];
}

function runTool(command: string, args: string[]): void {
  const result = spawnSync(join('node_modules', '.bin', command), args, { stdio: 'inherit' });
  if (result.status !== 0) throw new BuildError(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KB`;
}

/** Runs every library build and collects the chunks it wrote, by file name. */
async function buildLibraries(): Promise<Map<string, BuiltChunk>> {
  const chunks = new Map<string, BuiltChunk>();
  for (const config of libraryBuilds) {
    const results = [await build(config)].flat();
    for (const result of results) {
      if (!('output' in result)) continue;
      for (const file of result.output) if (file.type === 'chunk') chunks.set(file.fileName, file);
    }
  }
  return chunks;
}

/** File names reachable from `entry` through the imports `follow` picks, the entry first. */
function reachable(chunks: Map<string, BuiltChunk>, entry: string, follow: (chunk: BuiltChunk) => string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const chunk = chunks.get(name);
    if (!chunk || seen.has(name)) return;
    seen.add(name);
    follow(chunk).forEach(visit);
  };
  visit(entry);
  return [...seen];
}

/** Prints one file's minified and min+gzip size and returns the gzip size. */
function printSize(name: string, role: string): number {
  const code = readFileSync(join('dist', name));
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`  ${`dist/${name}`.padEnd(30)} ${kilobytes(code.length).padStart(10)} min ${kilobytes(gzipped).padStart(9)} min+gzip  ${role}`);
  return gzipped;
}

/** Prints every bundle file's size; returns the min+gzip size of what every page loads. */
function reportSizes(chunks: Map<string, BuiltChunk>): number {
  const initial = reachable(chunks, ESM_BUNDLE, (chunk) => chunk.imports);
  const everything = reachable(chunks, ESM_BUNDLE, (chunk) => [...chunk.imports, ...chunk.dynamicImports]);
  const lazy = everything.filter((name) => !initial.includes(name)).sort();
  console.log('\nBundle sizes:');
  const initialBytes = initial.reduce((sum, name) => sum + printSize(name, name === ESM_BUNDLE ? 'entry' : 'static import'), 0);
  const lazyBytes = lazy.reduce((sum, name) => sum + printSize(name, 'loaded on first use'), 0);
  console.log(`  ${'ESM, every page'.padEnd(45)} ${kilobytes(initialBytes).padStart(9)} min+gzip  (budget ${kilobytes(BUNDLE_BUDGET_BYTES)})`);
  console.log(`  ${'ESM, every feature loaded'.padEnd(45)} ${kilobytes(initialBytes + lazyBytes).padStart(9)} min+gzip`);
  printSize(IIFE_BUNDLE, 'classic script, everything inlined');
  return initialBytes;
}

/** Every path package.json promises (main, types, exports, customElements) must exist after the build. */
function checkPackageEntryPoints(): void {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<'main' | 'module' | 'types' | 'customElements' | 'exports', unknown>;
  const paths = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect([pkg.main, pkg.module, pkg.types, pkg.customElements, pkg.exports]);
  const missing = [...paths].filter((path) => path && !existsSync(path));
  if (missing.length > 0) throw new BuildError(`package.json points at files the build did not write: ${missing.join(', ')}`);
}

/** SPEC 2: where `customElements` does not exist (server rendering), importing the package throws nothing. */
async function checkServerSideImport(): Promise<void> {
  try {
    await import(pathToFileURL(resolve('dist/esm/index.js')).href);
  } catch (error) {
    throw new BuildError(`importing dist/esm/index.js without a DOM throws: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<void> {
  rmSync('dist', { recursive: true, force: true });
  const chunks = await buildLibraries();
  runTool('tsc', ['-p', 'tsconfig.build.json']);
  runTool('cem', ['analyze']);
  const everyPage = reportSizes(chunks);
  checkPackageEntryPoints();
  await checkServerSideImport();
  if (everyPage > BUNDLE_BUDGET_BYTES) {
    throw new BuildError(`what every page loads of the ESM bundle is ${kilobytes(everyPage)} min+gzip, over the ${kilobytes(BUNDLE_BUDGET_BYTES)} budget (SPEC 2)`);
  }
  console.log(`build ok: what every page loads is within the ${kilobytes(BUNDLE_BUDGET_BYTES)} min+gzip budget`);
}

main().catch((error: unknown) => {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
