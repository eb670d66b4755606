/**
 * `match` conditions (SPEC 3.2): whitespace-separated `path=value` tests a
 * message must pass, compared as strings. Parsed once per attribute value;
 * the router indexes bindings by the first condition's key. Testing a
 * message is `condition.ts`.
 *
 * A value may be quoted (`user.name="Ada L"`) to hold whitespace; a path's
 * bracket names may be quoted too (`a["x y"]=1`).
 */
import type { MatchCondition } from './condition.js';
import { ConfigError } from './errors.js';
import { parsePath, readQuoted, type PathSegment } from './path.js';

/** A raw condition token and where its first `=` outside quotes is (-1: none). */
interface Token { text: string; equals: number; end: number }

/**
 * Parses `path=value` conditions separated by whitespace; a token without `=` (or an empty path, or a bad path) throws
 * ConfigError naming the token. Values may contain `=` after the first one.
 */
export function parseMatch(text: string): MatchCondition[] {
  const conditions: MatchCondition[] = [];
  let index = 0;
  while (index < text.length) {
    if (/\s/.test(text[index])) {
      index++;
      continue;
    }
    const token = readToken(text, index);
    conditions.push(parseCondition(token));
    index = token.end;
  }
  return conditions;
}

/** Reads one token from `start` up to whitespace that is not inside a quoted bracket name or a quoted value. */
function readToken(text: string, start: number): Token {
  let equals = -1;
  let quote = '';
  let index = start;
  for (; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
      continue;
    }
    if (/\s/.test(char)) break;
    if (char === '=' && equals < 0) equals = index - start;
    else if ((char === '"' || char === "'") && opensQuote(text, start, index, equals)) quote = char;
  }
  return { text: text.slice(start, index), equals, end: index };
}

/** A quote opens a string right after `[` in the path, or as the first character of the value. */
function opensQuote(text: string, start: number, index: number, equals: number): boolean {
  return equals < 0 ? text[index - 1] === '[' : index - start === equals + 1;
}

function parseCondition(token: Token): MatchCondition {
  const fault = (why: string) => new ConfigError(`invalid match condition "${token.text}": ${why}`);
  if (token.equals < 0) throw fault('expected path=value');
  const pathText = token.text.slice(0, token.equals);
  if (pathText === '') throw fault('the path before "=" is empty');
  let path: PathSegment[];
  try {
    path = parsePath(pathText);
  } catch (error) {
    throw fault((error as Error).message);
  }
  const value = parseValue(token.text.slice(token.equals + 1));
  if (typeof value !== 'string') throw fault(value.fault);
  return { path, pathText, value };
}

/** The value after `=`: as written, or unquoted when it starts with a quote. */
function parseValue(raw: string): string | { fault: string } {
  if (raw[0] !== '"' && raw[0] !== "'") return raw;
  const quoted = readQuoted(raw, 0);
  if (typeof quoted === 'string') return { fault: `value: ${quoted}` };
  if (quoted.end !== raw.length) return { fault: 'unexpected text after the quoted value' };
  return quoted.segment;
}
