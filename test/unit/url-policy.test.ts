import { test } from 'node:test';
import assert from 'node:assert/strict';
import { URL_ATTRIBUTES, isAllowedUrl, isUrlAttribute } from '../../src/template/url-policy.js';

const PAGE = 'https://site.example/app/page.html';

test('relative URLs and http, https, mailto and tel URLs are allowed', () => {
  for (const value of [
    '/users/7', 'users/7', '../up', '?q=1', '#top', '', '//cdn.example/x.png',
    'http://example.com/', 'HTTPS://example.com/a?b#c', 'mailto:ada@example.com', 'tel:+441234', ' https://x.example ',
    'javascript', 'javascript/alert(1)', './javascript:alert(1)', 'jav&#x09;ascript:alert(1)', 'ｊavascript:alert(1)',
  ]) {
    assert.equal(isAllowedUrl(value, PAGE), true, JSON.stringify(value));
  }
});

test('script and other schemes are refused however they are spelled', () => {
  for (const value of [
    'javascript:alert(1)', 'JavaScript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)',
    'java\tscript:alert(1)', 'java\nscript:alert(1)', 'java\rscript:alert(1)', 'j\ta\nv\ra\tscript:alert(1)',
    '\x01javascript:alert(1)', '\x00javascript:alert(1)', '\x1fjavascript:alert(1)', '\x00\x01 \t javascript:alert(1)',
    'javascript:alert(1)\x00', 'javascript\t:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>', 'blob:https://site.example/uuid', 'file:///etc/passwd',
    'ftp://example.com/', 'about:blank', 'livescript:alert(1)', 'x-javascript:alert(1)',
  ]) {
    assert.equal(isAllowedUrl(value, PAGE), false, JSON.stringify(value));
  }
});

test('a value the URL parser rejects is refused', () => {
  assert.equal(isAllowedUrl('http://[::1', PAGE), false);
  assert.equal(isAllowedUrl('https://exa mple.com/', PAGE), false);
});

test('relative URLs resolve against the base: a file: page keeps its own, an opaque base refuses them', () => {
  assert.equal(isAllowedUrl('notes/a.html', 'file:///home/ada/page.html'), true);
  assert.equal(isAllowedUrl('file:///etc/passwd', 'file:///home/ada/page.html'), false);
  assert.equal(isAllowedUrl('#x', 'about:blank'), false);
  assert.equal(isAllowedUrl('x', 'about:blank'), false);
});

test('every URL attribute of SPEC 3.2 is listed', () => {
  assert.deepEqual([...URL_ATTRIBUTES].sort(), [
    'action', 'background', 'cite', 'data', 'formaction', 'href', 'ping', 'poster', 'src', 'xlink:href',
  ]);
});

test('data is a URL attribute on <object> only', () => {
  assert.equal(isUrlAttribute('object', 'data'), true);
  assert.equal(isUrlAttribute('ws-send', 'data'), false);
  assert.equal(isUrlAttribute('a', 'href'), true);
  assert.equal(isUrlAttribute('my-card', 'src'), true);
  assert.equal(isUrlAttribute('a', 'title'), false);
});
