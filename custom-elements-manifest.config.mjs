/**
 * `cem analyze` settings: the manifest describes the public elements only,
 * read from their classes' JSDoc (`@attr`, `@fires`, `@csspart`, `@slot`,
 * `@cssstate`), and is written to the repository root where package.json's
 * "customElements" points. Its module paths name the files the package ships
 * (`dist/esm/elements/ws-bind.js`, typed by `dist/types/elements/ws-bind.d.ts`),
 * not the sources it was read from, which are not in the package.
 */
import { readFileSync } from 'node:fs';

/** `ws-bind` → `WsBindElement`: the class name each element file exports. */
function className(tagName) {
  return tagName.replace(/(^|-)([a-z])/g, (_match, _dash, letter) => letter.toUpperCase()) + 'Element';
}

/** Whether the class source declares field `name` itself: in its body, as a getter, or as `this.name =`. */
function declaresField(source, name) {
  const declared = new RegExp(`(^|[\\s;])(this\\.)?${name}\\s*[=:(!?]|\\b(get|set)\\s+${name}\\s*\\(|\\bdeclare\\s+${name}\\b`, 'm');
  return declared.test(source);
}

/**
 * Marks each element class as the custom element its file is named after
 * (`src/elements/ws-bind.ts` defines `<ws-bind>`): the analyzer cannot see
 * that itself, since the classes extend a base that is `HTMLElement` only in
 * a browser and `src/index.ts` defines them in a loop. Also drops what is not
 * public API: module-level helpers the file does not export, and fields the
 * analyzer invents from assignments to other objects' properties in a
 * constructor (`style.textContent = …`).
 */
function publicElementsOnly() {
  return {
    name: 'ws-bind-public-elements',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        const tagName = module.path.match(/^src\/elements\/(ws-[a-z-]+)\.ts$/)?.[1];
        if (!tagName) continue;
        const exported = new Set((module.exports ?? []).map((entry) => entry.declaration?.name));
        module.declarations = (module.declarations ?? []).filter((declaration) => exported.has(declaration.name));
        const declaration = module.declarations.find((candidate) => candidate.name === className(tagName));
        if (!declaration) throw new Error(`${module.path} does not export ${className(tagName)}`);
        const source = readFileSync(module.path, 'utf8');
        declaration.members = (declaration.members ?? []).filter((member) => member.kind !== 'field' || declaresField(source, member.name));
        declaration.customElement = true;
        declaration.tagName = tagName;
        module.exports.push({ kind: 'custom-element-definition', name: tagName, declaration: { name: declaration.name, module: module.path } });
      }
    },
  };
}

/** `src/elements/ws-bind.ts` (or a reference to it as `/src/elements/ws-bind.js`) → `dist/esm/elements/ws-bind.js`. */
function shippedPath(sourcePath) {
  const inSource = sourcePath.match(/^\/?src\/(.+)\.[jt]s$/);
  return inSource ? `dist/esm/${inSource[1]}.js` : sourcePath;
}

/**
 * Rewrites every module path in the manifest (a module's `path`, and the `module` of each reference to a
 * declaration, superclass or definition) from the source file to the unbundled build's file for it. Runs after
 * publicElementsOnly, which still reads the sources by their paths.
 */
function pointAtShippedFiles() {
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.forEach(rewrite);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'path' || key === 'module') && typeof value === 'string') node[key] = shippedPath(value);
      else rewrite(value);
    }
  };
  return {
    name: 'ws-bind-shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      rewrite(customElementsManifest.modules);
    },
  };
}

export default {
  globs: ['src/elements/*.ts'],
  outdir: '.',
  dev: false,
  plugins: [publicElementsOnly(), pointAtShippedFiles()],
};
