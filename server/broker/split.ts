/**
 * A broker that keeps some topics in this instance and the rest in a shared
 * broker: with Redis, the timer feeds every instance runs itself (`local`
 * topics) stay in memory, everything else is shared.
 */
import type { Json, Position } from '../../src/core/protocol.js';
import type { Broker, BrokerStatus, EventRange, StateSnapshot, TopicEntry, TopicListener, WriteOptions } from './broker.js';

export class SplitBroker implements Broker {
  constructor(
    private readonly local: Broker,
    private readonly shared: Broker,
    private readonly isLocal: (topic: string) => boolean,
  ) {}

  append(topic: string, data: Json, history: number, options?: WriteOptions): Promise<TopicEntry> {
    return this.pick(topic).append(topic, data, history, options);
  }

  after(topic: string, since: Position): Promise<EventRange | null> {
    return this.pick(topic).after(topic, since);
  }

  latest(topic: string, count: number): Promise<EventRange> {
    return this.pick(topic).latest(topic, count);
  }

  position(topic: string): Promise<Position> {
    return this.pick(topic).position(topic);
  }

  patch(topic: string, patch: Json, options?: WriteOptions): Promise<TopicEntry> {
    return this.pick(topic).patch(topic, patch, options);
  }

  add(topic: string, amounts: Readonly<Record<string, number>>, options?: WriteOptions): Promise<TopicEntry> {
    return this.pick(topic).add(topic, amounts, options);
  }

  state(topic: string): Promise<StateSnapshot> {
    return this.pick(topic).state(topic);
  }

  listen(topic: string, listener: TopicListener): () => void {
    return this.pick(topic).listen(topic, listener);
  }

  drop(topic: string): Promise<void> {
    return this.pick(topic).drop(topic);
  }

  /** The shared broker's status: local topics are always up. */
  status(): BrokerStatus {
    return this.shared.status();
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), this.shared.close()]);
  }

  private pick(topic: string): Broker {
    return this.isLocal(topic) ? this.local : this.shared;
  }
}
