/**
 * The shared broker (`--redis`): every instance on one Redis sees the same
 * topics, positions, history and state.
 *
 * - Each topic is its own Redis Stream, so a catch-up reads only its topic.
 *   A position is `EPOCH:` + the stream id (`1712345678901-0`); `EPOCH`
 *   lives in Redis and is renewed when Redis comes back without its data.
 * - Fan-out is Redis PUB/SUB, one channel per topic: the script that adds
 *   an entry to the stream publishes its wire text in the same atomic step,
 *   so an instance receives only the topics it has subscribers for and
 *   sends the text on without serializing it again. PUB/SUB drops what is
 *   sent while a connection is down, so the stream stays the source of
 *   truth: after any reconnect each listened topic is read again from its
 *   last delivered position, and a listener is told of a `gap` only when
 *   the stream can no longer give what was missed.
 * - State topics are changed by compare-and-set: the new state is merged
 *   here (the same RFC 7386 code as everywhere) and stored by a script only
 *   if the topic's last id is still the one read, else read again. Changes
 *   from one instance to one topic are queued so they do not race each other.
 *
 * Listeners hear entries through Redis, so they may hear an entry after the
 * call that stored it resolved.
 */
import { randomBytes } from 'node:crypto';
import { applyMergePatch } from '../../src/core/merge-patch.js';
import {
  comparePositions,
  formatPosition,
  parsePosition,
  type Json,
  type ParsedPosition,
  type Position,
} from '../../src/core/protocol.js';
import { LuaScript, type RedisLink } from '../redis/link.js';
import { addedFields } from './added-fields.js';
import {
  ONCE_KEPT,
  type Broker,
  type BrokerStatus,
  type EntryKind,
  type EventRange,
  type StateSnapshot,
  type TopicEntry,
  type TopicListener,
  type WriteOptions,
} from './broker.js';
import { AFTER, APPEND, LATEST, PATCH_IF_UNCHANGED, STATE } from './redis-scripts.js';

const SCRIPTS = {
  append: new LuaScript(APPEND),
  patchIfUnchanged: new LuaScript(PATCH_IF_UNCHANGED),
  state: new LuaScript(STATE),
  after: new LuaScript(AFTER),
  latest: new LuaScript(LATEST),
};

/** A stream entry as XRANGE returns it: its id and its fields `k`, kind, and `d`, data. */
type RawEntry = [id: string, fields: string[]];

/** What a write script returns: {epoch, stream id}, or {'', position} of an earlier write with the same key. */
type Written = [epoch: string, idOrPosition: string];

/** A stored entry and whether it is an event or a patch. */
interface KindedEntry {
  entry: TopicEntry;
  kind: EntryKind;
}

/** One topic this instance listens to. */
interface ListenedTopic {
  readonly listeners: Set<TopicListener>;
  /** The last position delivered (or caught up to); undefined until first read. */
  last: Position | undefined;
  /** Messages held while the topic is caught up from its stream; undefined while live. */
  held: string[] | undefined;
  /** Settles once the channel is subscribed and `last` read: reads of the topic wait for it. */
  ready: Promise<void>;
}

export interface RedisBrokerOptions {
  /** Key and channel prefix, so several deployments can share one Redis. */
  prefix?: string;
  /** Patches kept per state topic, for catching up listeners after a reconnect. */
  patchHistory?: number;
}

export class RedisBroker implements Broker {
  private readonly prefix: string;
  private readonly patchHistory: number;
  private readonly listened = new Map<string, ListenedTopic>();
  /** Per topic, the tail of this instance's queue of state changes. */
  private readonly changes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly link: RedisLink,
    options: RedisBrokerOptions = {},
  ) {
    this.prefix = options.prefix ?? 'ws-bind:';
    this.patchHistory = options.patchHistory ?? 100;
    link.onUp(() => {
      for (const [topic, listened] of this.listened) void this.catchUp(topic, listened);
    });
  }

  async append(topic: string, data: Json, history: number, options: WriteOptions = {}): Promise<TopicEntry> {
    const prefix = wirePrefix('event', topic);
    const dataText = JSON.stringify(data);
    const written = (await this.link.evaluate(
      SCRIPTS.append,
      this.keys(topic),
      this.writeArgs(topic, history, prefix, dataText, options),
    )) as Written;
    return this.written(topic, 'event', data, dataText, written);
  }

  async after(topic: string, since: Position): Promise<EventRange | null> {
    await this.listened.get(topic)?.ready;
    const range = await this.readAfter(topic, since);
    return range && { events: range.entries.map(({ entry }) => entry), pos: range.pos };
  }

  /** The entries after `since` with their kinds, or null when they cannot all be given. */
  private async readAfter(topic: string, since: Position): Promise<{ entries: KindedEntry[]; pos: Position } | null> {
    const parsed = parsePosition(since);
    if (!parsed || parsed.parts.length > 2) return null;
    const sinceId = `${parsed.parts[0]}-${parsed.parts[1] ?? 0n}`;
    const [epoch, last, first, added, length, raw] = (await this.link.evaluate(SCRIPTS.after, this.keys(topic), [
      newEpoch(),
      `(${sinceId}`,
    ])) as [string, string, string, number, number, RawEntry[]];
    if (epoch !== parsed.epoch) return null;
    const at = (id: string) => formatPosition(epoch, id);
    if ((comparePositions(since, at(last)) ?? 1) > 0) return null;
    // Trimmed streams keep the newest dropped entry as their first: `since` must be at or after it.
    if (added > length && (comparePositions(since, at(first)) ?? -1) < 0) return null;
    return { entries: raw.map((entry) => this.entry(topic, epoch, entry)), pos: this.pos(epoch, last) };
  }

  async latest(topic: string, count: number): Promise<EventRange> {
    await this.listened.get(topic)?.ready;
    const [epoch, last, raw] = (await this.link.evaluate(SCRIPTS.latest, this.keys(topic), [
      newEpoch(),
      Math.floor(count),
    ])) as [string, string, RawEntry[]];
    const events = raw.reverse().map((raw) => this.entry(topic, epoch, raw).entry);
    return { events, pos: this.pos(epoch, last) };
  }

  async position(topic: string): Promise<Position> {
    await this.listened.get(topic)?.ready;
    return this.readPosition(topic);
  }

  patch(topic: string, patch: Json, options?: WriteOptions): Promise<TopicEntry> {
    return this.change(topic, () => patch, options);
  }

  add(topic: string, amounts: Readonly<Record<string, number>>, options?: WriteOptions): Promise<TopicEntry> {
    return this.change(topic, (state) => addedFields(state, amounts), options);
  }

  async state(topic: string): Promise<StateSnapshot> {
    await this.listened.get(topic)?.ready;
    const { epoch, last, state } = await this.readState(topic);
    return { pos: this.pos(epoch, last), data: state };
  }

  listen(topic: string, listener: TopicListener): () => void {
    let listened = this.listened.get(topic);
    if (!listened) {
      const created: ListenedTopic = { listeners: new Set(), last: undefined, held: [], ready: Promise.resolve() };
      this.listened.set(topic, created);
      this.link.handle(this.channel(topic), (_channel, message) => this.receive(created, message));
      created.ready = this.catchUp(topic, created);
      listened = created;
    }
    listened.listeners.add(listener);
    const topicListened = listened;
    return () => {
      topicListened.listeners.delete(listener);
      if (topicListened.listeners.size > 0 || this.listened.get(topic) !== topicListened) return;
      this.listened.delete(topic);
      this.link.unhandle(this.channel(topic));
      void this.link.unsubscribe(this.channel(topic));
    };
  }

  async drop(topic: string): Promise<void> {
    await this.link.run((redis) => redis.del(...this.keys(topic).slice(1)));
  }

  status(): BrokerStatus {
    return this.link.status();
  }

  /** Stops listening; the link is closed by its owner, which shares it with the session store. */
  async close(): Promise<void> {
    this.listened.clear();
  }

  // ---- state changes -------------------------------------------------------

  /** Applies the patch `makePatch` computes from the current state, retrying until no other instance got in between. */
  private change(topic: string, makePatch: (state: Json) => Json, options: WriteOptions = {}): Promise<TopicEntry> {
    const run = async (): Promise<TopicEntry> => {
      const prefix = wirePrefix('patch', topic);
      for (;;) {
        const { epoch, last, state } = await this.readState(topic);
        const patch = makePatch(state);
        const patchText = JSON.stringify(patch);
        const written = (await this.link.evaluate(SCRIPTS.patchIfUnchanged, this.keys(topic), [
          ...this.writeArgs(topic, this.patchHistory, prefix, patchText, options),
          JSON.stringify(applyMergePatch(state, patch)),
          epoch,
          last,
        ])) as Written | null;
        if (written) return this.written(topic, 'patch', patch, patchText, written);
      }
    };
    const queued = (this.changes.get(topic) ?? Promise.resolve()).then(run, run);
    const tail = queued.catch(() => undefined);
    this.changes.set(topic, tail);
    void tail.then(() => {
      if (this.changes.get(topic) === tail) this.changes.delete(topic);
    });
    return queued;
  }

  /** The arguments every write script starts with (see redis-scripts.ts). */
  private writeArgs(topic: string, history: number, prefix: string, dataText: string, { once }: WriteOptions): (string | number)[] {
    return [newEpoch(), history + 1, this.channel(topic), prefix, dataText, once ?? '', ONCE_KEPT];
  }

  /** The entry a write script reports: the new one, or the one written earlier under the same idempotency key. */
  private written(topic: string, kind: EntryKind, data: Json, dataText: string, [epoch, id]: Written): TopicEntry {
    if (epoch === '') return { topic, pos: id, data };
    const pos = formatPosition(epoch, id);
    return { topic, pos, data, wire: `${wirePrefix(kind, topic)}${pos}","data":${dataText}}` };
  }

  private async readState(topic: string): Promise<{ epoch: string; last: string; state: Json }> {
    const [epoch, last, text] = (await this.link.evaluate(SCRIPTS.state, this.keys(topic), [newEpoch()])) as [
      string,
      string,
      string | null,
    ];
    return { epoch, last, state: text ? (JSON.parse(text) as Json) : {} };
  }

  // ---- delivery ------------------------------------------------------------

  /** A message from the topic's channel: held during a catch-up, else delivered. */
  private receive(listened: ListenedTopic, message: string): void {
    if (listened.held) listened.held.push(message);
    else this.deliverMessage(listened, message);
  }

  /** A live message; one of another epoch means Redis lost its data: hold it and catch up from the stream. */
  private deliverMessage(listened: ListenedTopic, message: string): void {
    const { type, topic, pos, data } = JSON.parse(message) as { type: EntryKind; topic: string; pos: Position; data: Json };
    if (listened.last !== undefined && comparePositions(pos, listened.last) === null) {
      listened.held = [message];
      void this.catchUp(topic, listened);
      return;
    }
    this.deliver(listened, type, { topic, pos, data, wire: message });
  }

  /** Delivers an entry once, in order: one at or before the last delivered is a duplicate. */
  private deliver(listened: ListenedTopic, kind: EntryKind, entry: TopicEntry): void {
    const order = listened.last === undefined ? 1 : comparePositions(entry.pos, listened.last);
    if (order === null || order <= 0) return;
    listened.last = entry.pos;
    for (const listener of listened.listeners) listener.entry(kind, entry);
  }

  /**
   * Subscribes the topic's channel, then reads what was missed from its
   * stream (everything after `last`) and delivers it before the messages
   * held meanwhile. Where the stream cannot give it all, listeners hear a
   * gap: in a new epoch (Redis lost its data) at its start, so everything
   * written since still reaches them; in a trimmed stream at its current
   * position. Runs when listening starts and after every reconnect; while
   * Redis is down it stops and the next reconnect runs it again.
   */
  private async catchUp(topic: string, listened: ListenedTopic): Promise<void> {
    listened.held ??= [];
    try {
      await this.link.subscribe(this.channel(topic));
      if (listened.last === undefined) {
        listened.last = await this.readPosition(topic);
      } else {
        let range = await this.readAfter(topic, listened.last);
        if (!range) {
          const current = await this.readPosition(topic);
          const epoch = (parsePosition(current) as ParsedPosition).epoch;
          const start = epoch === parsePosition(listened.last)?.epoch ? current : formatPosition(epoch, '0');
          const fromStart = await this.readAfter(topic, start);
          listened.last = fromStart ? start : current;
          range = fromStart ?? { entries: [], pos: current };
          for (const listener of listened.listeners) listener.gap(listened.last);
        }
        for (const { entry, kind } of range.entries) this.deliver(listened, kind, entry);
      }
    } catch {
      // Redis went away again: the next reconnect catches up from the same place.
      return;
    }
    // Another catch-up of this topic (listening began, then a reconnect) may have delivered the held messages already.
    const held = listened.held as string[] | undefined;
    listened.held = undefined;
    for (const message of held ?? []) this.deliverMessage(listened, message);
  }

  private async readPosition(topic: string): Promise<Position> {
    const [epoch, last] = (await this.link.evaluate(SCRIPTS.latest, this.keys(topic), [newEpoch(), 0])) as [string, string];
    return this.pos(epoch, last);
  }

  /** A stream entry as a topic entry with its kind. */
  private entry(topic: string, epoch: string, [id, fields]: RawEntry): KindedEntry {
    const kind: EntryKind = fields[fields.indexOf('k') + 1] === 'patch' ? 'patch' : 'event';
    const data = JSON.parse(fields[fields.indexOf('d') + 1]) as Json;
    return { entry: { topic, pos: formatPosition(epoch, id), data }, kind };
  }

  /** A position; the empty stream's `0-0` is written `0`, as on every broker. */
  private pos(epoch: string, id: string): Position {
    return formatPosition(epoch, id === '0-0' ? '0' : id);
  }

  /** The epoch key, the topic's stream, its state, and its idempotency keys (hash and order). */
  private keys(topic: string): string[] {
    const { prefix } = this;
    return [`${prefix}epoch`, `${prefix}log:${topic}`, `${prefix}state:${topic}`, `${prefix}once:${topic}`, `${prefix}once-order:${topic}`];
  }

  private channel(topic: string): string {
    return `${this.prefix}live:${topic}`;
  }
}

/** A candidate for the shared epoch, fresh for every call so a Redis that lost its data never gets an old one back. */
function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** An entry's wire text up to its position, matching `entryText` (server/wire.ts) byte for byte. */
function wirePrefix(kind: EntryKind, topic: string): string {
  return `{"type":"${kind}","topic":${JSON.stringify(topic)},"pos":"`;
}
