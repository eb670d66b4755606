/**
 * The library builds of ws-bind, run in order by `npm run build` (scripts/build.ts):
 * the unbundled ESM build behind `import 'ws-bind'`, then the one-file bundles
 * for pages without a bundler. `vite build` alone makes the one-file bundles.
 */
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { defaultClientConditions, type InlineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const entry = fileURLToPath(new URL('./src/index.ts', import.meta.url));

/** Packages the unbundled build imports instead of copying, so an app that already uses them loads them once. */
const dependencies = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'dompurify'];

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

/**
 * A last pass of Terser over each minified bundle: it finds a few hundred bytes more than the bundler's own minifier,
 * and SPEC 2's budget is counted in bytes. License comments stay.
 */
const terserPass: Plugin = {
  name: 'ws-bind-terser-pass',
  async generateBundle(options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'chunk') continue;
      const result = await minify(file.code, {
        ecma: 2020,
        module: options.format === 'es',
        compress: { passes: 2, drop_console: true },
        format: { comments: /@license|@preserve|^!/ },
      });
      file.code = result.code ?? file.code;
    }
  },
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
 * `dist/ws-bind.js` (ESM) and `dist/ws-bind.iife.js` (classic script): each one minified file with every element and
 * feature, dependencies bundled (SPEC 2). The only split is DOMPurify, the HTML sanitizer for browsers without
 * `Element.setHTML`: `dist/ws-bind-purify.js` beside the ESM file; the classic script cannot load files, so it carries
 * DOMPurify inside.
 */
export const bundledBuild: InlineConfig = {
  ...shared,
  plugins: [terserPass],
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
    rolldownOptions: {
      // Lets the entry also export what the sanitizer chunk shares with it, instead of splitting that into more files.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Nothing of ours logs; dropping console calls drops the Node-only setup warnings of a dependency with them.
        minify: { compress: { dropConsole: true }, mangle: true, codegen: { removeWhitespace: true } },
        // Keeps license comments; tree-shaking annotations are of no use in a finished bundle.
        comments: { legal: true, annotation: false, jsdoc: false },
        chunkFileNames: 'ws-bind-[name].js',
      },
    },
  },
};

/** Every library build, in the order `npm run build` runs them. */
export const libraryBuilds: InlineConfig[] = [unbundledBuild, bundledBuild];

export default bundledBuild;
