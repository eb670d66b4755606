/**
 * `mode="html"` in a browser without `Element.setHTML`: the element falls
 * back to DOMPurify with the same allowances, through the one Trusted Types
 * policy named `ws-bind` (DOMPurify's own `dompurify` policy is never made).
 * This file runs in a page of its own, where `setHTML` is removed before the
 * sanitizer is first loaded.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { TRUSTED_TYPES_POLICY_NAME, hasSetHtml } from '../../src/core/sanitize-html.js';
import { TestServer, find, mount, patiently, useTestServer } from './helpers.js';
import { codeCarriers, xssFired } from './xss-corpus.js';

interface PolicyFactory { createPolicy(name: string, rules: object): unknown }

const policiesMade: string[] = [];
const factory = (window as unknown as { trustedTypes: PolicyFactory }).trustedTypes;
const createPolicy = factory.createPolicy.bind(factory);
factory.createPolicy = (name, rules) => {
  policiesMade.push(name);
  return createPolicy(name, rules);
};
const setHtml = Object.getOwnPropertyDescriptor(Element.prototype, 'setHTML');

describe('mode="html" without Element.setHTML', () => {
  let server: TestServer;

  before(() => {
    delete (Element.prototype as Partial<{ setHTML: unknown }>).setHTML;
  });

  after(() => {
    if (setHtml) Object.defineProperty(Element.prototype, 'setHTML', setHtml);
  });

  useTestServer((started) => (server = started));

  it('sanitizes through DOMPurify with the ws-bind policy and keeps ordinary markup', async () => {
    expect(hasSetHtml()).to.equal(false);
    const page = mount(`<ws-bind src="${server.url()}" mode="html"></ws-bind>`);
    const bind = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push('<p class="lead" data-id="1" aria-label="x">Hi <a href="https://example.com/">a</a> '
      + '<a href="java\tscript:top.__xss=1">b</a><img src="x" onerror="top.__xss=1" alt="pic"></p><script>top.__xss=1</script>');
    await waitUntil(() => bind.querySelector('p.lead'), 'the HTML never rendered', patiently);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(xssFired()).to.equal(false);
    expect(codeCarriers(bind)).to.deep.equal([]);
    expect(find<HTMLElement>(bind, 'p').dataset.id).to.equal('1');
    expect(find(bind, 'p').getAttribute('aria-label')).to.equal('x');
    expect(bind.querySelector('a[href="https://example.com/"]')).to.not.equal(null);
    expect(find(bind, 'img').getAttribute('alt')).to.equal('pic');
    expect(policiesMade.filter((name) => name !== 'lit-html')).to.deep.equal([TRUSTED_TYPES_POLICY_NAME]);
  });
});
