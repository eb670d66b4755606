/**
 * What a feed is: a family of topics that decides what its topics are
 * (event or state), who may subscribe, what may be published and what
 * presence means. Feeds reach topics only through the broker.
 */
import type { ErrorCode, Json, Position } from '../../src/core/protocol.js';
import type { Broker, WriteOptions } from '../broker/broker.js';
import type { ServerOptions } from '../options.js';
import type { SessionInfo } from '../sessions.js';
import type { ServerStats } from '../stats.js';
import type { TaskDispatcher } from '../task-dispatcher.js';

/** A request a feed turns down, sent back as an `error` message. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** A client publish's outcome: the stored position, or a refusal. */
export type PublishOutcome = { pos: Position } | Refusal;

/** One topic as a feed serves it. */
export interface TopicSpec {
  /** `event`: a history to replay; `state`: a snapshot, then merge patches. */
  readonly kind: 'event' | 'state';
  /**
   * Kept by this instance alone, even where topics are shared through Redis:
   * the timer feeds every instance runs itself (clock, ticker, metrics,
   * firehose), which would otherwise publish once per instance. Taking part
   * (`join`/`leave`) follows the connection, not the session, since a
   * session may resume on another instance.
   */
  readonly local?: boolean;
  /** Events kept for replay; defaults to the server's `history` option. */
  readonly history?: number;
  /**
   * The field of an event's data that names what it updates (the firehose's
   * `k`): each event replaces the last of its key, so while a connection is
   * behind only the newest queued event per key is kept for it (SPEC 4.4).
   */
  readonly conflateBy?: string;
  /** Turns a subscribe down (someone else's inbox); undefined allows it. */
  refuseSubscribe?(session: SessionInfo): Refusal | undefined | Promise<Refusal | undefined>;
  /**
   * Handles a client's publish; a topic without it is read-only
   * (`forbidden`). `write` goes with the broker write it makes (its
   * idempotency key, from the publish id).
   */
  publish?(data: Json, session: SessionInfo, write: WriteOptions): Promise<PublishOutcome>;
  /** The session starts taking part (presence, watchers), before its snapshot is taken. */
  join?(session: SessionInfo): Promise<void>;
  /** The session stops taking part: it unsubscribed or ended. */
  leave?(session: SessionInfo): Promise<void>;
  /** True for a task queue (`tasks/<name>`): workers may offer to run its tasks with `work`. */
  readonly taskQueue?: boolean;
}

/** What feeds are given to work with. */
export interface FeedContext {
  broker: Broker;
  options: ServerOptions;
  stats: ServerStats;
  /** Hands out the tasks of `tasks/<name>` queues. */
  tasks: TaskDispatcher;
  /** True while a session with this id lives, on any instance. */
  hasSession: (id: string) => Promise<boolean>;
  /** Reports a fault in a feed's own timer, which has no client to answer. */
  report: (error: unknown) => void;
}

export interface Feed {
  /** The feed's name, as `--feeds` lists it. */
  readonly name: string;
  /** The topic's spec when this feed serves the topic, else undefined. */
  resolve(topic: string): TopicSpec | undefined;
  /** A session ended: forget what the feed kept for it. */
  sessionEnded?(session: SessionInfo): Promise<void>;
  /** Stops the feed's timers. */
  stop?(): void;
}

/** Builds a feed; feeds with timers start them here. */
export type FeedFactory = (context: FeedContext) => Feed;

/** Refuses with `invalid` and a message naming what is wrong. */
export function invalid(message: string): Refusal {
  return { code: 'invalid', message };
}

/** True for a plain JSON object. */
export { isPlainObject as isObject } from '../../src/core/protocol.js';

/** Runs a feed's timer body, reporting failures instead of leaving promises unhandled. */
export function every(ms: number, context: FeedContext, tick: () => Promise<unknown>): () => void {
  const timer = setInterval(() => void tick().catch(context.report), ms);
  return () => clearInterval(timer);
}
