/**
 * Select paths (SPEC 3.2, `select`, `match`, template `{{ path }}`): a small
 * grammar for reaching into a JSON message, parsed once and read many times.
 *
 *     path     := '' | '.' | first ( '.' name | bracket )*
 *     first    := name | bracket
 *     bracket  := '[' digits ']' | '[' quoted ']'
 *     quoted   := '"' chars '"' | "'" chars "'"      (a backslash takes the next character as is)
 *     name     := one or more characters other than . [ ] " ' and whitespace
 *
 * `a.b`, `a[0].b`, `a["x y"]`, `a['it\'s']`; the empty path and `.` both mean the whole value.
 */
import { ConfigError } from './errors.js';

/** One step of a path: a property name, or an array index from `[N]`. */
export type PathSegment = string | number;

/** What `selectPath` returns when the path does not resolve (distinct from a resolved `null`). */
export const MISSING: unique symbol = Symbol('MISSING');

const NAME_STOP = new Set(['.', '[', ']', '"', "'"]);

/** Parses a select path; throws ConfigError naming the path on a syntax error (e.g. `a[`, `a..b`, `a["x]`). */
export function parsePath(path: string): PathSegment[] {
  const text = path.trim();
  if (text === '' || text === '.') return [];
  const segments: PathSegment[] = [];
  let index = 0;
  while (index < text.length) {
    const step = readSegment(text, index, segments.length === 0);
    if (typeof step === 'string') throw new ConfigError(`invalid path "${path}": ${step}`);
    segments.push(step.segment);
    index = step.end;
  }
  return segments;
}

interface Step { segment: PathSegment; end: number }

/** Reads the segment starting at `start`, or returns what is wrong there. */
function readSegment(text: string, start: number, first: boolean): Step | string {
  const char = text[start];
  if (char === '[') return readBracket(text, start);
  if (first) return readName(text, start);
  if (char !== '.') return `expected "." or "[" at position ${start}`;
  return readName(text, start + 1);
}

function readName(text: string, start: number): Step | string {
  let end = start;
  while (end < text.length && !NAME_STOP.has(text[end]) && !/\s/.test(text[end])) end++;
  if (end === start) return `expected a name at position ${start}`;
  return { segment: text.slice(start, end), end };
}

function readBracket(text: string, open: number): Step | string {
  const quote = text[open + 1];
  const inner = quote === '"' || quote === "'" ? readQuoted(text, open + 1) : readIndex(text, open + 1);
  if (typeof inner === 'string') return inner;
  if (text[inner.end] !== ']') return `expected "]" at position ${inner.end}`;
  return { segment: inner.segment, end: inner.end + 1 };
}

function readIndex(text: string, start: number): Step | string {
  const digits = /^\d+/.exec(text.slice(start))?.[0];
  if (!digits) return `expected an index or a quoted name at position ${start}`;
  return { segment: Number(digits), end: start + digits.length };
}

/**
 * Reads the quoted string whose opening quote is at `open` (a backslash takes the next character as is); `end` is just
 * past the closing quote. Returns what is wrong when the string is not terminated.
 */
export function readQuoted(text: string, open: number): { segment: string; end: number } | string {
  const quote = text[open];
  let value = '';
  for (let index = open + 1; index < text.length; index++) {
    const char = text[index];
    if (char === quote) return { segment: value, end: index + 1 };
    if (char === '\\') index++;
    if (index < text.length) value += text[index];
  }
  return `unterminated ${quote} string starting at position ${open}`;
}

/**
 * Reads the value at the path; MISSING when any step does not exist (never throws, also for null/primitive roots). Only
 * own properties (never `__proto__`, `constructor` from the prototype). Number segments index arrays; string segments on
 * arrays work too ("length" is fine).
 */
export function selectPath(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    current = ownValue(current, segment);
    if (current === MISSING) return MISSING;
  }
  return current;
}

/** An own data property of an object or array; getters are not run, so reading never has side effects. */
function ownValue(container: unknown, segment: PathSegment): unknown {
  if (typeof container !== 'object' || container === null) return MISSING;
  const descriptor = Object.getOwnPropertyDescriptor(container, String(segment));
  return descriptor && 'value' in descriptor ? descriptor.value : MISSING;
}
