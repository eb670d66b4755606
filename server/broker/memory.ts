/**
 * The embedded broker: topics kept in this process's memory. Each start
 * takes a fresh epoch, so a client resuming against a restarted server is
 * told its history is gone (`reset`) instead of being replayed wrong events.
 */
import { randomBytes } from 'node:crypto';
import { applyMergePatch } from '../../src/core/merge-patch.js';
import { addedFields } from './added-fields.js';
import { formatPosition, parsePosition, type Json, type Position } from '../../src/core/protocol.js';
import {
  ONCE_KEPT, type Broker, type BrokerStatus, type EntryKind, type EventRange, type QueuedTask, type StateSnapshot, type TaskQueue,
  type TopicEntry, type TopicListener, type WriteOptions,
} from './broker.js';

/** One topic's offset counter, bounded event ring, state and listeners. */
interface TopicLog {
  offset: number;
  events: TopicEntry[];
  state: Json;
  listeners: Set<TopicListener>;
  /** Positions of the latest writes made with an idempotency key. */
  once: Map<string, Position>;
}

export class MemoryBroker implements Broker, TaskQueue {
  /** This broker's epoch: a short random string, new on every start. */
  readonly epoch = randomBytes(4).toString('hex');
  private readonly topics = new Map<string, TopicLog>();
  /** Waiting tasks per queue, oldest first. */
  private readonly queues = new Map<string, QueuedTask[]>();

  async append(topic: string, data: Json, history: number, options: WriteOptions = {}): Promise<TopicEntry> {
    const log = this.log(topic);
    const earlier = this.earlier(topic, log, data, options);
    if (earlier) return earlier;
    const entry = this.entry(topic, log, data, options);
    log.events.push(entry);
    if (log.events.length > history) log.events.splice(0, log.events.length - history);
    this.notify(log, 'event', entry);
    return entry;
  }

  async after(topic: string, since: Position): Promise<EventRange | null> {
    const log = this.topics.get(topic);
    const offset = this.ownOffset(since);
    const last = log?.offset ?? 0;
    if (offset === null || offset > last) return null;
    const events = log?.events ?? [];
    const firstHeld = events.length > 0 ? last - events.length + 1 : last + 1;
    if (offset < firstHeld - 1) return null;
    return { events: events.slice(events.length - (last - offset)), pos: this.pos(last) };
  }

  async latest(topic: string, count: number): Promise<EventRange> {
    const log = this.topics.get(topic);
    const events = log && count > 0 ? log.events.slice(-count) : [];
    return { events, pos: this.pos(log?.offset ?? 0) };
  }

  async position(topic: string): Promise<Position> {
    return this.pos(this.topics.get(topic)?.offset ?? 0);
  }

  async patch(topic: string, patch: Json, options: WriteOptions = {}): Promise<TopicEntry> {
    const log = this.log(topic);
    const earlier = this.earlier(topic, log, patch, options);
    if (earlier) return earlier;
    log.state = applyMergePatch(log.state, patch) as Json;
    const entry = this.entry(topic, log, patch, options);
    this.notify(log, 'patch', entry);
    return entry;
  }

  async add(topic: string, amounts: Readonly<Record<string, number>>, options?: WriteOptions): Promise<TopicEntry> {
    return this.patch(topic, addedFields(this.log(topic).state, amounts), options);
  }

  async state(topic: string): Promise<StateSnapshot> {
    const log = this.topics.get(topic);
    return { pos: this.pos(log?.offset ?? 0), data: log?.state ?? {} };
  }

  listen(topic: string, listener: TopicListener): () => void {
    const log = this.log(topic);
    log.listeners.add(listener);
    return () => {
      log.listeners.delete(listener);
      this.forgetIfIdle(topic, log);
    };
  }

  async drop(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  status(): BrokerStatus {
    return 'up';
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.queues.clear();
  }

  async enqueue(task: QueuedTask, limit: number): Promise<boolean> {
    const queue = this.queue(task.topic);
    if (queue.length >= limit) return false;
    queue.push(task);
    return true;
  }

  async requeue(task: QueuedTask): Promise<void> {
    this.queue(task.topic).unshift(task);
  }

  async dequeue(topic: string): Promise<QueuedTask | undefined> {
    const queue = this.queues.get(topic);
    const task = queue?.shift();
    if (queue?.length === 0) this.queues.delete(topic);
    return task;
  }

  async waiting(topic: string): Promise<number> {
    return this.queues.get(topic)?.length ?? 0;
  }

  private queue(topic: string): QueuedTask[] {
    let queue = this.queues.get(topic);
    if (!queue) this.queues.set(topic, (queue = []));
    return queue;
  }

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = { offset: 0, events: [], state: {}, listeners: new Set(), once: new Map() };
      this.topics.set(topic, log);
    }
    return log;
  }

  private entry(topic: string, log: TopicLog, data: Json, { once }: WriteOptions): TopicEntry {
    log.offset += 1;
    const pos = this.pos(log.offset);
    if (once !== undefined) {
      log.once.set(once, pos);
      if (log.once.size > ONCE_KEPT) log.once.delete(log.once.keys().next().value as string);
    }
    return { topic, pos, data };
  }

  /** The entry an earlier write with the same idempotency key made, if any. */
  private earlier(topic: string, log: TopicLog, data: Json, { once }: WriteOptions): TopicEntry | undefined {
    const pos = once === undefined ? undefined : log.once.get(once);
    return pos === undefined ? undefined : { topic, pos, data };
  }

  private notify(log: TopicLog, kind: EntryKind, entry: TopicEntry): void {
    for (const listener of log.listeners) listener.entry(kind, entry);
  }

  /** A topic nobody listens to that never stored anything can go; one with offsets must keep them for this epoch. */
  private forgetIfIdle(topic: string, log: TopicLog): void {
    if (log.listeners.size === 0 && log.offset === 0 && this.topics.get(topic) === log) this.topics.delete(topic);
  }

  private pos(offset: number): Position {
    return formatPosition(this.epoch, offset);
  }

  /** The offset of a position this broker could have issued, else null. */
  private ownOffset(pos: Position): number | null {
    const parsed = parsePosition(pos);
    if (!parsed || parsed.epoch !== this.epoch || parsed.parts.length !== 1) return null;
    const offset = parsed.parts[0];
    return offset <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(offset) : null;
  }
}
