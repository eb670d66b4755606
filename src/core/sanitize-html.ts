/**
 * `mode="html"` (SPEC 3.2): the value is HTML, sanitized before it is
 * inserted. Where the browser has the Sanitizer API (`Element.setHTML`) it
 * parses and sanitizes in one step; elsewhere DOMPurify does, through a
 * Trusted Types policy named `ws-bind`. Both keep the same ordinary markup
 * (the allowances below) and never scripts, event handlers or script URLs;
 * `href` and `src` then pass the same URL policy as templates.
 *
 * Parsing happens inside a `<template>` (or DOMPurify's own inert document),
 * so nothing in the HTML loads or runs before it is sanitized; handlers and
 * inline styles are dropped from the text before it is parsed at all, so a
 * page with a strict CSP and Trusted Types logs no violation.
 */
import type { TrustedTypePolicy, TrustedTypesWindow } from 'trusted-types/lib/index.js';
import { isAllowedUrl, isUrlAttribute } from '../template/url-policy.js';
import { withoutInlineCode } from './inline-attributes.js';

/** Turns a value's HTML into a sanitized fragment ready to insert. */
export type HtmlSanitizer = (html: string) => DocumentFragment;

/** The Trusted Types policy the DOMPurify fallback creates; a CSP that lists policies must name it. */
export const TRUSTED_TYPES_POLICY_NAME = 'ws-bind';

/** Elements kept: text structure, links, images, lists and tables. */
const ELEMENTS = [
  'a', 'abbr', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details',
  'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins',
  'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table',
  'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u', 'ul', 'var', 'wbr',
];

/** The WAI-ARIA 1.2 states and properties: the Sanitizer API takes attribute names, not a pattern. */
const ARIA_ATTRIBUTES = [
  'activedescendant', 'atomic', 'autocomplete', 'braillelabel', 'brailleroledescription', 'busy', 'checked', 'colcount',
  'colindex', 'colindextext', 'colspan', 'controls', 'current', 'describedby', 'description', 'details', 'disabled',
  'errormessage', 'expanded', 'flowto', 'haspopup', 'hidden', 'invalid', 'keyshortcuts', 'label', 'labelledby', 'level',
  'live', 'modal', 'multiline', 'multiselectable', 'orientation', 'owns', 'placeholder', 'posinset', 'pressed',
  'readonly', 'relevant', 'required', 'roledescription', 'rowcount', 'rowindex', 'rowindextext', 'rowspan', 'selected',
  'setsize', 'sort', 'valuemax', 'valuemin', 'valuenow', 'valuetext',
].map((name) => `aria-${name}`);

/** Attributes kept on any kept element (`data-*` too); `style` is not among them, so no inline style reaches the page. */
const ATTRIBUTES = [
  'id', 'class', 'title', 'role', 'alt', 'lang', 'dir', 'href', 'src', 'width', 'height', 'colspan', 'rowspan',
  'scope', 'headers', 'span', 'start', 'reversed', 'type', 'value', 'datetime', 'open', ...ARIA_ATTRIBUTES,
];

/** The parts of the Sanitizer API this module uses (not yet in TypeScript's DOM types). */
interface SanitizerConfig {
  elements: string[];
  attributes: string[];
  dataAttributes: boolean;
  comments: boolean;
}
interface SetHtmlElement {
  setHTML(html: string, options: { sanitizer: SanitizerConfig }): void;
}

const SANITIZER_CONFIG: SanitizerConfig = { elements: ELEMENTS, attributes: ATTRIBUTES, dataAttributes: true, comments: false };

/** Whether this browser sanitizes with `Element.setHTML` (feature-detected, never by browser name). */
export function hasSetHtml(): boolean {
  return typeof (Element.prototype as Partial<SetHtmlElement>).setHTML === 'function';
}

let fallback: Promise<HtmlSanitizer> | undefined;

/**
 * Sanitizes `html` into a fragment: at once through `setHTML`, or as a promise once DOMPurify has loaded (the one-file
 * ESM build loads it from `ws-bind-purify.js` beside itself). The promise rejects, naming that file, when it cannot load.
 */
export function sanitizeHtml(html: string): DocumentFragment | Promise<DocumentFragment> {
  if (hasSetHtml()) return sanitizeWithSetHtml(html);
  fallback ??= loadPurifySanitizer().catch((error: unknown) => {
    fallback = undefined;
    throw new Error(`mode="html" needs ws-bind-purify.js beside ws-bind.js in this browser (${String(error)})`, { cause: error });
  });
  return fallback.then((sanitize) => sanitize(html));
}

/** Sanitizes with the Sanitizer API into an inert `<template>`. */
export function sanitizeWithSetHtml(html: string): DocumentFragment {
  const holder = document.createElement('template');
  (holder as unknown as SetHtmlElement).setHTML(withoutInlineCode(html), { sanitizer: SANITIZER_CONFIG });
  return dropRefusedUrls(holder.content);
}

let trustedTypesPolicy: TrustedTypePolicy | undefined;

/**
 * The DOMPurify sanitizer with the same allowances. The HTML is parsed into an inert `<template>` through the
 * `ws-bind` Trusted Types policy (created once) and DOMPurify cleans that tree in place: its own parse, in a
 * `DOMParser` document, would make a strict CSP report every `<style>` in the value, and its own `dompurify` policy
 * is never created, so a CSP need list only `ws-bind`.
 */
export async function loadPurifySanitizer(): Promise<HtmlSanitizer> {
  const { DOMPurify: purify } = await import('./purify.js');
  // The policy only ever receives a value on its way into an inert template, which DOMPurify then cleans.
  trustedTypesPolicy ??= (globalThis as unknown as Partial<TrustedTypesWindow>).trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY_NAME, {
    createHTML: (input: string) => input,
    createScriptURL: (input: string) => input,
  }) as TrustedTypePolicy | undefined;
  const policy = trustedTypesPolicy;
  return (html) => {
    const holder = document.createElement('template');
    const text = withoutInlineCode(html);
    holder.innerHTML = (policy ? policy.createHTML(text) : text) as string;
    // DOMPurify cleans an element in place, not a fragment: hold the content in a <div> while it does.
    const root = holder.content.ownerDocument.createElement('div');
    root.append(holder.content);
    purify.sanitize(root, {
      ALLOWED_TAGS: ELEMENTS,
      ALLOWED_ATTR: ATTRIBUTES,
      ALLOW_DATA_ATTR: true,
      ALLOW_ARIA_ATTR: true,
      IN_PLACE: true,
      ...(policy ? { TRUSTED_TYPES_POLICY: policy } : {}),
    });
    holder.content.append(...root.childNodes);
    return dropRefusedUrls(holder.content);
  };
}

/** Removes every URL attribute the URL policy refuses (both sanitizers keep `data:` images, for one). */
function dropRefusedUrls(fragment: DocumentFragment): DocumentFragment {
  for (const element of fragment.querySelectorAll('*')) {
    for (const name of element.getAttributeNames()) {
      const value = element.getAttribute(name);
      if (isUrlAttribute(element.localName, name) && value !== null && !isAllowedUrl(value, document.baseURI)) element.removeAttribute(name);
    }
  }
  return fragment;
}
