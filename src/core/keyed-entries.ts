/**
 * `mode="keyed"` (SPEC 3.2): each accepted message upserts one entry, keyed
 * by the first of the `key` paths that resolves in it; a message that meets
 * the `remove` conditions deletes its key's entry; `limit` evicts the least
 * recently updated. A set of faces, one per connection, or presence.
 */
import { matches, type MatchCondition } from './condition.js';
import { selectPath, type PathSegment } from './path.js';

/** The entries of one keyed element, in the order they were last updated. */
export class KeyedEntries {
  readonly #keys: readonly (readonly PathSegment[])[];
  readonly #remove: readonly MatchCondition[];
  readonly #limit: number;
  readonly #entries = new Map<string, unknown>();

  constructor(keys: readonly (readonly PathSegment[])[], remove: readonly MatchCondition[], limit: number) {
    this.#keys = keys;
    this.#remove = remove;
    this.#limit = limit;
  }

  /** Applies one message (`data` is what `key` and `remove` read, `value` what is kept); false when it has no key. */
  accept(value: unknown, data: unknown): boolean {
    const key = this.#keyOf(data);
    if (key === undefined) return false;
    this.#entries.delete(key);
    if (this.#remove.length > 0 && matches(data, this.#remove)) return true;
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(oldest);
    }
    return true;
  }

  /** The entries as an object, key → value: the element's `value`. */
  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.#entries);
  }

  #keyOf(data: unknown): string | undefined {
    for (const path of this.#keys) {
      const key = selectPath(data, path);
      if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return String(key);
    }
    return undefined;
  }
}
