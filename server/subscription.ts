/**
 * One connection's subscription to one topic. Live entries that arrive
 * while the subscriber is still being caught up (replay, history or
 * snapshot) wait here, then only those after the catch-up's position are
 * sent, so nothing is lost or sent twice. After a gap upstream the
 * subscription waits the same way while its connection catches it up anew.
 */
import { isAtOrBefore, type Position } from '../src/core/protocol.js';
import type { TopicEntry } from './broker/broker.js';
import type { Outbox } from './outbox.js';
import type { TopicSubscriber } from './topic-router.js';

export class Subscription implements TopicSubscriber {
  /** True once unsubscribed, replaced or closed: a catch-up still running must stop. */
  cancelled = false;
  private waiting: { entry: TopicEntry; text: string }[] | undefined = [];

  constructor(
    readonly topic: string,
    private readonly outbox: Outbox,
    private readonly catchUpAgain: (subscription: Subscription, pos: Position) => void,
  ) {}

  receive(entry: TopicEntry, text: string): void {
    if (this.waiting) this.waiting.push({ entry, text });
    else this.outbox.push(text);
  }

  gap(pos: Position): void {
    if (this.cancelled) return;
    this.waiting ??= [];
    this.catchUpAgain(this, pos);
  }

  /** The catch-up ended at `mark`: send what waited after it, then deliver live. */
  goLive(mark: Position): void {
    for (const { entry, text } of this.waiting ?? []) {
      if (!isAtOrBefore(entry.pos, mark)) this.outbox.push(text);
    }
    this.waiting = undefined;
  }
}
