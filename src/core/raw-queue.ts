/**
 * Raw sends kept while a connection is not open (SPEC 3.1 `queue`): at
 * most `limit`, the oldest dropped first, and one report per overflow
 * until the queue is drained again.
 */

/** A bounded first-in, first-out queue of frames waiting for an open socket. */
export class RawQueue {
  readonly limit: number;
  #frames: string[] = [];
  #overflowReported = false;

  constructor(limit = 1000) {
    this.limit = limit;
  }

  get size(): number {
    return this.#frames.length;
  }

  /** Keeps a frame; true when this push first overflowed the queue (the oldest frame was dropped). */
  push(frame: string): boolean {
    this.#frames.push(frame);
    if (this.#frames.length <= this.limit) return false;
    this.#frames.shift();
    if (this.#overflowReported) return false;
    this.#overflowReported = true;
    return true;
  }

  /** Takes every waiting frame, oldest first. */
  drain(): string[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#overflowReported = false;
    return frames;
  }
}
