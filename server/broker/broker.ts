/**
 * Where topics live: their positions, bounded event history and state.
 * Feeds and the protocol talk only to this interface, so the in-memory
 * broker can be swapped for a shared one (Redis) without touching them.
 */
import type { Json, Position } from '../../src/core/protocol.js';

/** One stored message of a topic: an event, or a merge patch of a state topic. */
export interface TopicEntry {
  readonly topic: string;
  readonly pos: Position;
  readonly data: Json;
  /** The entry's wire text, cached by the protocol layer so it is serialized once. */
  wire?: string;
}

/** What a topic delivers to its listeners: `event` on event topics, `patch` on state topics. */
export type EntryKind = 'event' | 'patch';

/** Hears a topic's new entries. */
export interface TopicListener {
  /** Called for every entry stored on the topic, in position order. */
  entry(kind: EntryKind, entry: TopicEntry): void;
  /**
   * Entries up to `pos` may have been missed and cannot be replayed (a
   * shared store lost its history); entries after `pos` follow as usual.
   * Whoever listens must catch up anew: `reset` to `pos`, or a fresh snapshot.
   */
  gap(pos: Position): void;
}

/** Whether the broker can serve right now: a shared broker is `down` while its store is unreachable. */
export type BrokerStatus = 'up' | 'down';

/** Thrown while the backing store is unreachable; clients get `error` code `unavailable`. */
export class BrokerUnavailableError extends Error {
  constructor(message = 'the shared store is unreachable: try again shortly') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** A run of events plus the topic's position when they were read. */
export interface EventRange {
  events: TopicEntry[];
  /** The topic's current position: the last of `events`, or later. */
  pos: Position;
}

/** A state topic's whole state at a position. */
export interface StateSnapshot {
  pos: Position;
  data: Json;
}

/** How a write is made. */
export interface WriteOptions {
  /**
   * An idempotency key (a session and its publish id): a write already made
   * under it, among the topic's last {@link ONCE_KEPT}, is not made again and
   * its position comes back instead. It is stored in the same step as the
   * write, so a client that re-sends after its instance (or Redis) died
   * between storing and acking never stores twice.
   */
  once?: string;
}

/** Idempotency keys a broker keeps per topic. */
export const ONCE_KEPT = 1000;

export interface Broker {
  /** Stores an event, keeping at most `history` of the topic's latest; listeners hear it (the memory broker before this resolves). */
  append(topic: string, data: Json, history: number, options?: WriteOptions): Promise<TopicEntry>;
  /**
   * Every event after `since`, or null when they cannot all be given (another
   * epoch, a position this broker never issued, or history already dropped).
   */
  after(topic: string, since: Position): Promise<EventRange | null>;
  /** Up to `count` latest events, oldest first. */
  latest(topic: string, count: number): Promise<EventRange>;
  /** The topic's current position (`EPOCH:0` before its first entry). */
  position(topic: string): Promise<Position>;
  /** Merges an RFC 7386 patch into a state topic; listeners hear the patch. */
  patch(topic: string, patch: Json, options?: WriteOptions): Promise<TopicEntry>;
  /**
   * Adds numbers to top-level fields of a state topic in one atomic step (a
   * missing field counts as 0); listeners hear a patch with the new values.
   */
  add(topic: string, amounts: Readonly<Record<string, number>>, options?: WriteOptions): Promise<TopicEntry>;
  /** A state topic's current state (`{}` before its first patch). */
  state(topic: string): Promise<StateSnapshot>;
  /** Starts delivering a topic's new entries; returns the function that stops it. */
  listen(topic: string, listener: TopicListener): () => void;
  /** Forgets a topic that will not be used again (an ended session's inbox). */
  drop(topic: string): Promise<void>;
  /** Whether the broker can serve now (the `metrics` feed shows it). */
  status(): BrokerStatus;
  /** Releases what the broker holds. */
  close(): Promise<void>;
}

/** A task waiting in a `tasks/<name>` queue (SPEC 3.5): what it is, and what its attempts so far came to. */
export interface QueuedTask {
  readonly id: string;
  /** Its queue, `tasks/<name>`. */
  readonly topic: string;
  readonly input: Json;
  /** Attempts allowed before it fails for good. */
  readonly attempts: number;
  /** Milliseconds a worker has for one attempt. */
  readonly deadline: number;
  /** Why each failed attempt failed, oldest first. */
  readonly failures: string[];
}

/**
 * The waiting tasks of every task queue. They live in the broker so that
 * instances sharing one (Redis) share the queue; which worker runs what, and
 * its deadline, stay with the instance that holds the worker's socket.
 */
export interface TaskQueue {
  /** Adds a task at the back of its queue; false (and nothing added) when `limit` tasks already wait there. */
  enqueue(task: QueuedTask, limit: number): Promise<boolean>;
  /** Puts a task whose attempt failed back at the front of its queue, ahead of newer tasks. */
  requeue(task: QueuedTask): Promise<void>;
  /** Takes the oldest waiting task of a queue; undefined when none waits. */
  dequeue(topic: string): Promise<QueuedTask | undefined>;
  /** How many tasks wait in a queue. */
  waiting(topic: string): Promise<number>;
}
