/**
 * Raw sends kept while a connection is not open (SPEC 3.1 `queue`): at
 * most `limit`, the oldest dropped first, and one report per overflow
 * until the queue is drained again.
 */

/** A bounded first-in, first-out queue of sends waiting for an open socket. */
export class RawQueue<T> {
  readonly limit: number;
  #items: T[] = [];
  #overflowReported = false;

  constructor(limit = 1000) {
    this.limit = limit;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Keeps an item; returns the oldest one it dropped to stay within the limit, if any. */
  push(item: T): T | undefined {
    this.#items.push(item);
    return this.#items.length > this.limit ? this.#items.shift() : undefined;
  }

  /** True the first time since the last drain: an overflow is reported once. */
  reportOverflow(): boolean {
    if (this.#overflowReported) return false;
    this.#overflowReported = true;
    return true;
  }

  /** Takes every waiting item, oldest first. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    this.#overflowReported = false;
    return items;
  }
}
