/**
 * The library builds of ws-bind, run in order by `npm run build` (scripts/build.ts):
 * the unbundled ESM build behind `import 'ws-bind'`, then the one-file bundles
 * for pages without a bundler. `vite build` alone makes the one-file bundles.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type InlineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const entry = fileURLToPath(new URL('./src/index.ts', import.meta.url));

/** Packages the unbundled build imports instead of copying, so an app that already uses them loads them once. */
const dependencies = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'partysocket', 'dompurify'];

/** Whether an import names one of the runtime dependencies or one of their subpaths (`lit/decorators.js`). */
export function isDependency(id: string): boolean {
  return dependencies.some((name) => id === name || id.startsWith(`${name}/`));
}

/** Settings every build shares: lit's production build, no dev-only warnings, no copied public files. */
const shared: InlineConfig = {
  configFile: false,
  root,
  mode: 'production',
  logLevel: 'warn',
  publicDir: false,
  resolve: { conditions: ['production', ...defaultClientConditions] },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

/** `dist/esm/`: one file per source module, dependencies left as imports; apps minify it themselves. */
export const unbundledBuild: InlineConfig = {
  ...shared,
  build: {
    outDir: 'dist/esm',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry, formats: ['es'] },
    rolldownOptions: {
      external: isDependency,
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
};

/**
 * `dist/ws-bind.js` (ESM) and `dist/ws-bind.iife.js` (classic script), minified, dependencies bundled. Code the
 * library loads on first use (formats, templates, the HTML sanitizer) becomes `dist/ws-bind-*.js` chunks next to the
 * ESM file; the classic script cannot load chunks, so it inlines them.
 */
export const bundledBuild: InlineConfig = {
  ...shared,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    lib: {
      entry,
      name: 'WsBind',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'ws-bind.js' : 'ws-bind.iife.js'),
    },
    // Library mode keeps ES output readable; this turns on whitespace removal and mangling for both formats.
    rolldownOptions: {
      // Lets the entry also export what the lazy chunks share with it, instead of splitting that into more files.
      preserveEntrySignatures: 'allow-extension',
      // Keeps license comments; tree-shaking annotations are of no use in a finished bundle.
      output: { minify: true, comments: { legal: true, annotation: false, jsdoc: false }, chunkFileNames: 'ws-bind-[name].js' },
    },
  },
};

/** Every library build, in the order `npm run build` runs them. */
export const libraryBuilds: InlineConfig[] = [unbundledBuild, bundledBuild];

export default bundledBuild;
