/**
 * `npm run lint` (with knip): typescript-eslint's recommended rules, type-aware for the TypeScript files each
 * tsconfig covers, and ESLint's recommended rules for the plain JavaScript files.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
// typescript-eslint from its own workspace, where `typescript` is TypeScript 6 (see tools/typescript-eslint).
import tseslint from 'ws-bind-typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'bench/out/', '.wtr-tmp/', 'node_modules/', 'tools/typescript-eslint/node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.node.json', './test/frameworks/*/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits; @open-wc/semantic-dom-diff
      // types chai's equal()/include() as returning a promise, though they only do so after `.dom`.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [
          { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          { from: 'package', package: '@open-wc/semantic-dom-diff', name: ['Equal'] },
        ],
      }],
      // An async method that implements a Promise-returning interface (a Broker) needs no await to be right.
      '@typescript-eslint/require-await': 'off',
      // Unused parameters are the compiler's job (noUnusedParameters); a leading `_` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Node side: ws hands text frames over as a Buffer; RawData's ArrayBuffer member is for a binaryType never set here.
    files: ['server/**', 'test/server/**', 'test/support/**', 'bench/**', 'scripts/chaos/**'],
    rules: {
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] }],
    },
  },
  {
    // The framework typings merge into each framework's own declarations, which takes an interface that only extends
    // (an alias cannot merge), inside the framework's JSX namespace where it has one.
    files: ['src/jsx/**'],
    rules: {
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
    },
  },
  {
    // Tests, the chaos run and the benchmarks' clients read frames and messages as untyped JSON on purpose.
    files: ['test/**', 'scripts/chaos/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Files no tsconfig covers: configs, the reporter and the benchmark's page script. Linted without types.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['bench/pages/**/*.js', 'test/browser/**/*.js', 'demo/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.sharedworker } },
  },
);
