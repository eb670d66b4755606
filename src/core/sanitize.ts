/**
 * HTML in, only through a sanitizer (SPEC 3.2 `mode="html"`): the
 * platform's `Element.setHTML` where the browser has it, else DOMPurify,
 * which the one-file ESM build loads from `ws-bind-purify.js` beside itself.
 */

type Purify = (html: string) => DocumentFragment;

let purifier: Promise<Purify> | undefined;

/**
 * What is taken out on top of the sanitizer's own removal of scripts, event handlers and script URLs: whatever could
 * restyle, navigate or submit from the page (ordinary markup, images, links, lists and tables stay).
 */
export const REMOVED_ELEMENTS = ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'textarea', 'iframe', 'frame', 'object', 'embed'];
export const REMOVED_ATTRIBUTES = ['style'];

interface SanitizingElement extends Element {
  setHTML(html: string, options: { sanitizer: { removeElements: string[]; removeAttributes: string[] } }): void;
}

function hasSetHTML(element: Element): element is SanitizingElement {
  return typeof (element as Partial<SanitizingElement>).setHTML === 'function';
}

/**
 * Sanitizes `html` into a fragment: at once through `setHTML`, or as a promise once DOMPurify has loaded. The promise
 * rejects, naming the file to copy, when it cannot load.
 */
export function sanitizeHtml(html: string): DocumentFragment | Promise<DocumentFragment> {
  const holder = document.createElement('div');
  if (hasSetHTML(holder)) {
    holder.setHTML(html, { sanitizer: { removeElements: REMOVED_ELEMENTS, removeAttributes: REMOVED_ATTRIBUTES } });
    const fragment = document.createDocumentFragment();
    fragment.append(...holder.childNodes);
    return fragment;
  }
  purifier ??= import('./purify.js').then(
    (module) => module.purify,
    (error: unknown) => {
      purifier = undefined;
      throw new Error(`mode="html" needs ws-bind-purify.js beside ws-bind.js in this browser (${String(error)})`);
    },
  );
  return purifier.then((purify) => purify(html));
}
