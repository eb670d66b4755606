/**
 * Finds the subscribers a message is for without asking each one: raw
 * subscribers and each topic's subscribers are indexed by the value of their
 * first `match` condition, so a message costs one lookup per distinct
 * condition path, however many elements listen.
 */
import { conditionKey, matches, type MatchCondition } from './condition.js';
import type { Position } from './protocol.js';

/** One listener the router delivers to: in practice a `Binding`. */
export interface Subscriber {
  /** The topic as the element names it; undefined in raw mode. */
  readonly topic: string | undefined;
  /** The `match` conditions; all must hold for a message to be delivered. */
  readonly conditions: readonly MatchCondition[];
  /** `data` is what `match` and `select` read; `message` the whole message. */
  deliver(data: unknown, message: unknown, pos?: Position): void;
}

interface PathIndex {
  condition: MatchCondition;
  byValue: Map<string, Set<Subscriber>>;
}

/** Subscribers of one topic (or of raw mode), indexed by their first condition. */
class MatchIndex {
  readonly #unconditional = new Set<Subscriber>();
  readonly #byPath = new Map<string, PathIndex>();
  size = 0;

  add(subscriber: Subscriber): void {
    this.size++;
    const first = subscriber.conditions[0];
    if (!first) return void this.#unconditional.add(subscriber);
    let index = this.#byPath.get(first.pathText);
    if (!index) this.#byPath.set(first.pathText, (index = { condition: first, byValue: new Map() }));
    let bucket = index.byValue.get(first.value);
    if (!bucket) index.byValue.set(first.value, (bucket = new Set()));
    bucket.add(subscriber);
  }

  delete(subscriber: Subscriber): void {
    const first = subscriber.conditions[0];
    const removed = first
      ? this.#deleteIndexed(subscriber, first)
      : this.#unconditional.delete(subscriber);
    if (removed) this.size--;
  }

  #deleteIndexed(subscriber: Subscriber, first: MatchCondition): boolean {
    const index = this.#byPath.get(first.pathText);
    const bucket = index?.byValue.get(first.value);
    if (!index || !bucket?.delete(subscriber)) return false;
    if (bucket.size === 0) index.byValue.delete(first.value);
    if (index.byValue.size === 0) this.#byPath.delete(first.pathText);
    return true;
  }

  /** Delivers to every subscriber whose conditions the message meets. */
  route(data: unknown, message: unknown, pos?: Position): void {
    for (const subscriber of this.#unconditional) subscriber.deliver(data, message, pos);
    for (const { condition, byValue } of this.#byPath.values()) {
      const key = conditionKey(data, condition);
      const bucket = key === undefined ? undefined : byValue.get(key);
      if (!bucket) continue;
      // The bucket already holds the first condition; only the others are left to check.
      for (const subscriber of bucket) {
        if (matches(data, subscriber.conditions, 1)) subscriber.deliver(data, message, pos);
      }
    }
  }

  *all(): IterableIterator<Subscriber> {
    yield* this.#unconditional;
    for (const { byValue } of this.#byPath.values()) for (const bucket of byValue.values()) yield* bucket;
  }
}

/** The routing table of one connection. */
export class Router {
  readonly #raw = new MatchIndex();
  readonly #topics = new Map<string, MatchIndex>();

  add(subscriber: Subscriber): void {
    const { topic } = subscriber;
    if (topic === undefined) return this.#raw.add(subscriber);
    let index = this.#topics.get(topic);
    if (!index) this.#topics.set(topic, (index = new MatchIndex()));
    index.add(subscriber);
  }

  delete(subscriber: Subscriber): void {
    const { topic } = subscriber;
    if (topic === undefined) return this.#raw.delete(subscriber);
    const index = this.#topics.get(topic);
    index?.delete(subscriber);
    if (index?.size === 0) this.#topics.delete(topic);
  }

  /** Delivers a message to the raw-mode subscribers that match it. */
  routeRaw(message: unknown): void {
    this.#raw.route(message, message);
  }

  /** Delivers a topic's data to that topic's subscribers that match it. */
  routeTopic(topic: string, data: unknown, message: unknown, pos?: Position): void {
    this.#topics.get(topic)?.route(data, message, pos);
  }

  /** Delivers to one subscriber whose conditions the data meets (a late joiner catching up on a topic's state). */
  deliverTo(subscriber: Subscriber, data: unknown, message: unknown, pos?: Position): void {
    if (matches(data, subscriber.conditions)) subscriber.deliver(data, message, pos);
  }

  /** The subscribers of one topic. */
  subscribersOf(topic: string): Subscriber[] {
    return [...(this.#topics.get(topic)?.all() ?? [])];
  }

  /** Every topic some subscriber names. */
  topicNames(): string[] {
    return [...this.#topics.keys()];
  }

  /** Every subscriber, raw and topic. */
  *all(): IterableIterator<Subscriber> {
    yield* this.#raw.all();
    for (const index of this.#topics.values()) yield* index.all();
  }
}
