/**
 * Testing a message against parsed `match` conditions (SPEC 3.2), on the
 * path of every message: the router indexes by the first condition's key and
 * checks the others. Parsing them is `match.ts`.
 */
import { MISSING, selectPath, type PathSegment } from './path.js';

/** One parsed `path=value` condition. */
export interface MatchCondition { path: PathSegment[]; pathText: string; value: string }

/**
 * True when every condition (from index `from`) holds: the selected value, compared as a string (`String(v)`; objects
 * never equal), equals the condition's value. A condition whose path is MISSING fails.
 */
export function matches(message: unknown, conditions: readonly MatchCondition[], from = 0): boolean {
  for (let index = from; index < conditions.length; index++) {
    if (conditionKey(message, conditions[index]) !== conditions[index].value) return false;
  }
  return true;
}

/**
 * The string a condition compares against in `message`, for indexing (router): the selected string, number, boolean or
 * null as `String(v)`; undefined when the path is MISSING or selects an object or array.
 */
export function conditionKey(message: unknown, condition: MatchCondition): string | undefined {
  const selected = selectPath(message, condition.path);
  if (selected === MISSING) return undefined;
  switch (typeof selected) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(selected);
    default:
      return selected === null ? 'null' : undefined;
  }
}
