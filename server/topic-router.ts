/**
 * Fans a topic's entries out to this process's subscribers: one broker
 * listener per topic with local subscribers, one serialization per entry.
 */
import type { Position } from '../src/core/protocol.js';
import type { Broker, EntryKind, TopicEntry } from './broker/broker.js';
import { entryText } from './wire.js';

/** Receives a topic's entries with their wire text. */
export interface TopicSubscriber {
  receive(entry: TopicEntry, text: string): void;
  /** Entries up to `pos` were lost upstream: catch up anew (see `TopicListener.gap`). */
  gap(pos: Position): void;
}

interface RoutedTopic {
  subscribers: Set<TopicSubscriber>;
  stopListening: () => void;
}

export class TopicRouter {
  private readonly topics = new Map<string, RoutedTopic>();

  constructor(private readonly broker: Broker) {}

  /** Starts delivering `topic`'s new entries to `subscriber`. */
  add(topic: string, subscriber: TopicSubscriber): void {
    let routed = this.topics.get(topic);
    if (!routed) {
      const subscribers = new Set<TopicSubscriber>();
      const stopListening = this.broker.listen(topic, {
        entry: (kind, entry) => deliver(subscribers, kind, entry),
        gap: (pos) => subscribers.forEach((subscriber) => subscriber.gap(pos)),
      });
      routed = { subscribers, stopListening };
      this.topics.set(topic, routed);
    }
    routed.subscribers.add(subscriber);
  }

  /** How many subscribers `topic` has in this process (one per connection that subscribes to it). */
  count(topic: string): number {
    return this.topics.get(topic)?.subscribers.size ?? 0;
  }

  /** Stops delivering `topic` to `subscriber`. */
  remove(topic: string, subscriber: TopicSubscriber): void {
    const routed = this.topics.get(topic);
    if (!routed?.subscribers.delete(subscriber) || routed.subscribers.size > 0) return;
    routed.stopListening();
    this.topics.delete(topic);
  }
}

function deliver(subscribers: Set<TopicSubscriber>, kind: EntryKind, entry: TopicEntry): void {
  const text = entryText(kind, entry);
  for (const subscriber of subscribers) subscriber.receive(entry, text);
}
