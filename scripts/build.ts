/**
 * `npm run build`: the unbundled ESM build and its type declarations, the
 * one-file bundles (with their sizes, failing over the size budget), and the
 * custom-elements manifest; then checks that package.json's entry points exist
 * and that the package imports without a DOM. Exits non-zero on the first
 * step that fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { libraryBuilds } from '../vite.config.js';

/** SPEC 2: every element together, bundled, minified and gzipped. */
const BUNDLE_BUDGET_BYTES = 14 * 1024;
const BUDGETED_BUNDLE = 'dist/ws-bind.js';

class BuildError extends Error {}

function runTool(command: string, args: string[]): void {
  const result = spawnSync(join('node_modules', '.bin', command), args, { stdio: 'inherit' });
  if (result.status !== 0) throw new BuildError(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KB`;
}

/** The bundles and their lazily loaded chunks: every script at the top of dist/. */
function bundleFiles(): string[] {
  return readdirSync('dist').filter((name) => name.endsWith('.js')).sort().map((name) => `dist/${name}`);
}

/** Prints each bundle's minified and min+gzip size; returns the gzip size of the budgeted one. */
function reportSizes(): number {
  let budgeted = 0;
  for (const file of bundleFiles()) {
    const code = readFileSync(file);
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`${file.padEnd(30)} ${kilobytes(code.length).padStart(10)} min  ${kilobytes(gzipped).padStart(9)} min+gzip`);
    if (file === BUDGETED_BUNDLE) budgeted = gzipped;
  }
  return budgeted;
}

/** Every path package.json promises (main, types, exports, customElements) must exist after the build. */
function checkPackageEntryPoints(): void {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const paths = new Set<string>([pkg.main, pkg.module, pkg.types, pkg.customElements]);
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(pkg.exports);
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
  for (const config of libraryBuilds) await build(config);
  runTool('tsc', ['-p', 'tsconfig.build.json']);
  runTool('cem', ['analyze']);
  const gzipped = reportSizes();
  checkPackageEntryPoints();
  await checkServerSideImport();
  if (gzipped > BUNDLE_BUDGET_BYTES) {
    throw new BuildError(`${BUDGETED_BUNDLE} is ${kilobytes(gzipped)} min+gzip, over the ${kilobytes(BUNDLE_BUDGET_BYTES)} budget (SPEC 2)`);
  }
  console.log(`build ok: ${BUDGETED_BUNDLE} within the ${kilobytes(BUNDLE_BUDGET_BYTES)} min+gzip budget`);
}

main().catch((error: unknown) => {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
