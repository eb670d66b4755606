import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEndpoint, splitSources } from '../../src/core/url.js';
import { ConfigError } from '../../src/core/errors.js';

const BASE = 'http://localhost:8000/page/x.html';

test('relative URLs resolve against the page with the scheme mapped', () => {
  assert.equal(resolveEndpoint('/feeds', BASE), 'ws://localhost:8000/feeds');
  assert.equal(resolveEndpoint('feeds?x=1', BASE), 'ws://localhost:8000/page/feeds?x=1');
  assert.equal(resolveEndpoint('../feeds', BASE), 'ws://localhost:8000/feeds');
  assert.equal(resolveEndpoint('//other.example/feeds', 'https://site.example/'), 'wss://other.example/feeds');
  assert.equal(resolveEndpoint('/feeds', 'https://site.example/a/b'), 'wss://site.example/feeds');
});

test('http and https map to ws and wss; ws and wss are kept', () => {
  assert.equal(resolveEndpoint('http://example.com/feeds', BASE), 'ws://example.com/feeds');
  assert.equal(resolveEndpoint('https://example.com/feeds', BASE), 'wss://example.com/feeds');
  assert.equal(resolveEndpoint('ws://example.com:9000/x', BASE), 'ws://example.com:9000/x');
  assert.equal(resolveEndpoint('wss://example.com/x?token=a', BASE), 'wss://example.com/x?token=a');
});

test('surrounding whitespace and the fragment are dropped', () => {
  assert.equal(resolveEndpoint('  wss://example.com/x#part ', BASE), 'wss://example.com/x');
});

test('the sse transport maps the other way', () => {
  assert.equal(resolveEndpoint('ws://example.com/events', BASE, 'sse'), 'http://example.com/events');
  assert.equal(resolveEndpoint('wss://example.com/events', BASE, 'sse'), 'https://example.com/events');
  assert.equal(resolveEndpoint('https://example.com/events', BASE, 'sse'), 'https://example.com/events');
  assert.equal(resolveEndpoint('/events', BASE, 'sse'), 'http://localhost:8000/events');
});

test('an absolute URL works even when the base is not a URL', () => {
  assert.equal(resolveEndpoint('wss://example.com/x', 'about:blank'), 'wss://example.com/x');
  assert.equal(resolveEndpoint('wss://example.com/x', ''), 'wss://example.com/x');
});

test('bad URLs are configuration faults naming the value', () => {
  assert.throws(() => resolveEndpoint('ftp://x', BASE), (error: unknown) =>
    error instanceof ConfigError && error.message.includes('"ftp://x"') && error.message.includes('ftp:'));
  assert.throws(() => resolveEndpoint('http://[bad', BASE), (error: unknown) =>
    error instanceof ConfigError && error.message.includes('"http://[bad"'));
  assert.throws(() => resolveEndpoint('   ', BASE), (error: unknown) =>
    error instanceof ConfigError && /empty/.test(error.message));
  assert.throws(() => resolveEndpoint('/feeds', 'not a url'), (error: unknown) =>
    error instanceof ConfigError && error.message.includes('"/feeds"'));
  assert.throws(() => resolveEndpoint('/feeds', 'file:///home/page.html'), (error: unknown) =>
    error instanceof ConfigError && error.message.includes('"file:"'));
  assert.throws(() => resolveEndpoint('mailto:a@b.c', BASE, 'sse'), /mailto:/);
});

test('several sources separated by whitespace are split for failover', () => {
  assert.deepEqual(splitSources(' wss://a.example/x \n wss://b.example/x\twss://c.example/x '), [
    'wss://a.example/x',
    'wss://b.example/x',
    'wss://c.example/x',
  ]);
  assert.deepEqual(splitSources('/feeds'), ['/feeds']);
  assert.deepEqual(splitSources('   '), []);
});
