/**
 * The URL policy of templates and sanitized HTML (SPEC 3.2): a URL attribute
 * takes a value only when the URL the browser would resolve from it is
 * relative or `http:`, `https:`, `mailto:` or `tel:`. Judged on what the URL
 * parser reads, not on the text as written, because the parser strips
 * characters (`java\tscript:`, `\x01javascript:`) that a pattern over the
 * raw text does not see.
 */

/** Attributes whose value the browser loads, navigates to or submits to. */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'cite', 'ping', 'background', 'data',
]);

/** Whether `attribute` of an element named `tag` holds a URL: all of URL_ATTRIBUTES, `data` on `<object>` only. */
export function isUrlAttribute(tag: string, attribute: string): boolean {
  // `data` is a URL only on <object>; elsewhere it is an ordinary name (`<ws-send data='{"x":1}'>`).
  return URL_ATTRIBUTES.has(attribute) && (attribute !== 'data' || tag === 'object');
}

/** The schemes a URL attribute may point at. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/** The URL parser drops leading and trailing C0 controls and spaces ... */
// eslint-disable-next-line no-control-regex -- the controls the URL parser strips are exactly what this matches
const EDGE_CONTROLS = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
/** ... and every tab and newline anywhere, before it reads the scheme. */
const TABS_AND_NEWLINES = /[\t\n\r]/g;
/** A scheme as the URL parser reads one: an ASCII letter, then letters, digits, `+`, `-` or `.`, then `:`. */
const SCHEME = /^[a-z][a-z\d+\-.]*:/i;

/**
 * Whether `value` may stand in a URL attribute of a page whose base URL is `baseUrl` (`document.baseURI`).
 * A relative value is judged by what it resolves to, so it is allowed on `http:`/`https:` pages and on a page
 * opened from a `file:` URL; a value that does not parse is refused.
 */
export function isAllowedUrl(value: string, baseUrl: string): boolean {
  const parsed = value.replace(EDGE_CONTROLS, '').replace(TABS_AND_NEWLINES, '');
  let url: URL;
  try {
    url = new URL(parsed, baseUrl);
  } catch {
    return false;
  }
  return ALLOWED_PROTOCOLS.has(url.protocol) || (!SCHEME.test(parsed) && url.protocol === 'file:');
}
