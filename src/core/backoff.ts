/**
 * Reconnect pacing (SPEC 3.1): exponential backoff between `min-delay` and
 * `max-delay` with jitter, so a fleet of pages does not return in lockstep
 * after a server restart.
 */

/** The delay before reconnect attempt number `attempt` (0-based), in ms. */
export function backoffDelay(attempt: number, minDelay: number, maxDelay: number, random = Math.random): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt);
  // "Equal jitter": half fixed, half random, so the delay never collapses to 0.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or at once when `ms` is 0. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Resolves when the browser is (back) online. */
export function whenOnline(): Promise<void> {
  if (typeof navigator === 'undefined' || navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve) => addEventListener('online', () => resolve(), { once: true }));
}
