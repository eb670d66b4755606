/**
 * The package as a user gets it: packs the built package with `npm pack`, installs the tarball into an empty
 * project and checks what that project sees. Reads the build in dist/; run `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

/** A user's file that imports the package both ways and uses its types: compiled with `tsc --noEmit`. */
const USER_CODE = `
import { WsBindElement, type WsCloseDetail } from 'ws-bind';
import * as bundle from 'ws-bind/bundle';

const fromBundle: typeof WsBindElement = bundle.WsBindElement;
const element: WsBindElement = document.createElement('ws-bind');
element.addEventListener('ws-close', (event) => {
  const detail: WsCloseDetail = event.detail;
  console.log(detail);
});
export { fromBundle };
`;

interface PackedFile { filename: string }
interface InstalledPackage {
  dependencies: Record<string, string>;
  customElements: string;
  exports: Record<string, string | Record<string, string>>;
}

/** The entries that add each framework's typings to the elements. */
const FRAMEWORK_ENTRIES = ['react', 'vue', 'svelte', 'solid'];

/** Every module path the manifest names: each module's `path` and every reference's `module`. */
function manifestPaths(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => manifestPaths(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'path' || key === 'module') && typeof value === 'string') found.add(value);
      else manifestPaths(value, found);
    }
  }
  return found;
}

test('the packed package installs into an empty project and works there', { timeout: 120_000 }, async (t) => {
  assert.ok(
    existsSync(join(root, 'dist', 'esm', 'index.js')) && existsSync(join(root, 'dist', 'ws-bind.js')),
    'dist/ is missing or incomplete: run `npm run build` before this test',
  );
  const work = mkdtempSync(join(tmpdir(), 'ws-bind-package-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const { stdout: packed } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  const [{ filename }] = JSON.parse(packed) as PackedFile[];
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, filename)], { cwd: project });
  const installed = join(project, 'node_modules', 'ws-bind');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as InstalledPackage;

  await t.test('every path in custom-elements.json is a file the package ships, with its declarations', () => {
    const manifest: unknown = JSON.parse(readFileSync(join(installed, pkg.customElements), 'utf8'));
    const paths = [...manifestPaths(manifest)];
    assert.ok(paths.some((path) => path.endsWith('elements/ws-bind.js')), `the manifest names no <ws-bind> module: ${paths.join(', ')}`);
    for (const path of paths) {
      assert.ok(existsSync(join(installed, path)), `custom-elements.json names ${path}, which is not in the package`);
      const declarations = path.replace(/^dist\/esm\//, 'dist/types/').replace(/\.js$/, '.d.ts');
      assert.ok(existsSync(join(installed, declarations)), `${path} ships without ${declarations}`);
    }
  });

  await t.test('the runtime libraries are caret ranges and the LICENSE ships', () => {
    for (const [name, range] of Object.entries(pkg.dependencies)) assert.match(range, /^\^\d/, `${name}@${range}`);
    assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
  });

  await t.test('Node resolves ws-bind and ws-bind/package.json, and importing without a DOM throws nothing', async () => {
    const script = `
      const { createRequire } = await import('node:module');
      const resolved = createRequire(import.meta.url).resolve('ws-bind/package.json');
      const library = await import('ws-bind');
      console.log(JSON.stringify({ resolved, exports: Object.keys(library).sort() }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    const { resolved, exports } = JSON.parse(stdout) as { resolved: string; exports: string[] };
    assert.equal(resolved, join(installed, 'package.json'));
    assert.deepEqual(exports, ['WsBindElement', 'WsSendElement', 'WsSourceElement', 'WsSparklineElement', 'WsStatusElement', 'WsWorkerElement']);
  });

  await t.test('ws-bind/react, /vue, /svelte and /solid ship their declarations and load the elements', async () => {
    for (const framework of FRAMEWORK_ENTRIES) {
      const entry = pkg.exports[`./${framework}`];
      assert.ok(typeof entry === 'object', `package.json exports no ./${framework}`);
      for (const file of [entry.types, entry.types.replace(/[^/]+\.d\.ts$/, 'tags.d.ts')]) {
        assert.ok(existsSync(join(installed, file)), `ws-bind/${framework} names ${file}, which is not in the package`);
      }
    }
    const script = `
      const { createRequire } = await import('node:module');
      const resolve = createRequire(import.meta.url).resolve;
      console.log(JSON.stringify(${JSON.stringify(FRAMEWORK_ENTRIES)}.map((framework) => resolve('ws-bind/' + framework) === resolve('ws-bind'))));
      for (const framework of ${JSON.stringify(FRAMEWORK_ENTRIES)}) await import('ws-bind/' + framework);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    assert.deepEqual(JSON.parse(stdout), FRAMEWORK_ENTRIES.map(() => true));
  });

  await t.test('TypeScript finds the types of ws-bind and ws-bind/bundle', async () => {
    writeFileSync(join(project, 'app.ts'), USER_CODE);
    for (const [module, moduleResolution] of [['NodeNext', 'NodeNext'], ['ESNext', 'Bundler']]) {
      const compilerOptions = { noEmit: true, strict: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], module, moduleResolution };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
      await run(tsc, ['-p', 'tsconfig.json'], { cwd: project }).catch((error: Error & { stdout?: string }) => {
        assert.fail(`tsc (${moduleResolution}) rejects a user's import of ws-bind:\n${error.stdout || error.message}`);
      });
    }
  });
});
