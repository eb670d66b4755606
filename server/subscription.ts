/**
 * One connection's subscription to one topic. Live entries that arrive
 * while the subscriber is being caught up (replay, history or snapshot)
 * wait here, and are released around the catch-up so that nothing is lost
 * or sent twice and the connection's stream keeps position order.
 *
 * A repeated `subscribe` (SPEC 4.1) reuses the live subscription: it holds
 * live entries while the new catch-up is read, then releases them, so live
 * delivery goes on exactly once. After a gap upstream (a shared store that
 * came back without its history) it holds the same way while its
 * connection catches it up anew.
 */
import { isAtOrBefore, isPlainObject, type Position } from '../src/core/protocol.js';
import type { TopicEntry } from './broker/broker.js';
import type { Outbox } from './outbox.js';
import type { TopicSubscriber } from './topic-router.js';

/** What a catch-up sends before `subscribed`, and which positions it covers. */
export interface CatchUp {
  /** The topic's position the catch-up reaches; `subscribed` carries it. */
  pos: Position;
  /** False only when a `since` could not be honoured. */
  recovered: boolean;
  /** Its messages (events, `reset` or `snapshot`), in order. */
  texts: string[];
  /** True for a position at or before `pos` whose entry the catch-up already carries (a replayed event, a snapshot). */
  covers(pos: Position): boolean;
}

interface HeldEntry {
  entry: TopicEntry;
  text: string;
}

export class Subscription implements TopicSubscriber {
  /** True once unsubscribed or closed: a catch-up still running must stop. */
  cancelled = false;
  /** Live entries held during a catch-up; undefined while delivering live. */
  private held: HeldEntry[] | undefined = [];
  /** True once the first catch-up ended: the client has this topic's live stream. */
  private live = false;

  /**
   * `catchUpAgain` is called after a gap upstream; `conflateBy` is the data field naming the key of the topic's events
   * (SPEC 4.4 conflation).
   */
  constructor(
    readonly topic: string,
    private readonly outbox: Outbox,
    private readonly catchUpAgain: (subscription: Subscription, pos: Position) => void,
    private readonly conflateBy?: string,
  ) {}

  receive(entry: TopicEntry, text: string): void {
    if (this.held) this.held.push({ entry, text });
    else this.deliver(entry, text);
  }

  /** The broker lost entries up to `pos`: hold live entries while the connection catches up anew ({@link goLive}). */
  gap(pos: Position): void {
    if (this.cancelled) return;
    this.held ??= [];
    this.catchUpAgain(this, pos);
  }

  /** A catch-up outside a subscribe ended at `mark` (none: it failed): deliver what was held after it, then live. */
  goLive(mark?: Position): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const item of held) if (mark === undefined || !isAtOrBefore(item.entry.pos, mark)) this.deliver(item.entry, item.text);
  }

  /** A repeated subscribe starts catching up: hold live entries until {@link release}. */
  hold(): void {
    this.held ??= [];
  }

  /**
   * The catch-up is read: send it and `subscribed`, with what was held around
   * it. Held entries after the catch-up follow `subscribed`. Those within it
   * are dropped for a first subscribe, which asked only for the catch-up;
   * on a repeated one the client already has the live stream, so those the
   * catch-up does not carry go first, in order.
   */
  release(catchUp: CatchUp, subscribedText: string): void {
    const held = this.held ?? [];
    this.held = undefined;
    const within = (item: HeldEntry) => isAtOrBefore(item.entry.pos, catchUp.pos);
    if (this.live) {
      for (const item of held) if (within(item) && !catchUp.covers(item.entry.pos)) this.outbox.push(item.text);
    }
    for (const text of catchUp.texts) this.outbox.push(text);
    this.outbox.push(subscribedText);
    this.live = true;
    for (const item of held) if (!within(item)) this.deliver(item.entry, item.text);
  }

  private deliver(entry: TopicEntry, text: string): void {
    this.outbox.push(text, this.conflationKey(entry));
  }

  /** Events of one key share a key per topic; an event without one is never conflated. */
  private conflationKey({ data }: TopicEntry): string | undefined {
    if (this.conflateBy === undefined || !isPlainObject(data)) return undefined;
    const key = data[this.conflateBy];
    return typeof key === 'string' || typeof key === 'number' ? `${this.topic}\n${JSON.stringify(key)}` : undefined;
  }
}
