/**
 * The payload people type, shared by `chat/<room>` and `inbox/<id>`:
 * `{"text": string of 1..500 chars, "name"?: string of at most 40}`, stored
 * as `{"name", "text", "from": sender's session id, "at": epoch ms}`.
 */
import type { Json } from '../../src/core/protocol.js';
import type { WriteOptions } from '../broker/broker.js';
import type { SessionInfo } from '../sessions.js';
import { invalid, isObject, type FeedContext, type PublishOutcome, type Refusal } from './feed.js';

const MAX_NAME = 40;
const MAX_TEXT = 500;

/** A checked text message: what gets stored, never the client's raw object. */
interface TextMessage {
  name: string;
  text: string;
}

/** Checks a published text message; a refusal names the field at fault. */
function readTextMessage(data: Json): TextMessage | Refusal {
  if (!isObject(data)) return invalid('data must be an object {"name", "text"}');
  const { name = 'anonymous', text } = data;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME) {
    return invalid(`"name" must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_TEXT) {
    return invalid(`"text" must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return { name: name.trim(), text };
}

/** Checks a text message and stores it as an event of `topic`. */
export async function publishTextMessage(
  context: FeedContext,
  topic: string,
  data: Json,
  session: SessionInfo,
  write: WriteOptions,
): Promise<PublishOutcome> {
  const message = readTextMessage(data);
  if ('code' in message) return message;
  const stored = { ...message, from: session.id, at: Date.now() };
  const entry = await context.broker.append(topic, stored, context.options.history, write);
  return { pos: entry.pos };
}
