/**
 * The topic protocol (SPEC section 4): message types, validators and
 * positions. One module for the client and the reference server, so both
 * sides agree on the wire by construction. It imports nothing and touches
 * no DOM or Node API.
 */

/** A JSON value as it travels on the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A publish or task id: a string or a number, echoed back exactly. */
export type MessageId = string | number;

/** `EPOCH:OFFSET`, see SPEC 4.1. */
export type Position = string;

export type ErrorCode =
  | 'bad-request'
  | 'unknown-type'
  | 'unknown-topic'
  | 'forbidden'
  | 'invalid'
  | 'rate-limited'
  | 'too-many-subscriptions'
  | 'unavailable'
  | 'expired';

const ERROR_CODES: readonly ErrorCode[] = [
  'bad-request',
  'unknown-type',
  'unknown-topic',
  'forbidden',
  'invalid',
  'rate-limited',
  'too-many-subscriptions',
  'unavailable',
  'expired',
];

/** Close codes the reference server uses (SPEC 4.4). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooLarge: 1009,
  internal: 1011,
  slowClient: 1013,
  takenOver: 4000,
} as const;

// ---- client → server -------------------------------------------------------

export interface AuthMessage { type: 'auth'; token?: string; resume?: string }
export interface SubscribeMessage { type: 'subscribe'; topic: string; since?: Position; history?: number }
export interface UnsubscribeMessage { type: 'unsubscribe'; topic: string }
export interface PublishMessage { type: 'publish'; topic: string; data: Json; id?: MessageId }
export interface PingMessage { type: 'ping' }
export interface WorkMessage { type: 'work'; topic: string; concurrency: number }
export interface ProgressMessage { type: 'progress'; id: MessageId; value: number }
export interface ResultMessage { type: 'result'; id: MessageId; data: Json }
export interface FailMessage { type: 'fail'; id: MessageId; error: string }

export type ClientMessage =
  | AuthMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | PublishMessage
  | PingMessage
  | WorkMessage
  | ProgressMessage
  | ResultMessage
  | FailMessage;

// ---- server → client -------------------------------------------------------

export interface WelcomeMessage { type: 'welcome'; id: string; resume: string; user?: string }
export interface SubscribedMessage { type: 'subscribed'; topic: string; pos: Position; recovered: boolean }
export interface EventMessage { type: 'event'; topic: string; pos: Position; data: Json }
export interface SnapshotMessage { type: 'snapshot'; topic: string; pos: Position; data: Json }
export interface PatchMessage { type: 'patch'; topic: string; pos: Position; data: Json }
export interface ResetMessage { type: 'reset'; topic: string; pos: Position }
export interface AckMessage { type: 'ack'; id: MessageId; pos: Position }
export interface PongMessage { type: 'pong' }
export interface TaskMessage { type: 'task'; topic: string; id: MessageId; input: Json }
export interface ErrorMessage { type: 'error'; code: ErrorCode; message: string; id?: MessageId; topic?: string }

export type ServerMessage =
  | WelcomeMessage
  | SubscribedMessage
  | EventMessage
  | SnapshotMessage
  | PatchMessage
  | ResetMessage
  | AckMessage
  | PongMessage
  | TaskMessage
  | ErrorMessage;

/** Messages that carry a topic's data at a position. */
export type TopicDataMessage = EventMessage | SnapshotMessage | PatchMessage;

// ---- validation ------------------------------------------------------------

/** The outcome of validating one decoded message. */
export type Validated<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string };

type Rule = 'string' | 'string?' | 'id' | 'id?' | 'count' | 'count?' | 'fraction' | 'position?' | 'json' | 'boolean';

const CLIENT_RULES: Record<ClientMessage['type'], Record<string, Rule>> = {
  auth: { token: 'string?', resume: 'string?' },
  subscribe: { topic: 'string', since: 'position?', history: 'count?' },
  unsubscribe: { topic: 'string' },
  publish: { topic: 'string', data: 'json', id: 'id?' },
  ping: {},
  work: { topic: 'string', concurrency: 'count' },
  progress: { id: 'id', value: 'fraction' },
  result: { id: 'id', data: 'json' },
  fail: { id: 'id', error: 'string' },
};

const SERVER_RULES: Record<ServerMessage['type'], Record<string, Rule>> = {
  welcome: { id: 'string', resume: 'string', user: 'string?' },
  subscribed: { topic: 'string', pos: 'string', recovered: 'boolean' },
  event: { topic: 'string', pos: 'string', data: 'json' },
  snapshot: { topic: 'string', pos: 'string', data: 'json' },
  patch: { topic: 'string', pos: 'string', data: 'json' },
  reset: { topic: 'string', pos: 'string' },
  ack: { id: 'id', pos: 'string' },
  pong: {},
  task: { topic: 'string', id: 'id', input: 'json' },
  error: { code: 'string', message: 'string', id: 'id?', topic: 'string?' },
};

/** True for a plain JSON object: not null, not an array. */
export function isPlainObject(value: Json | undefined): value is { [key: string]: Json };
export function isPlainObject(value: unknown): value is Record<string, unknown>;
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkField(rule: Rule, value: unknown): boolean {
  if (value === undefined) return rule.endsWith('?');
  switch (rule) {
    case 'string':
    case 'string?':
      return typeof value === 'string';
    case 'id':
    case 'id?':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    case 'count':
    case 'count?':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'fraction':
      return typeof value === 'number' && value >= 0 && value <= 1;
    case 'position?':
      return typeof value === 'string' && isPosition(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** What breaks a message: a fault of the whole message, or the name of the first field that breaks its rule. */
type Fault = 'not-an-object' | 'no-type' | 'unknown-type' | 'unknown-code' | { field: string };

/** The first fault of a decoded message against a rule table; undefined when it holds. Allocates nothing on success. */
function findFault(rules: Record<string, Record<string, Rule>>, value: unknown): Fault | undefined {
  if (!isPlainObject(value)) return 'not-an-object';
  const type = value.type;
  if (typeof type !== 'string') return 'no-type';
  if (!Object.prototype.hasOwnProperty.call(rules, type)) return 'unknown-type';
  const fields = rules[type];
  for (const name in fields) if (!checkField(fields[name], value[name])) return { field: name };
  if (type === 'error' && !ERROR_CODES.includes(value.code as ErrorCode)) return 'unknown-code';
  return undefined;
}

function validate<T extends { type: string }>(
  rules: Record<string, Record<string, Rule>>,
  value: unknown,
): Validated<T> {
  const fault = findFault(rules, value);
  if (fault === undefined) return { ok: true, message: value as T };
  if (fault === 'not-an-object') return { ok: false, code: 'bad-request', message: 'a message must be a JSON object' };
  const { type, code } = value as Record<string, unknown>;
  if (fault === 'no-type') return { ok: false, code: 'bad-request', message: 'a message needs a string "type"' };
  if (fault === 'unknown-type') return { ok: false, code: 'unknown-type', message: `unknown message type "${String(type)}"` };
  if (fault === 'unknown-code') return { ok: false, code: 'bad-request', message: `unknown error code "${String(code)}"` };
  const rule = rules[type as string][fault.field];
  return { ok: false, code: 'bad-request', message: `"${String(type)}" needs "${fault.field}" to be ${describe(rule)}` };
}

function describe(rule: Rule): string {
  const base = rule.replace('?', '');
  const text: Record<string, string> = {
    string: 'a string',
    id: 'a string or a number',
    count: 'a whole number ≥ 0',
    fraction: 'a number from 0 to 1',
    position: 'a position "EPOCH:OFFSET"',
    boolean: 'true or false',
    json: 'present',
  };
  return text[base] + (rule.endsWith('?') ? ' when given' : '');
}

/** Checks one decoded client → server message (the server's side). */
export function validateClientMessage(value: unknown): Validated<ClientMessage> {
  return validate<ClientMessage>(CLIENT_RULES, value);
}

/** Checks one decoded server → client message, saying what is wrong with it. */
export function validateServerMessage(value: unknown): Validated<ServerMessage> {
  return validate<ServerMessage>(SERVER_RULES, value);
}

/**
 * The browser's check of one decoded server → client message, run on every
 * message: the message when it is valid, else undefined (no error text to build).
 */
export function readServerMessage(value: unknown): ServerMessage | undefined {
  return findFault(SERVER_RULES, value) === undefined ? (value as ServerMessage) : undefined;
}

// ---- positions -------------------------------------------------------------

/** A parsed position: its epoch and the numeric parts of its offset. */
export interface ParsedPosition { epoch: string; parts: bigint[] }

const OFFSET = /^\d+(?:-\d+)?$/;

/** Parses `EPOCH:OFFSET`; null when it is not one. */
export function parsePosition(pos: string): ParsedPosition | null {
  const colon = pos.lastIndexOf(':');
  if (colon <= 0) return null;
  const epoch = pos.slice(0, colon);
  const offset = pos.slice(colon + 1);
  if (epoch.includes(':') || !OFFSET.test(offset)) return null;
  return { epoch, parts: offset.split('-').map((part) => BigInt(part)) };
}

/** Builds a position from an epoch and an offset. */
export function formatPosition(epoch: string, offset: number | bigint | string): Position {
  return `${epoch}:${offset}`;
}

/** Where the offset of a valid position starts (after its only colon); -1 when `pos` is not `EPOCH:OFFSET`. */
function offsetStart(pos: string): number {
  const colon = pos.indexOf(':');
  return colon > 0 && isOffset(pos, colon + 1) ? colon + 1 : -1;
}

/** True when `pos` from `from` on is an offset: digits, optionally `-digits` (`OFFSET`, read in place). */
function isOffset(pos: string, from: number): boolean {
  let digits = 0;
  let dashes = 0;
  for (let index = from; index < pos.length; index++) {
    const code = pos.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    else if (code === 45 && digits > 0 && dashes++ === 0) digits = 0;
    else return false;
  }
  return digits > 0;
}

/** True when `pos` is a position `EPOCH:OFFSET`. */
export function isPosition(pos: string): boolean {
  return offsetStart(pos) > 0;
}

/** True when `a` and `b` agree on their first `length` characters (an epoch and its colon). */
function sameStart(a: string, b: string, length: number): boolean {
  for (let index = 0; index < length; index++) if (a.charCodeAt(index) !== b.charCodeAt(index)) return false;
  return true;
}

/** Where the digits of an offset part that starts at `from` end (a `-` or the end of the text). */
function partEnd(pos: string, from: number): number {
  const dash = pos.indexOf('-', from);
  return dash < 0 ? pos.length : dash;
}

/**
 * Compares two runs of decimal digits as numbers of any size: without leading
 * zeros the longer is larger, and equal lengths compare digit by digit. An
 * empty run (a missing part) is zero.
 */
function compareDigits(a: string, aFrom: number, aTo: number, b: string, bFrom: number, bTo: number): number {
  while (aFrom < aTo && a.charCodeAt(aFrom) === 48) aFrom++;
  while (bFrom < bTo && b.charCodeAt(bFrom) === 48) bFrom++;
  if (aTo - aFrom !== bTo - bFrom) return aTo - aFrom < bTo - bFrom ? -1 : 1;
  for (; aFrom < aTo; aFrom++, bFrom++) {
    const difference = a.charCodeAt(aFrom) - b.charCodeAt(bFrom);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Compares two positions of one epoch, part by part numerically: negative,
 * zero or positive like a sort comparator. Positions of different epochs
 * (or unparsable ones) are not comparable: the result is null. It runs for
 * every event, so it reads the strings in place: no parsing into objects,
 * no BigInt, exact for offsets of any size.
 */
export function comparePositions(a: Position, b: Position): number | null {
  const aOffset = offsetStart(a);
  const bOffset = offsetStart(b);
  if (aOffset < 0 || aOffset !== bOffset || !sameStart(a, b, aOffset)) return null;
  let aPart = aOffset;
  let bPart = bOffset;
  while (aPart <= a.length || bPart <= b.length) {
    const aEnd = aPart <= a.length ? partEnd(a, aPart) : aPart;
    const bEnd = bPart <= b.length ? partEnd(b, bPart) : bPart;
    const order = compareDigits(a, aPart, aEnd, b, bPart, bEnd);
    if (order !== 0) return order;
    aPart = aEnd + 1;
    bPart = bEnd + 1;
  }
  return 0;
}

/** True when `pos` is at or before `mark` in the same epoch (already applied). */
export function isAtOrBefore(pos: Position, mark: Position | undefined): boolean {
  if (mark === undefined) return false;
  const order = comparePositions(pos, mark);
  return order !== null && order <= 0;
}

/** The earlier of two positions of one epoch; with different epochs, the first. */
export function earliestPosition(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const order = comparePositions(a, b);
  return order !== null && order > 0 ? b : a;
}

// ---- frames ----------------------------------------------------------------

/**
 * Splits a decoded topic-mode frame into its messages: an array frame is a
 * batch handled in order (SPEC 4.4), anything else one message.
 */
export function unpackFrame(decoded: unknown): unknown[] {
  return Array.isArray(decoded) ? decoded : [decoded];
}

/** The private-topic alias an element may name (SPEC 4.4). */
export const INBOX_ALIAS = 'inbox/@me';

/** The inbox topic of a connection id. */
export function inboxTopic(connectionId: string): string {
  return `inbox/${connectionId}`;
}
