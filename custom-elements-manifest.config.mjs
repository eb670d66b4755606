/**
 * `cem analyze` settings: the manifest describes the public elements only,
 * read from their classes' JSDoc (`@attr`, `@fires`, `@csspart`, `@slot`,
 * `@cssstate`), and is written to the repository root where package.json's
 * "customElements" points.
 */

/** `ws-bind` → `WsBindElement`: the class name each element file exports. */
function className(tagName) {
  return tagName.replace(/(^|-)([a-z])/g, (_match, _dash, letter) => letter.toUpperCase()) + 'Element';
}

/**
 * Marks each element class as the custom element its file is named after
 * (`src/elements/ws-bind.ts` defines `<ws-bind>`). The analyzer cannot see
 * that itself: the classes extend a base that is `HTMLElement` only in a
 * browser, and `src/index.ts` defines them in a loop.
 */
function tagsFromFileNames() {
  return {
    name: 'ws-bind-tags-from-file-names',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        const tagName = module.path.match(/^src\/elements\/(ws-[a-z-]+)\.ts$/)?.[1];
        if (!tagName) continue;
        const declaration = module.declarations?.find((candidate) => candidate.name === className(tagName));
        if (!declaration) throw new Error(`${module.path} does not declare ${className(tagName)}`);
        declaration.customElement = true;
        declaration.tagName = tagName;
        module.exports = [
          ...(module.exports ?? []),
          { kind: 'custom-element-definition', name: tagName, declaration: { name: declaration.name, module: module.path } },
        ];
      }
    },
  };
}

export default {
  globs: ['src/elements/*.ts'],
  outdir: '.',
  dev: false,
  plugins: [tagsFromFileNames()],
};
