/**
 * Sessions shared through Redis (`--redis`), so a client that resumes on
 * another instance keeps its id (and inbox), presence and publish ids.
 *
 * A session is a hash `sess:<id>` holding its resume key and a generation
 * that every resume raises; `key:<key>` finds it by key; `joined:<id>` and
 * `pub:<id>` hold its joined topics and publish ids. `deadlines` (a sorted
 * set) says when each session ends: an instance pushes its connected
 * sessions' deadlines forward every few seconds (a lease), so the sessions
 * of an instance that dies end one resume window after its last lease,
 * ended by whichever live instance sees the deadline pass first. A resume
 * publishes on the `takeover` channel so the previous holder, wherever it
 * is, closes its connection with 4000; a holder that missed that message
 * learns it from its next lease, which finds a newer generation.
 */
import type { MessageId, Position } from '../src/core/protocol.js';
import { LuaScript, type RedisLink } from './redis/link.js';
import {
  randomId,
  REMEMBERED_PUBLISHES,
  Session,
  type SessionEnded,
  type SessionHolder,
  type SessionStore,
} from './sessions.js';

/** How often an instance renews the leases of the sessions it holds. */
const LEASE_MS = 2000;
/** How often an instance looks for sessions whose deadline passed. */
const SWEEP_MS = 1000;
/** Sessions ended per sweep at most, so one sweep stays short. */
const SWEEP_BATCH = 100;

/**
 * Takes a session over by its key, for the user it was opened by only. ARGV: prefix, now, new deadline, user ('' for
 * none). Returns {id, generation} or false.
 */
const CLAIM = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
if (redis.call('HGET', ARGV[1] .. 'sess:' .. id, 'user') or '') ~= ARGV[4] then return false end
local deadline = redis.call('ZSCORE', ARGV[1] .. 'deadlines', id)
if not deadline or tonumber(deadline) < tonumber(ARGV[2]) then return false end
local generation = redis.call('HINCRBY', ARGV[1] .. 'sess:' .. id, 'gen', 1)
redis.call('DEL', KEYS[1])
redis.call('ZADD', ARGV[1] .. 'deadlines', ARGV[3], id)
return {id, generation}
`);

/**
 * Writes a held session's record (key, generation, user, deadline), unless a
 * newer generation took it over. ARGV: prefix, id, generation, key,
 * deadline, user ('' for none). Returns 1, or 0 when taken over.
 */
const HOLD = new LuaScript(`
local record = ARGV[1] .. 'sess:' .. ARGV[2]
if tonumber(redis.call('HGET', record, 'gen') or '0') > tonumber(ARGV[3]) then return 0 end
local old = redis.call('HGET', record, 'key')
if old and old ~= ARGV[4] then redis.call('DEL', ARGV[1] .. 'key:' .. old) end
redis.call('HSET', record, 'gen', ARGV[3], 'key', ARGV[4], 'user', ARGV[6])
redis.call('SET', ARGV[1] .. 'key:' .. ARGV[4], ARGV[2])
redis.call('ZADD', ARGV[1] .. 'deadlines', ARGV[5], ARGV[2])
return 1
`);

/**
 * Ends a session: by its holder (ARGV[3] its generation: not if taken over)
 * or by a sweep (ARGV[3] empty: only past its deadline, ARGV[4] now).
 * ARGV[1] prefix, ARGV[2] id. Returns the topics it had joined, or false
 * when it was not for this caller to end.
 */
const END = new LuaScript(`
local p, id = ARGV[1], ARGV[2]
local record = p .. 'sess:' .. id
if ARGV[3] ~= '' then
  if tonumber(redis.call('HGET', record, 'gen') or '0') > tonumber(ARGV[3]) then return false end
else
  local deadline = redis.call('ZSCORE', p .. 'deadlines', id)
  if not deadline or tonumber(deadline) >= tonumber(ARGV[4]) then return false end
end
local key = redis.call('HGET', record, 'key')
if key then redis.call('DEL', p .. 'key:' .. key) end
local joined = redis.call('SMEMBERS', p .. 'joined:' .. id)
redis.call('DEL', record, p .. 'joined:' .. id, p .. 'pub:' .. id, p .. 'publist:' .. id)
redis.call('ZREM', p .. 'deadlines', id)
return joined
`);

/** Remembers a publish id once, forgetting the oldest beyond ARGV[5]. ARGV: prefix, id, publish id, position, limit. */
const REMEMBER = new LuaScript(`
local ids, order = ARGV[1] .. 'pub:' .. ARGV[2], ARGV[1] .. 'publist:' .. ARGV[2]
if redis.call('HSETNX', ids, ARGV[3], ARGV[4]) == 1 then
  redis.call('RPUSH', order, ARGV[3])
  if redis.call('LLEN', order) > tonumber(ARGV[5]) then redis.call('HDEL', ids, redis.call('LPOP', order)) end
end
return 1
`);

/** A session this instance acts for, with the generation it holds. */
interface Held {
  session: Session;
  generation: number;
}

export class RedisSessionStore implements SessionStore {
  private readonly held = new Map<string, Held>();
  private readonly timers: NodeJS.Timeout[];
  private readonly takeoverChannel: string;

  constructor(
    private readonly link: RedisLink,
    private readonly resumeWindow: number,
    private readonly onEnd: SessionEnded,
    private readonly prefix = 'ws-bind:',
  ) {
    this.takeoverChannel = `${prefix}takeover`;
    link.handle(this.takeoverChannel, (_channel, message) => this.takenOver(message));
    link.onUp(() => {
      this.link.subscribe(this.takeoverChannel).catch(() => undefined);
      this.renewLeases();
    });
    this.timers = [setInterval(() => this.renewLeases(), LEASE_MS), setInterval(() => this.sweep(), SWEEP_MS)];
    for (const timer of this.timers) timer.unref();
  }

  async create(holder: SessionHolder, user?: string): Promise<Session> {
    let id = randomId(6);
    while (this.held.has(id)) id = randomId(6);
    const session = new Session(id, user);
    session.holder = holder;
    this.held.set(id, { session, generation: 1 });
    return session;
  }

  async has(id: string): Promise<boolean> {
    if (this.held.has(id)) return true;
    return (await this.link.run((redis) => redis.exists(`${this.prefix}sess:${id}`))) === 1;
  }

  async renewKey(session: Session): Promise<string> {
    session.resumeKey = randomId(24);
    const held = this.held.get(session.id);
    // Best effort: while Redis is down the next lease writes the key.
    if (held) await this.hold(held, this.leaseDeadline()).catch(() => undefined);
    return session.resumeKey;
  }

  async resume(key: string, holder: SessionHolder, user?: string): Promise<Session | undefined> {
    const claimed = (await this.link.evaluate(CLAIM, [`${this.prefix}key:${key}`], [
      this.prefix,
      Date.now(),
      this.leaseDeadline(),
      user ?? '',
    ])) as [string, number] | null;
    if (!claimed) return undefined;
    const [id, generation] = claimed;
    const previous = this.held.get(id);
    const session = previous?.session ?? new Session(id, user);
    const before = session.holder;
    session.holder = holder;
    this.held.set(id, { session, generation });
    if (before && before !== holder) before.takenOver();
    // Best effort: a holder that misses it learns of the newer generation from its next lease.
    await this.link.run((redis) => redis.publish(this.takeoverChannel, `${generation} ${id}`)).catch(() => undefined);
    return session;
  }

  keep(session: Session): void {
    const held = this.held.get(session.id);
    if (held?.session !== session) return;
    this.held.delete(session.id);
    session.holder = undefined;
    // If Redis is down the last lease's deadline stands, a few seconds later than the window.
    this.hold(held, Date.now() + this.resumeWindow).catch(() => undefined);
  }

  end(session: Session): void {
    const held = this.held.get(session.id);
    if (held?.session !== session) return;
    this.held.delete(session.id);
    session.holder = undefined;
    // If Redis is down the session's deadline passes and a sweep ends it.
    this.endInRedis(session.id, String(held.generation)).catch(() => undefined);
  }

  async join(session: Session, topic: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.sadd(`${this.prefix}joined:${session.id}`, topic))) === 1;
  }

  async leave(session: Session, topic: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.srem(`${this.prefix}joined:${session.id}`, topic))) === 1;
  }

  async publishedAt(session: Session, id: MessageId): Promise<Position | undefined> {
    const pos = await this.link.run((redis) => redis.hget(`${this.prefix}pub:${session.id}`, JSON.stringify(id)));
    return pos ?? undefined;
  }

  async rememberPublish(session: Session, id: MessageId, pos: Position): Promise<void> {
    await this.link.evaluate(REMEMBER, [], [this.prefix, session.id, JSON.stringify(id), pos, REMEMBERED_PUBLISHES]);
  }

  /** Stops the timers; sessions stay in Redis for the resume window, to be resumed on another instance. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.link.unhandle(this.takeoverChannel);
  }

  /** A connected session's deadline: the resume window after the lease that will not be renewed. */
  private leaseDeadline(): number {
    return Date.now() + 2 * LEASE_MS + this.resumeWindow;
  }

  private async hold({ session, generation }: Held, deadline: number): Promise<boolean> {
    const args = [this.prefix, session.id, generation, session.resumeKey, deadline, session.user ?? ''];
    return (await this.link.evaluate(HOLD, [], args)) === 1;
  }

  private renewLeases(): void {
    const deadline = this.leaseDeadline();
    for (const held of this.held.values()) {
      this.hold(held, deadline).then(
        (kept) => {
          if (!kept) this.lose(held.session.id, Number.POSITIVE_INFINITY);
        },
        () => undefined,
      );
    }
  }

  /** A `takeover` message: `<generation> <id>`. */
  private takenOver(message: string): void {
    const space = message.indexOf(' ');
    this.lose(message.slice(space + 1), Number(message.slice(0, space)));
  }

  /** Another connection holds the session from `generation` on: the local one, if older, stops acting for it. */
  private lose(id: string, generation: number): void {
    const held = this.held.get(id);
    if (!held || held.generation >= generation) return;
    this.held.delete(id);
    const holder = held.session.holder;
    held.session.holder = undefined;
    holder?.takenOver();
  }

  private sweep(): void {
    const now = Date.now();
    this.link
      .run((redis) => redis.zrangebyscore(`${this.prefix}deadlines`, '-inf', now, 'LIMIT', 0, SWEEP_BATCH))
      .then((ids) => Promise.all(ids.map((id) => this.endInRedis(id, '', now))))
      .catch(() => undefined);
  }

  /** Ends a session in Redis and, when this call ended it, makes it leave what it joined. */
  private async endInRedis(id: string, generation: string, now = Date.now()): Promise<void> {
    const joined = (await this.link.evaluate(END, [], [this.prefix, id, generation, now])) as string[] | null;
    if (joined) this.onEnd({ id }, joined);
  }
}
