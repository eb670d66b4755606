/**
 * Server messages as wire text. Topic entries are serialized once and the
 * text cached on the entry, so a broadcast or a replay to many clients
 * costs one `JSON.stringify`.
 */
import type { ErrorCode, Json, MessageId, Position, ServerMessage } from '../src/core/protocol.js';
import type { EntryKind, TopicEntry } from './broker/broker.js';

/** The `event` or `patch` message of a stored entry. */
export function entryText(kind: EntryKind, entry: TopicEntry): string {
  entry.wire ??= JSON.stringify({ type: kind, topic: entry.topic, pos: entry.pos, data: entry.data });
  return entry.wire;
}

/** Any other server message. */
export function messageText(message: ServerMessage): string {
  return JSON.stringify(message);
}

export const PONG_TEXT = messageText({ type: 'pong' });

/** The `error` answering a request, carrying its `id` and `topic` when it had usable ones (SPEC 4). */
export function errorText(code: ErrorCode, message: string, request?: unknown): string {
  const answer: { type: 'error'; code: ErrorCode; message: string; id?: MessageId; topic?: string } = {
    type: 'error',
    code,
    message,
  };
  if (typeof request === 'object' && request !== null) {
    const { id, topic } = request as { id?: unknown; topic?: unknown };
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) answer.id = id;
    if (typeof topic === 'string') answer.topic = topic;
  }
  return messageText(answer);
}

/** A `snapshot` of a state topic. */
export function snapshotText(topic: string, pos: Position, data: Json): string {
  return messageText({ type: 'snapshot', topic, pos, data });
}
