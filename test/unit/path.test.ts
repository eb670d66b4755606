import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MISSING, parsePath, selectPath } from '../../src/core/path.js';
import { ConfigError } from '../../src/core/errors.js';

test('dotted names and bracket indexes parse into segments', () => {
  assert.deepEqual(parsePath('a.b'), ['a', 'b']);
  assert.deepEqual(parsePath('a[0].b'), ['a', 0, 'b']);
  assert.deepEqual(parsePath('[2][10]'), [2, 10]);
  assert.deepEqual(parsePath('AAPL.price'), ['AAPL', 'price']);
  assert.deepEqual(parsePath('items.0'), ['items', '0']);
  assert.deepEqual(parsePath('$meta.x-y.@id'), ['$meta', 'x-y', '@id']);
  assert.deepEqual(parsePath(' a.b '), ['a', 'b']);
});

test('quoted bracket names may hold spaces, dots, brackets and escaped quotes', () => {
  assert.deepEqual(parsePath('a["x y"]'), ['a', 'x y']);
  assert.deepEqual(parsePath("a['x']"), ['a', 'x']);
  assert.deepEqual(parsePath('["a.b"]["[c]"]'), ['a.b', '[c]']);
  assert.deepEqual(parsePath('a["say \\"hi\\""]'), ['a', 'say "hi"']);
  assert.deepEqual(parsePath("a['it\\'s']"), ['a', "it's"]);
  assert.deepEqual(parsePath('a["back\\\\slash"]'), ['a', 'back\\slash']);
  assert.deepEqual(parsePath('a["it\'s"]'), ['a', "it's"]);
  assert.deepEqual(parsePath('a[""]'), ['a', '']);
});

test('the empty path and "." are the whole value', () => {
  assert.deepEqual(parsePath(''), []);
  assert.deepEqual(parsePath('.'), []);
  assert.deepEqual(selectPath({ a: 1 }, []), { a: 1 });
  assert.equal(selectPath('text', []), 'text');
});

test('syntax errors are configuration faults naming the path', () => {
  for (const bad of ['a[', 'a..b', 'a["x]', 'a.', '.a', 'a]', 'a[x]', 'a[-1]', 'a[1', 'a b', 'a["x"y]', "a['x\\']", 'a."b"']) {
    assert.throws(() => parsePath(bad), (error: unknown) =>
      error instanceof ConfigError && error.message.includes(`"${bad}"`), `expected "${bad}" to be rejected`);
  }
});

test('selectPath reads nested objects and arrays', () => {
  const message = { AAPL: { price: 189.5 }, list: [{ b: 'first' }, { b: null }], 'x y': true, '200': 'ok' };
  assert.equal(selectPath(message, parsePath('AAPL.price')), 189.5);
  assert.equal(selectPath(message, parsePath('list[0].b')), 'first');
  assert.equal(selectPath(message, parsePath('list[1].b')), null);
  assert.equal(selectPath(message, parsePath('list.1.b')), null);
  assert.equal(selectPath(message, parsePath('list.length')), 2);
  assert.equal(selectPath(message, parsePath('["x y"]')), true);
  assert.equal(selectPath(message, parsePath('[200]')), 'ok');
});

test('a path that does not resolve is MISSING and never throws', () => {
  // eslint-disable-next-line no-sparse-arrays -- a hole in an array is one of the paths under test
  const message = { a: { b: 1 }, list: [1, , 3], nothing: null };
  for (const path of ['x', 'a.c', 'a.b.c', 'list[5]', 'list[1]', 'nothing.x', 'a[0]', 'list.foo']) {
    assert.equal(selectPath(message, parsePath(path)), MISSING, path);
  }
  assert.equal(selectPath(null, ['a']), MISSING);
  assert.equal(selectPath(undefined, ['a']), MISSING);
  assert.equal(selectPath(42, ['toFixed']), MISSING);
  assert.equal(selectPath('abc', ['length']), MISSING);
  assert.equal(selectPath('abc', [0]), MISSING);
});

test('only own properties are readable, never the prototype', () => {
  assert.equal(selectPath({}, ['__proto__']), MISSING);
  assert.equal(selectPath({ a: 1 }, ['constructor']), MISSING);
  assert.equal(selectPath({ a: 1 }, ['toString']), MISSING);
  assert.equal(selectPath([], ['map']), MISSING);
  assert.equal(selectPath({ a: {} }, parsePath('a.constructor.name')), MISSING);
  // JSON.parse makes "__proto__" an ordinary own key, which is data like any other.
  assert.equal(selectPath(JSON.parse('{"__proto__": {"x": 1}}'), parsePath('__proto__.x')), 1);
});

test('getters are not run', () => {
  let ran = false;
  const value = { get secret() { ran = true; return 1; } };
  assert.equal(selectPath(value, ['secret']), MISSING);
  assert.equal(ran, false);
});
