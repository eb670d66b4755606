import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../src/core/merge-patch.js';

/** The test cases of RFC 7386, Appendix A: [target, patch, result]. */
const RFC_EXAMPLES: [string, string, string][] = [
  ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
  ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
  ['{"a":"b"}', '{"a":null}', '{}'],
  ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
  ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
  ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
  ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
  ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
  ['["a","b"]', '["c","d"]', '["c","d"]'],
  ['{"a":"b"}', '["c"]', '["c"]'],
  ['{"a":"foo"}', 'null', 'null'],
  ['{"a":"foo"}', '"bar"', '"bar"'],
  ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
  ['[1,2]', '{"a":"b","c":null}', '{"a":"b"}'],
  ['{}', '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
];

test('RFC 7386 appendix A examples', () => {
  for (const [target, patch, result] of RFC_EXAMPLES) {
    assert.deepEqual(applyMergePatch(JSON.parse(target), JSON.parse(patch)), JSON.parse(result), `${target} + ${patch}`);
  }
});

test('the RFC section 3 example document', () => {
  const target = {
    title: 'Goodbye!',
    author: { givenName: 'John', familyName: 'Doe' },
    tags: ['example', 'sample'],
    content: 'This will be unchanged',
  };
  const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
  assert.deepEqual(applyMergePatch(target, patch), {
    title: 'Hello!',
    author: { givenName: 'John' },
    tags: ['example'],
    content: 'This will be unchanged',
    phoneNumber: '+01-123-456-7890',
  });
});

test('the target is never mutated', () => {
  for (const [target, patch] of RFC_EXAMPLES) {
    const before = JSON.parse(target);
    const copy = structuredClone(before);
    applyMergePatch(before, JSON.parse(patch));
    assert.deepEqual(before, copy, `${target} + ${patch}`);
  }
});

test('branches the patch does not touch are shared, touched ones are new', () => {
  const target = { quotes: { AAPL: { price: 1 }, MSFT: { price: 2 } }, meta: { n: 1 } };
  const result = applyMergePatch(target, { quotes: { AAPL: { price: 3 } } }) as typeof target;
  assert.equal(result.meta, target.meta);
  assert.equal(result.quotes.MSFT, target.quotes.MSFT);
  assert.notEqual(result.quotes, target.quotes);
  assert.notEqual(result.quotes.AAPL, target.quotes.AAPL);
  assert.equal(result.quotes.AAPL.price, 3);
  assert.equal(target.quotes.AAPL.price, 1);
});

test('keys named like prototype members stay plain data', () => {
  const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true},"constructor":{"x":1}}')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(result, '__proto__')?.value, { polluted: true });
  assert.deepEqual(result.constructor, { x: 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(applyMergePatch({ a: 1 }, { toString: null }), { a: 1 });
});
