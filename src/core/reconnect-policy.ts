/**
 * When and where a connection tries again (SPEC 3.1): exponential backoff
 * with jitter between `min-delay` and `max-delay`, rotation through the
 * failover URLs, the close codes that are never retried, and `max-retries`.
 * A pure decision: the connection asks it after every close and sleeps.
 */
import { CloseCode } from './protocol.js';

/** The `<ws-source>` settings the policy reads. */
export interface ReconnectOptions {
  /** First reconnect delay in ms (default 500). */
  minDelay?: number;
  /** Longest reconnect delay in ms (default 10000). */
  maxDelay?: number;
  /** Reconnect attempts before giving up (default unlimited). */
  maxRetries?: number;
}

/** What happens after a close. */
export interface RetryDecision {
  willRetry: boolean;
  /** ms before the next attempt (0: at once). */
  retryIn: number;
}

/** Close codes after which only a new token or `reconnect()` tries again: bad token or origin, session taken over. */
const FINAL_CODES: ReadonlySet<number> = new Set([CloseCode.policy, CloseCode.takenOver]);

/** The delay before reconnect attempt number `attempt` (0-based), in ms. */
export function backoffDelay(attempt: number, minDelay: number, maxDelay: number, random = Math.random): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt);
  // "Equal jitter": half fixed, half random, so the delay never collapses to 0.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Decides every retry of one connection over its list of URLs. */
export class ReconnectPolicy {
  readonly #urlCount: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #maxRetries: number;
  readonly #random: () => number;
  /** Retries since the last open, counted against `max-retries`. */
  #retries = 0;
  /** Full rounds of failed URLs since the last open: the backoff's exponent. */
  #rounds = 0;
  #urlIndex = 0;
  /** URLs tried since the last open; a failover to one not yet tried goes at once. */
  #triedSinceOpen = 1;

  constructor(urlCount: number, options: ReconnectOptions = {}, random: () => number = Math.random) {
    this.#urlCount = Math.max(1, urlCount);
    this.#minDelay = options.minDelay ?? 500;
    this.#maxDelay = options.maxDelay ?? 10000;
    this.#maxRetries = options.maxRetries ?? Infinity;
    this.#random = random;
  }

  /** The index of the URL to connect to now. */
  get urlIndex(): number {
    return this.#urlIndex;
  }

  /** A socket opened: the next drop starts the backoff over, from the URL that worked. */
  opened(): void {
    this.#retries = 0;
    this.#rounds = 0;
    this.#triedSinceOpen = 1;
  }

  /** Starting again on purpose (`reconnect()`, a new token): no backoff owed. */
  reset(): void {
    this.opened();
  }

  /**
   * Decides after a close with `code`. A retry moves to the next URL; while some URL has not been tried since the
   * last open the move is immediate (failover), and only a full round of failures waits the backoff.
   */
  afterClose(code: number): RetryDecision {
    if (FINAL_CODES.has(code) || this.#retries >= this.#maxRetries) return { willRetry: false, retryIn: 0 };
    this.#retries++;
    this.#urlIndex = (this.#urlIndex + 1) % this.#urlCount;
    if (this.#triedSinceOpen < this.#urlCount) {
      this.#triedSinceOpen++;
      return { willRetry: true, retryIn: 0 };
    }
    this.#triedSinceOpen = 1;
    return { willRetry: true, retryIn: backoffDelay(this.#rounds++, this.#minDelay, this.#maxDelay, this.#random) };
  }
}
