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

/** Called for every entry stored on a topic, in position order. */
export type TopicListener = (kind: EntryKind, entry: TopicEntry) => void;

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

export interface Broker {
  /** Stores an event, keeping at most `history` of the topic's latest; listeners hear it before this resolves. */
  append(topic: string, data: Json, history: number): Promise<TopicEntry>;
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
  patch(topic: string, patch: Json): Promise<TopicEntry>;
  /** A state topic's current state (`{}` before its first patch). */
  state(topic: string): Promise<StateSnapshot>;
  /** Starts delivering a topic's new entries; returns the function that stops it. */
  listen(topic: string, listener: TopicListener): () => void;
  /** Forgets a topic that will not be used again (an ended session's inbox). */
  drop(topic: string): Promise<void>;
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
