/**
 * JSON merge patch (RFC 7386), which state topics use for `patch` messages
 * (SPEC 4). Values are treated as immutable so a binding can tell what
 * changed by identity: the target is never mutated and untouched branches
 * are shared with the result.
 */
import { isPlainObject } from './protocol.js';

type JsonObject = Record<string, unknown>;

/** RFC 7386 JSON merge patch: returns the patched value without mutating `target`; unchanged branches are shared. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else setOwn(result, name, applyMergePatch(ownValue(result, name), value));
  }
  return result;
}

/** Reads only own properties, so a patch key like `constructor` never merges into the prototype's. */
function ownValue(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** Defines an own property, so a `__proto__` key from JSON stays data instead of replacing the prototype. */
function setOwn(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}
