import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionKey, matches } from '../../src/core/condition.js';
import { parseMatch } from '../../src/core/match.js';
import { ConfigError } from '../../src/core/errors.js';

test('conditions are path=value tokens separated by whitespace', () => {
  assert.deepEqual(parseMatch(' type=trade \n symbol=AAPL '), [
    { path: ['type'], pathText: 'type', value: 'trade' },
    { path: ['symbol'], pathText: 'symbol', value: 'AAPL' },
  ]);
  assert.deepEqual(parseMatch(''), []);
  assert.deepEqual(parseMatch('   '), []);
});

test('values may contain "=" after the first one, and may be empty', () => {
  assert.deepEqual(parseMatch('query=a=b=c'), [{ path: ['query'], pathText: 'query', value: 'a=b=c' }]);
  assert.deepEqual(parseMatch('note='), [{ path: ['note'], pathText: 'note', value: '' }]);
});

test('bracket paths and quoted values may hold whitespace', () => {
  assert.deepEqual(parseMatch('a["x y"]=1 user.name="Ada L" b[\'k=v\']=\'it\\\'s\''), [
    { path: ['a', 'x y'], pathText: 'a["x y"]', value: '1' },
    { path: ['user', 'name'], pathText: 'user.name', value: 'Ada L' },
    { path: ['b', 'k=v'], pathText: "b['k=v']", value: "it's" },
  ]);
  assert.deepEqual(parseMatch('list[0].kind=up'), [{ path: ['list', 0, 'kind'], pathText: 'list[0].kind', value: 'up' }]);
});

test('bad tokens are configuration faults naming the token', () => {
  for (const [text, token] of [
    ['type=trade symbol', 'symbol'],
    ['=trade', '=trade'],
    ['a..b=1', 'a..b=1'],
    ['a[=1', 'a[=1'],
    ['a="x y', 'a="x y'],
    ['a="x"y', 'a="x"y'],
  ]) {
    assert.throws(() => parseMatch(text), (error: unknown) =>
      error instanceof ConfigError && error.message.includes(`"${token}"`), `expected "${text}" to be rejected`);
  }
});

test('a message matches when every condition holds as a string', () => {
  const message = { type: 'trade', symbol: 'AAPL', qty: 10, buy: true, note: null, tags: ['a'], meta: { x: 1 } };
  assert.equal(matches(message, parseMatch('type=trade symbol=AAPL')), true);
  assert.equal(matches(message, parseMatch('type=trade symbol=MSFT')), false);
  assert.equal(matches(message, parseMatch('qty=10 buy=true note=null')), true);
  assert.equal(matches(message, parseMatch('qty=10.0')), false);
  assert.equal(matches(message, parseMatch('tags[0]=a')), true);
  assert.equal(matches(message, parseMatch('type=Trade')), false);
  assert.equal(matches(message, []), true);
});

test('objects and arrays never equal, and a missing path fails', () => {
  const message = { tags: ['a'], meta: { x: 1 }, empty: '' };
  assert.equal(matches(message, parseMatch('tags=a')), false);
  assert.equal(matches(message, parseMatch('meta="[object Object]"')), false);
  assert.equal(matches(message, parseMatch('absent=')), false);
  assert.equal(matches(message, parseMatch('absent=undefined')), false);
  assert.equal(matches(message, parseMatch('empty=')), true);
  assert.equal(matches(message, parseMatch('constructor="function Object() { [native code] }"')), false);
  assert.equal(matches(null, parseMatch('a=null')), false);
  assert.equal(matches('ping', parseMatch('.=ping')), true);
});

test('conditionKey gives the string a condition compares against', () => {
  const [condition] = parseMatch('symbol=AAPL');
  assert.equal(conditionKey({ symbol: 'MSFT' }, condition), 'MSFT');
  assert.equal(conditionKey({ symbol: 7 }, condition), '7');
  assert.equal(conditionKey({ symbol: null }, condition), 'null');
  assert.equal(conditionKey({ symbol: { x: 1 } }, condition), undefined);
  assert.equal(conditionKey({}, condition), undefined);
  assert.equal(conditionKey('text frame', condition), undefined);
});
