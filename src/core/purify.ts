/**
 * DOMPurify, for browsers without `Element.setHTML`. Its own module, so the
 * one-file ESM build keeps it in `ws-bind-purify.js` and pages that never
 * need it never load it.
 */
export { default as DOMPurify } from 'dompurify';
