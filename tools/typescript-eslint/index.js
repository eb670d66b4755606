/**
 * typescript-eslint, resolved from this folder so that its `import 'typescript'` finds the TypeScript 6 installed
 * here. TypeScript 7 (the project's `tsc`) has no JavaScript compiler API yet, and typescript-eslint 8 supports
 * TypeScript below 6.1 only; npm nests typescript-eslint here because its `typescript` peer conflicts with the
 * root's. eslint.config.js imports it through this package's name.
 */
export { default } from 'typescript-eslint';
