/**
 * DOMPurify, for browsers without `Element.setHTML`. Its own module, so the
 * one-file ESM build keeps it in `ws-bind-purify.js` and pages that never
 * need it never load it.
 */
import DOMPurify from 'dompurify';
import { REMOVED_ATTRIBUTES, REMOVED_ELEMENTS } from './sanitize.js';

/** Sanitizes `html` into a fragment of this document. */
export function purify(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: REMOVED_ELEMENTS, FORBID_ATTR: REMOVED_ATTRIBUTES });
}
