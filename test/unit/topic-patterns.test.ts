import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesTopic, parseTopicPattern } from '../../server/topic-patterns.js';

const matches = (pattern: string, topic: string) => matchesTopic(parseTopicPattern(pattern) as readonly string[], topic);

test('* matches exactly one non-empty segment', () => {
  assert.equal(matches('chat/*', 'chat/lobby'), true);
  assert.equal(matches('chat/*', 'chat/a/b'), false);
  assert.equal(matches('chat/*', 'chat'), false);
  assert.equal(matches('chat/*', 'chat/'), false);
  assert.equal(matches('*/x', 'admin/x'), true);
  assert.equal(matches('chat/lobby', 'chat/lobby'), true);
  assert.equal(matches('chat/lobby', 'chat/lobby2'), false);
});

test('a trailing /** matches any rest of one or more segments; ** alone matches everything', () => {
  assert.equal(matches('chat/**', 'chat/a'), true);
  assert.equal(matches('chat/**', 'chat/a/b/c'), true);
  assert.equal(matches('chat/**', 'chat'), false);
  assert.equal(matches('chat/**', 'chats/a'), false);
  assert.equal(matches('**', 'inbox/x'), true);
  assert.equal(matches('**', 'clock'), true);
});

test('patterns that are not patterns are refused', () => {
  for (const bad of ['', 'chat/**/x', 'ch*t/x', 'chat/a**', 5, null, ['chat/*']]) {
    assert.equal(parseTopicPattern(bad), undefined, JSON.stringify(bad));
  }
});
