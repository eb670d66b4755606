/**
 * The configuration faults of one element (SPEC 3, STYLE 6): kept by where
 * they come from (its attributes, its source, its link), shown as
 * `state="error"` while any is set, each reported once as a `ws-error` of
 * kind `config`. Lifecycle callbacks run through `guard`, so nothing throws
 * out of them.
 */
import { errorMessage } from './errors.js';
import { reportConfigFault } from './events.js';

/** Where a fault comes from; fixing that origin clears only its fault. */
export type FaultOrigin = 'config' | 'source' | 'link';

/** One element's faults. */
export class Faults {
  readonly #faults = new Map<FaultOrigin, string>();
  readonly #host: HTMLElement;
  readonly #changed: () => void;

  /** `changed` re-reflects the element's state. */
  constructor(host: HTMLElement, changed: () => void) {
    this.#host = host;
    this.#changed = changed;
  }

  /** True while any fault is set. */
  get any(): boolean {
    return this.#faults.size > 0;
  }

  /** Sets the fault of `origin` and reports it, or clears it (`undefined`). */
  set(origin: FaultOrigin, message: string | undefined): void {
    if (message === undefined) {
      if (this.#faults.delete(origin)) this.#changed();
      return;
    }
    this.#faults.set(origin, message);
    this.#changed();
    reportConfigFault(this.#host, message);
  }

  /** Runs a lifecycle step; what it throws becomes the `config` fault instead of escaping. */
  guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.set('config', errorMessage(error));
    }
  }
}
