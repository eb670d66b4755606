/**
 * Coalesces rendering (SPEC 3.2): one shared animation-frame loop writes each
 * element at most once per frame with its latest value, inserts a frame's
 * appended entries together, and waits while the tab is hidden, keeping only
 * what will be shown so memory stays bounded.
 */

/** An element the scheduler writes. */
export interface FrameTarget {
  /** Writes the latest value (replace modes) or the entries gathered since the last frame. */
  renderFrame(work: FrameWork): void;
}

/** What one target has waiting for the next frame. */
export interface FrameWork {
  /** True when a replace-mode value waits in `latest`. */
  hasLatest: boolean;
  /** The replace-mode value to write; the latest wins. */
  latest: unknown;
  /** Append/prepend entries, oldest first, at most the target's limit. */
  entries: unknown[];
}

/** Entries kept per element while hidden when it sets no `limit`. */
export const DEFAULT_ENTRY_LIMIT = 1000;

/** One rAF loop for every element of the page. */
class FrameScheduler {
  #pending = new Map<FrameTarget, FrameWork>();
  #frame: number | undefined;
  #listening = false;

  /** Queues a replace-mode value; only the latest is written. */
  set(target: FrameTarget, value: unknown): void {
    const work = this.#work(target);
    work.hasLatest = true;
    work.latest = value;
    this.#request();
  }

  /** Queues an append/prepend entry, keeping at most `limit` waiting. */
  add(target: FrameTarget, entry: unknown, limit = DEFAULT_ENTRY_LIMIT): void {
    const entries = this.#work(target).entries;
    entries.push(entry);
    if (entries.length > limit) entries.splice(0, entries.length - limit);
    this.#request();
  }

  /** Forgets whatever waits for a target (an element that left the page). */
  cancel(target: FrameTarget): void {
    this.#pending.delete(target);
  }

  #work(target: FrameTarget): FrameWork {
    let work = this.#pending.get(target);
    if (!work) this.#pending.set(target, (work = { hasLatest: false, latest: undefined, entries: [] }));
    return work;
  }

  #request(): void {
    if (this.#frame !== undefined) return;
    if (document.hidden) return this.#waitForVisible();
    this.#frame = requestAnimationFrame(() => this.#flush());
  }

  #flush(): void {
    this.#frame = undefined;
    if (document.hidden) return this.#waitForVisible();
    const due = this.#pending;
    this.#pending = new Map();
    for (const [target, work] of due) {
      try {
        target.renderFrame(work);
      } catch (error) {
        // One element's failure must not stop the others from rendering.
        reportError(error);
      }
    }
  }

  #waitForVisible(): void {
    if (this.#listening) return;
    this.#listening = true;
    document.addEventListener('visibilitychange', () => {
      this.#listening = false;
      this.#request();
    }, { once: true });
  }
}

/** The page's scheduler. */
export const scheduler = new FrameScheduler();
