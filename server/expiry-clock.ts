/**
 * One clock for every connection's token deadline (SPEC 4.5): deadlines
 * are kept in buckets of one second, and a single timer, armed only while
 * some deadline is pending, wakes at each second boundary and fires the
 * buckets that are due. Ten thousand authenticated connections cost one
 * timer, not ten thousand.
 */

/** Something with a deadline. */
export interface Expiring {
  /** Its deadline passed; it is no longer scheduled. */
  expire(): void;
}

export class ExpiryClock {
  /** What is due in each second (epoch seconds). */
  private readonly buckets = new Map<number, Set<Expiring>>();
  /** The second each scheduled item is filed under. */
  private readonly dueSecond = new Map<Expiring, number>();
  /** The first second not yet fired. */
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Schedules `item` to expire at `at` (epoch ms), replacing its earlier deadline; undefined unschedules it. */
  set(item: Expiring, at: number | undefined): void {
    this.remove(item);
    if (at === undefined) return;
    if (this.dueSecond.size === 0) this.cursor = Math.floor(Date.now() / 1000);
    // Filed under the second that ends at or after `at`, but never behind the cursor, so nothing is skipped.
    const second = Math.max(Math.ceil(at / 1000), this.cursor);
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new Set()));
    bucket.add(item);
    this.dueSecond.set(item, second);
    this.arm();
  }

  /** Unschedules everything (the server is closing). */
  clear(): void {
    this.buckets.clear();
    this.dueSecond.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remove(item: Expiring): void {
    const second = this.dueSecond.get(item);
    if (second === undefined) return;
    this.dueSecond.delete(item);
    const bucket = this.buckets.get(second);
    bucket?.delete(item);
    if (bucket?.size === 0) this.buckets.delete(second);
    if (this.dueSecond.size === 0) this.clear();
  }

  /** Wakes at the next second boundary, if nothing already will. */
  private arm(): void {
    if (this.timer || this.dueSecond.size === 0) return;
    this.timer = setTimeout(() => this.tick(), 1000 - (Date.now() % 1000) + 1);
    this.timer.unref();
  }

  /** Fires every bucket up to the current second, each item once, then sleeps until the next second. */
  private tick(): void {
    this.timer = undefined;
    const current = Math.floor(Date.now() / 1000);
    while (this.cursor <= current) {
      const second = this.cursor++;
      const bucket = this.buckets.get(second);
      if (!bucket) continue;
      this.buckets.delete(second);
      for (const item of bucket) {
        // An earlier item's expire() may have unscheduled or moved this one.
        if (this.dueSecond.get(item) !== second) continue;
        this.dueSecond.delete(item);
        item.expire();
      }
    }
    this.arm();
  }
}
