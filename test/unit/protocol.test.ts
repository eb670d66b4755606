import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparePositions, isAtOrBefore, parsePosition, readServerMessage, validateClientMessage, validateServerMessage,
} from '../../src/core/protocol.js';

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

test('positions compare exactly without parsing: leading zeros, missing parts, offsets beyond a safe integer', () => {
  assert.equal(comparePositions('e:007', 'e:7'), 0);
  assert.equal(comparePositions('e:10', 'e:10-0'), 0);
  assert.equal(comparePositions('e:10-1', 'e:10'), 1);
  assert.equal(comparePositions('e:9-99', 'e:10'), -1);
  assert.equal(comparePositions('e:99999999999999999999', 'e:100000000000000000000'), -1);
  assert.equal(comparePositions('e:9007199254740993', 'e:9007199254740992'), 1);
  assert.equal(comparePositions('e:12345678901234567890-2', 'e:12345678901234567890-10'), -1);
  assert.equal(comparePositions('ab:5', 'a:5'), null);
  assert.equal(comparePositions('a:b:5', 'a:b:5'), null);
  assert.equal(comparePositions('e:5', 'e:5-'), null);
  assert.equal(comparePositions('e:-5', 'e:5'), null);
  assert.equal(comparePositions(':5', ':5'), null);
  assert.equal(isAtOrBefore('e:5', undefined), false);
});

test('every message kind the fuzzer can send gets a verdict, never an exception', () => {
  for (const value of [null, undefined, 7, 'text', [], [{ type: 'ping' }], {}, { type: 5 }, { type: 'constructor' }]) {
    const verdict = validateClientMessage(value);
    assert.equal(verdict.ok, false, JSON.stringify(value));
    assert.equal(readServerMessage(value), undefined, JSON.stringify(value));
  }
});

test('the browser reads valid server messages as they are and refuses broken ones', () => {
  const event = { type: 'event', topic: 't', pos: 'e:1', data: { v: 1 } };
  assert.equal(readServerMessage(event), event);
  assert.equal(readServerMessage({ type: 'event', topic: 't', pos: 'e:1' }), undefined);
  assert.equal(readServerMessage({ type: 'ack', id: 3, pos: 'e:2' })?.type, 'ack');
  assert.equal(readServerMessage({ type: 'error', code: 'made-up', message: 'x' }), undefined);
  assert.equal(readServerMessage({ type: 'welcome', id: 'c1' }), undefined);
  assert.deepEqual(validateServerMessage({ type: 'welcome', id: 'c1' }), {
    ok: false, code: 'bad-request', message: '"welcome" needs "resume" to be a string',
  });
});
