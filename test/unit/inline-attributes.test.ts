import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutInlineCode } from '../../src/core/inline-attributes.js';

test('drops on* and style attributes, quoted, unquoted or bare, and keeps the rest', () => {
  assert.equal(withoutInlineCode('<img src=x onerror=alert(1)>'), '<img src=x >');
  assert.equal(withoutInlineCode('<img src="x" ONERROR="alert(1)" alt=\'a\'>'), '<img src="x"  alt=\'a\'>');
  assert.equal(withoutInlineCode('<p style="color:red" class=c>t</p>'), '<p  class=c>t</p>');
  assert.equal(withoutInlineCode('<input autofocus onfocus>'), '<input autofocus >');
  assert.equal(withoutInlineCode('<svg/onload=alert(1)>'), '<svg/>');
  assert.equal(withoutInlineCode('<a title="x"onclick="y">'), '<a title="x">');
  assert.equal(withoutInlineCode('<a title="<b onclick=1>">t</a>'), '<a title="<b >">t</a>');
  assert.equal(withoutInlineCode('<noscript><p title="</noscript><img src=x onerror=alert(1)>">'), '<noscript><p title="</noscript><img src=x >">');
});

test('text and end tags are left alone', () => {
  assert.equal(withoutInlineCode('a < b and onclick=1'), 'a < b and onclick=1');
  assert.equal(withoutInlineCode('</p onclick=1>'), '</p onclick=1>');
  assert.equal(withoutInlineCode('plain'), 'plain');
});

test('an unterminated tag or value ends the input without losing what came before', () => {
  assert.equal(withoutInlineCode('<b>x</b><img src=x onerror=alert(1)//'), '<b>x</b><img src=x ');
  assert.equal(withoutInlineCode('<b>x</b><img title="open'), '<b>x</b><img title="open');
});
