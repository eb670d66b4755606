/**
 * A pre-pass over HTML text, before it is parsed for sanitizing: drops
 * event handler (`on*`) and `style` attributes from start tags. It is not
 * the security boundary — the sanitizer after it is — it exists because a
 * page with a strict CSP reports a violation for every handler or inline
 * style the parser meets, even in an inert document that never applies or
 * runs it. It reads tags the way the HTML tokenizer does (quoted and unquoted
 * values, attributes without whitespace between them), and treats every
 * `<` + letter as a tag, also inside attribute values and text the parser
 * may not read as markup (`<noscript><p title="</noscript><img onerror>">`
 * is markup or not depending on the parser's scripting flag), so it can only
 * remove more than needed, and only what the sanitizer drops anyway.
 */

const TAG_START = /<[a-zA-Z]/g;
/** What separates attributes: whitespace and `/`. */
const WHITESPACE = /[\t\n\f\r /]/;
const SPACE = /[\t\n\f\r ]/;

/** `html` without `on*` and `style` attributes in its start tags. */
export function withoutInlineCode(html: string): string {
  const removals: [number, number][] = [];
  TAG_START.lastIndex = 0;
  for (let match = TAG_START.exec(html); match; match = TAG_START.exec(html)) {
    removals.push(...inlineAttributesOf(html, match.index + 1));
    // The next tag may start inside this one's attribute values.
    TAG_START.lastIndex = match.index + 1;
  }
  removals.sort((a, b) => a[0] - b[0]);
  let output = '';
  let copied = 0;
  for (const [start, end] of removals) {
    if (end <= copied) continue;
    output += html.slice(copied, Math.max(start, copied));
    copied = end;
  }
  return output + html.slice(copied);
}

/** The ranges of the `on*` and `style` attributes of the start tag whose name begins at `index`. */
function inlineAttributesOf(html: string, index: number): [number, number][] {
  const found: [number, number][] = [];
  while (index < html.length && !WHITESPACE.test(html[index]) && html[index] !== '>') index++;
  // Attributes, until the tag's closing `>`.
  while (index < html.length && html[index] !== '>') {
    if (WHITESPACE.test(html[index])) {
      index++;
      continue;
    }
    const start = index;
    // An attribute name: its first character may be `=`; it ends at whitespace, `/`, `>` or `=`.
    index++;
    while (index < html.length && !WHITESPACE.test(html[index]) && html[index] !== '>' && html[index] !== '=') index++;
    const name = html.slice(start, index).toLowerCase();
    let after = index;
    while (after < html.length && SPACE.test(html[after])) after++;
    if (html[after] === '=') {
      index = after + 1;
      while (index < html.length && SPACE.test(html[index])) index++;
      const quote = html[index];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, index + 1);
        index = close < 0 ? html.length : close + 1;
      } else {
        while (index < html.length && !SPACE.test(html[index]) && html[index] !== '>') index++;
      }
    }
    if (name.startsWith('on') || name === 'style') found.push([start, index]);
  }
  return found;
}
