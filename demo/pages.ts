/**
 * What every demo page shares, filled in when the page is served or built:
 * the navigation, and beside each live example the exact markup that makes it.
 * An example is the markup between `<!-- example -->` and `<!-- /example -->`;
 * it stays where it is, live, and a `<pre><code>` of its source follows it, so
 * the code shown can never drift from the code running.
 */

/** The pages, in the navigation's order. */
export const PAGES: readonly { file: string; title: string }[] = [
  { file: 'index.html', title: 'Home' },
  { file: 'market.html', title: 'Market' },
  { file: 'chat.html', title: 'Chat' },
  { file: 'faces.html', title: 'Faces' },
  { file: 'serverless.html', title: 'Serverless' },
  { file: 'ops.html', title: 'Ops' },
  { file: 'static.html', title: 'Classic script' },
  { file: 'module.html', title: 'Module script' },
  { file: 'compute.html', title: 'Compute' },
  { file: 'strict-csp.html', title: 'Strict CSP' },
  { file: 'private.html', title: 'Private room' },
];

const EXAMPLE = /^([ \t]*)<!-- example -->\n([\s\S]*?)\n[ \t]*<!-- \/example -->$/gm;

/** Text as HTML shows it literally. */
function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The lines without the indentation they all share. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

function navigation(file: string): string {
  const links = PAGES.map((page) => {
    const href = page.file === 'index.html' ? './' : `./${page.file}`;
    const current = page.file === file ? ' aria-current="page"' : '';
    return `<a href="${href}"${current}>${page.title}</a>`;
  });
  return `<nav aria-label="Demo pages">${links.join('')}</nav>`;
}

/** The page `file` as served: `<!-- nav -->` becomes the navigation, each example gets its source beside it. */
export function renderPage(html: string, file: string): string {
  return html
    .replace('<!-- nav -->', navigation(file))
    .replace(EXAMPLE, (_match, indent: string, markup: string) =>
      `${indent}<div class="live">\n${markup}\n${indent}</div>\n${indent}<pre class="source"><code>${escapeHtml(dedent(markup))}</code></pre>`);
}
