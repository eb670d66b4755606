/**
 * The XSS corpus the trust tests push through `mode="html"`, templates and
 * plain text, and the two independent checks every vector gets: a flag the
 * payload would set if any of it ran, and an inspection of the inserted DOM
 * for event handlers, script URLs and elements that run or load code.
 */

/** What a payload runs: it sets a flag on the top window, so iframes count too. */
const RUN = 'top.__xss=1';

/** Payloads for every binding kind: markup, mutation strings, script URLs spelled as the URL parser still reads them. */
export const XSS_CORPUS: readonly string[] = [
  '<script>XSS</script>',
  '<img src=x onerror=XSS>',
  '<img src="x" onerror="XSS">',
  '<IMG SRC=x ONERROR=XSS>',
  '<img src=x onerror=XSS//',
  '<img src="x" onerror="&#116;op.__xss=1">',
  '<img srcset="x 1x" onerror=XSS>',
  '<svg onload=XSS>',
  '<svg><script>XSS</script></svg>',
  '<svg><animate onbegin=XSS attributeName=x dur=1s>',
  '<svg><a xlink:href="javascript:XSS"><text x="20" y="20">x</text></a></svg>',
  '<svg><a href="javascript:XSS"><text x="20" y="20">x</text></a></svg>',
  '<svg><set attributeName="href" to="javascript:XSS"/><a><text>x</text></a></svg>',
  '<svg></p><style><a id="</style><img src=1 onerror=XSS>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=XSS>',
  '<math><mi xlink:href="javascript:XSS">x</mi></math>',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=XSS>',
  '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=XSS>"></style></h1>',
  '<noscript><p title="</noscript><img src=x onerror=XSS>">',
  '<iframe srcdoc="<script>XSS</script>"></iframe>',
  '<iframe srcdoc="&lt;img src=x onerror=XSS&gt;"></iframe>',
  '<iframe src="javascript:XSS"></iframe>',
  '<a href="javascript:XSS">x</a>',
  '<a href="JaVaScRiPt:XSS">x</a>',
  '<a href="java&#x09;script:XSS">x</a>',
  '<a href="jav&#x0A;ascript:XSS">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;XSS">x</a>',
  '<a href="javascript&colon;XSS">x</a>',
  '<a href="\x01javascript:XSS">x</a>',
  '<a href=" &#14; javascript:XSS">x</a>',
  '<a href="vbscript:XSS">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a ping="javascript:XSS" href="/">x</a>',
  '<form action="javascript:XSS"><button>x</button></form>',
  '<button formaction="javascript:XSS">x</button>',
  '<form id="f"></form><button form="f" formaction="javascript:XSS">x</button>',
  '<base href="javascript:XSS//"><a href="/x">x</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:XSS">',
  '<object data="javascript:XSS"></object>',
  '<embed src="javascript:XSS">',
  '<details open ontoggle=XSS>x</details>',
  '<input autofocus onfocus=XSS>',
  '<select autofocus onfocus=XSS></select>',
  '<body onload=XSS>',
  '<frameset onload=XSS>',
  '<video><source onerror=XSS></video>',
  '<video poster="javascript:XSS" src=x onerror=XSS></video>',
  '<marquee onstart=XSS>x</marquee>',
  '<div onmouseover=XSS>x</div>',
  '<style>@import "javascript:XSS";</style>',
  '<div style="background:url(javascript:XSS)">x</div>',
  '<link rel="stylesheet" href="javascript:XSS">',
  '<template><img src=x onerror=XSS></template>',
  '<table background="javascript:XSS"><tr><td>x</td></tr></table>',
  '<blockquote cite="javascript:XSS">x</blockquote>',
  '<<script>XSS//<</script>',
  '<scr<script>ipt>XSS</scr</script>ipt>',
  '"><img src=x onerror=XSS>',
  "'><svg onload=XSS>",
  '</textarea><script>XSS</script>',
  '</title><script>XSS</script>',
  '&lt;script&gt;XSS&lt;/script&gt;',
  'javascript:XSS',
  'JAVASCRIPT:XSS',
  ' javascript:XSS',
  'java\tscript:XSS',
  'java\nscript:XSS',
  'java\rscript:XSS',
  '\x01javascript:XSS',
  '\x00 \x1f javascript:XSS',
  'javascript\t:XSS',
  'vbscript:XSS',
  'data:text/html,<script>XSS</script>',
  'red; background-image: url(javascript:XSS)',
  'expression(XSS)',
  'red}</style><script>XSS</script>',
].map((payload) => payload.replaceAll('XSS', RUN));

/** Whether any payload has run. */
export function xssFired(): boolean {
  return (window.top as unknown as { __xss?: unknown }).__xss !== undefined;
}

/** Attributes whose value the browser loads, navigates to or submits to (a superset of the URL policy's list). */
const URL_CARRIERS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'cite', 'ping', 'background', 'data', 'to', 'values', 'from'];
/** Elements that run or load code, or change how the page resolves URLs. */
const CODE_ELEMENTS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'meta', 'link', 'style', 'template']);
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/**
 * What in `root`'s subtree could run code: an `on*` attribute, a `srcdoc`, an element of CODE_ELEMENTS (outside
 * `allowed`, the author's own), a URL attribute the browser parses to a non-http(s)/mailto/tel URL, a script URL
 * in inline style. Empty when nothing could.
 */
export function codeCarriers(root: Element, allowed: readonly Element[] = []): string[] {
  const found: string[] = [];
  for (const element of root.querySelectorAll('*')) {
    if (allowed.includes(element) || allowed.some((author) => author.contains(element) && author.localName === 'template')) continue;
    if (CODE_ELEMENTS.has(element.localName)) found.push(`<${element.localName}>`);
    for (const { name, value } of element.attributes) {
      if (name.startsWith('on')) found.push(`${element.localName}[${name}]`);
      if (name === 'srcdoc') found.push(`${element.localName}[srcdoc]`);
      if (name === 'style' && /javascript:|expression\(/i.test(value)) found.push(`${element.localName}[style=${value}]`);
      if (URL_CARRIERS.includes(name)) {
        let protocol: string;
        try {
          protocol = new URL(value, document.baseURI).protocol;
        } catch {
          continue;
        }
        if (!SAFE_PROTOCOLS.has(protocol)) found.push(`${element.localName}[${name}=${JSON.stringify(value)}]`);
      }
    }
  }
  return found;
}
