/**
 * The strict-CSP test page's script: points the page's `<ws-source>` at the
 * test server named in `?port=`, then loads the library, and lends the test
 * the DOMPurify fallback so it can run in this page's realm too.
 */
import { loadPurifySanitizer, sanitizeWithSetHtml } from '../../../src/core/sanitize-html.js';

const port = new URLSearchParams(location.search).get('port');
document.getElementById('feed')?.setAttribute('src', `ws://127.0.0.1:${port}/`);
await import('../../../src/index.js');

Object.assign(window, { strictPage: { sanitizeWithSetHtml, loadPurifySanitizer, ready: true } });
