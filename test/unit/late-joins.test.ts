import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LateJoins } from '../../src/core/late-joins.js';
import type { ClientMessage, ServerMessage } from '../../src/core/protocol.js';
import type { Subscriber } from '../../src/core/router.js';
import { TopicSession } from '../../src/core/topic-session.js';

function subscriber(topic: string): Subscriber {
  return { topic, conditions: [], deliver() {} };
}

test('answers go to joiners in the order their subscribes went out, after the connection\'s own', () => {
  const joins = new LateJoins<Subscriber>();
  const a = subscriber('chat');
  const b = subscriber('chat');
  joins.wait('chat', a, true);
  joins.wait('chat', b, true);
  assert.equal(joins.current('chat'), undefined, 'the first answer is the connection\'s own');
  assert.equal(joins.answered('chat'), undefined);
  assert.equal(joins.current('chat'), a);
  assert.equal(joins.answered('chat')?.subscriber, a);
  assert.equal(joins.current('chat'), b);
  assert.equal(joins.answered('chat')?.subscriber, b);
  assert.equal(joins.waiting('chat'), false);
});

test('every waiting joiner holds the live messages; one that leaves keeps its slot for its answer', () => {
  const joins = new LateJoins<Subscriber>();
  const a = subscriber('chat');
  const b = subscriber('chat');
  joins.wait('chat', a, false);
  joins.wait('chat', b, false);
  joins.hold('chat', 'hi', { type: 'event' }, 'e:5');
  assert.equal(joins.leave(a), true);
  assert.equal(joins.leave(a), false);
  assert.equal(joins.waiting('chat'), true);
  assert.equal(joins.answered('chat'), undefined, 'a\'s answer goes to nobody');
  assert.deepEqual(joins.answered('chat')?.held, [['hi', { type: 'event' }, 'e:5']]);
});

test('a closed socket hands every waiting joiner back', () => {
  const joins = new LateJoins<Subscriber>();
  joins.wait('chat', subscriber('chat'), false);
  joins.wait('news', subscriber('news'), true);
  assert.equal(joins.takeAll().length, 2);
  assert.equal(joins.waiting('chat') || joins.waiting('news'), false);
});

test('a session resubscribes with one joiner\'s request and reports what it had applied as a replay', () => {
  const sent: ClientMessage[] = [];
  const replayed: unknown[] = [];
  const applied: unknown[] = [];
  const session = new TopicSession({
    send: (message) => void sent.push(message),
    welcomed() {},
    request: () => ({}),
    data: (_name, data) => void applied.push(data),
    replayed: (_name, data) => void replayed.push(data),
    topicChanged() {},
    topicFailed() {},
    error() {},
  });
  session.subscribe('chat');
  assert.equal(session.resubscribe('chat', { history: 10 }), false, 'not before welcome');
  session.opened();
  const receive = (message: ServerMessage) => session.receive(message);
  receive({ type: 'welcome', id: 'c', resume: 'r' });
  assert.equal(session.awaitsAnswer('chat'), true);
  receive({ type: 'subscribed', topic: 'chat', pos: 'e:2', recovered: true });
  assert.equal(session.awaitsAnswer('chat'), false);
  receive({ type: 'event', topic: 'chat', pos: 'e:3', data: 'three' });
  assert.equal(session.resubscribe('chat', { history: 10 }), true);
  assert.equal(session.resubscribe('chat', { since: 'e:1', history: 10 }), true);
  assert.deepEqual(sent.slice(-2), [
    { type: 'subscribe', topic: 'chat', history: 10 },
    { type: 'subscribe', topic: 'chat', since: 'e:1' },
  ]);
  receive({ type: 'event', topic: 'chat', pos: 'e:2', data: 'two' });
  receive({ type: 'event', topic: 'chat', pos: 'e:4', data: 'four' });
  assert.deepEqual(applied, ['three', 'four']);
  assert.deepEqual(replayed, ['two']);
  session.dispose();
});
