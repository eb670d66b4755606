import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions, isAtOrBefore, parsePosition, validateClientMessage, validateServerMessage } from '../../src/core/protocol.js';

test('positions compare numerically part by part within an epoch', () => {
  assert.equal(comparePositions('e1:9', 'e1:10'), -1);
  assert.equal(comparePositions('e1:10-2', 'e1:10-10'), -1);
  assert.equal(comparePositions('e1:5', 'e1:5'), 0);
  assert.equal(comparePositions('e1:5', 'e2:5'), null);
  assert.equal(parsePosition('nocolon'), null);
  assert.equal(parsePosition('e:1x'), null);
  assert.equal(isAtOrBefore('e1:3', 'e1:3'), true);
  assert.equal(isAtOrBefore('e1:4', 'e1:3'), false);
  assert.equal(isAtOrBefore('e2:1', 'e1:3'), false);
});

test('client messages are validated with the SPEC error codes', () => {
  assert.equal(validateClientMessage({ type: 'subscribe', topic: 'clock' }).ok, true);
  assert.deepEqual(validateClientMessage({ type: 'nope' }), { ok: false, code: 'unknown-type', message: 'unknown message type "nope"' });
  const bad = validateClientMessage({ type: 'subscribe', topic: 7 });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.code, 'bad-request');
  assert.equal(validateClientMessage({ type: 'publish', topic: 'chat/x' }).ok, false);
  assert.equal(validateClientMessage({ type: 'subscribe', topic: 'x', since: 'bad' }).ok, false);
  assert.equal(validateClientMessage([1]).ok, false);
  assert.equal(validateClientMessage({ type: 'toString' }).ok, false);
});

test('server messages are validated on the client side', () => {
  assert.equal(validateServerMessage({ type: 'welcome', id: 'c1', resume: 'r' }).ok, true);
  assert.equal(validateServerMessage({ type: 'error', code: 'made-up', message: 'x' }).ok, false);
  assert.equal(validateServerMessage({ type: 'event', topic: 't', pos: 'e:1', data: null }).ok, true);
});
