/**
 * What a browser benchmark needs from whatever feeds the page: a warm-up
 * that gives every key a value, then a timed run whose every message value
 * is a unique sequence number, so the page's text says which send it shows.
 */
import { wallNow } from './stats.js';

/** What one timed run sent. */
export interface FeedRun {
  /** Messages sent. */
  sent: number;
  /** Wall-clock ms of the first and the last send. */
  firstSendAt: number;
  lastSendAt: number;
  /** The value each key must show once everything is delivered. */
  expected: number[];
  /** When the message carrying `value` was sent (wall-clock ms), if it was sent in this run. */
  sentAt(value: number): number | undefined;
}

/** A source of keyed updates for one page. */
export interface Feed {
  /** Resolves once the page's socket(s) are connected and subscribed. */
  waitForPage(): Promise<void>;
  /** WebSocket connections pages have opened so far (a reconnect opens one more). */
  connectionsOpened(): number;
  /** Sends one value to every key and returns them, key by key. */
  warmUp(): Promise<number[]>;
  /** Sends `rate` updates per second to random keys for `durationMs`. */
  run(rate: number, durationMs: number): Promise<FeedRun>;
}

/** Sequence numbers and send times of one run, plus the latest value per key. */
class SendLog {
  private readonly times: Float64Array;
  private readonly base: number;
  private count = 0;
  readonly expected: number[];

  constructor(base: number, capacity: number, expected: number[]) {
    this.base = base;
    this.times = new Float64Array(capacity);
    this.expected = [...expected];
  }

  /** Takes the next sequence number for `key`, stamped `now`. */
  next(key: number, now: number): number {
    const value = this.base + this.count;
    this.times[this.count++] = now;
    this.expected[key] = value;
    return value;
  }

  get sent(): number {
    return this.count;
  }

  /** The run's summary once sending is over. */
  result(): FeedRun {
    const { times, base, count } = this;
    return {
      sent: count,
      firstSendAt: times[0],
      lastSendAt: times[count - 1],
      expected: this.expected,
      sentAt: (value) => (value >= base && value < base + count ? times[value - base] : undefined),
    };
  }
}

/**
 * Numbers every update with the next sequence number, remembers each key's
 * latest value and paces timed runs; `send` is the transport.
 */
export class SequencedUpdates {
  private nextValue = 1;
  private expected: number[];

  constructor(private readonly keys: number, private readonly send: (key: number, value: number) => void) {
    this.expected = new Array<number>(keys).fill(0);
  }

  /** Sends one value to every key; returns them, key by key. */
  warmUp(): number[] {
    const log = this.newLog(this.keys);
    for (let key = 0; key < this.keys; key++) this.send(key, log.next(key, wallNow()));
    this.expected = log.expected;
    return log.expected;
  }

  /** Sends `rate` updates per second to random keys for `durationMs`. */
  async run(rate: number, durationMs: number): Promise<FeedRun> {
    const total = Math.round((rate * durationMs) / 1000);
    const log = this.newLog(total);
    await paceSends(total, durationMs, (count) => {
      for (let i = 0; i < count; i++) {
        const key = Math.floor(Math.random() * this.keys);
        this.send(key, log.next(key, wallNow()));
      }
    });
    this.expected = log.expected;
    return log.result();
  }

  private newLog(capacity: number): SendLog {
    const log = new SendLog(this.nextValue, capacity, this.expected);
    this.nextValue += capacity;
    return log;
  }
}

/**
 * Calls `sendBatch(n)` from a setImmediate loop so that `total` sends are
 * spread evenly over `durationMs`, catching up when a turn ran late; at most
 * `maxPerTurn` per turn so sockets get written between turns.
 */
export function paceSends(total: number, durationMs: number, sendBatch: (count: number) => void, maxPerTurn = 500): Promise<void> {
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const turn = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / durationMs) * total));
      const count = Math.min(maxPerTurn, due - sent);
      if (count > 0) {
        sendBatch(count);
        sent += count;
      }
      if (sent >= total) resolve();
      // Nothing due yet: sleep instead of spinning, so the browser or client process keeps the CPU.
      else if (count <= 0) setTimeout(turn, 1);
      else setImmediate(turn);
    };
    turn();
  });
}
