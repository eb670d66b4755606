/**
 * Sessions (SPEC 4.3): what outlives one connection for the resume window —
 * the id (and with it the inbox), the topics it joined (presence) and recent
 * publish ids. `SessionStore` is the interface; `MemorySessionStore` keeps
 * them in this process, `RedisSessionStore` (redis-sessions.ts) shares them
 * between instances so a session resumes on any of them.
 */
import { randomBytes } from 'node:crypto';
import type { MessageId, Position } from '../src/core/protocol.js';

/** Publish ids a session remembers for deduplication (SPEC 4.2). */
export const REMEMBERED_PUBLISHES = 1000;

/** What a feed may know about the session acting on it. */
export interface SessionInfo {
  readonly id: string;
  /** The JWT `sub` the session was opened with (none without a JWT). */
  readonly user?: string;
}

/** The connection a session currently belongs to. */
export interface SessionHolder {
  /** Another connection resumed this session: stop acting for it. */
  takenOver(): void;
}

/** One session as this process knows it while a connection of its acts for it. */
export class Session implements SessionInfo {
  /** The connection acting for the session; none while it waits to be resumed. */
  holder: SessionHolder | undefined;
  resumeKey = '';

  /** @param user the JWT `sub` it was opened with; only a token for the same user resumes it. */
  constructor(
    readonly id: string,
    readonly user?: string,
  ) {}
}

/** Called once when a session ends, with the topics it had joined, so it leaves them. */
export type SessionEnded = (session: SessionInfo, joined: string[]) => void;

export interface SessionStore {
  /** A new session with a fresh id for `user` (none without a JWT), held by `holder`; never fails, even while a shared store is down. */
  create(holder: SessionHolder, user?: string): Promise<Session>;
  /** True while a session with this id lives (connected or waiting to be resumed), on any instance. */
  has(id: string): Promise<boolean>;
  /** Issues the session a new resume key, retiring the old one: every `welcome` carries a fresh key. */
  renewKey(session: Session): Promise<string>;
  /**
   * Hands the session a key resumes to `holder`, acting for `user`; its previous holder, wherever it is, is told. A key
   * of another user's session resumes nothing, as if unknown.
   */
  resume(key: string, holder: SessionHolder, user?: string): Promise<Session | undefined>;
  /** Its connection dropped: the session waits the resume window, then ends. */
  keep(session: Session): void;
  /** Ends a session now: it can no longer be resumed and leaves what it joined. */
  end(session: Session): void;
  /** Records that the session joined `topic`; false when it already had. */
  join(session: Session, topic: string): Promise<boolean>;
  /** Records that the session left `topic`; false when it had not joined it. */
  leave(session: Session, topic: string): Promise<boolean>;
  /** The position a publish id got earlier in this session, if it did. */
  publishedAt(session: Session, id: MessageId): Promise<Position | undefined>;
  /** Remembers a publish id's position, forgetting the oldest beyond {@link REMEMBERED_PUBLISHES}. */
  rememberPublish(session: Session, id: MessageId, pos: Position): Promise<void>;
  /** The server is closing: stop timers (the memory store ends every session). */
  close(): Promise<void>;
}

/** What the memory store keeps per session besides the `Session` itself. */
interface MemoryRecord {
  session: Session;
  joined: Set<string>;
  publishes: Map<string, Position>;
  expiry: NodeJS.Timeout | undefined;
}

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, MemoryRecord>();
  private readonly byKey = new Map<string, MemoryRecord>();

  constructor(
    private readonly resumeWindow: number,
    private readonly onEnd: SessionEnded,
  ) {}

  async create(holder: SessionHolder, user?: string): Promise<Session> {
    let id = randomId(6);
    while (this.byId.has(id)) id = randomId(6);
    const session = new Session(id, user);
    session.holder = holder;
    this.byId.set(id, { session, joined: new Set(), publishes: new Map(), expiry: undefined });
    return session;
  }

  async has(id: string): Promise<boolean> {
    return this.byId.has(id);
  }

  async renewKey(session: Session): Promise<string> {
    const record = this.byId.get(session.id);
    this.byKey.delete(session.resumeKey);
    session.resumeKey = randomId(24);
    if (record) this.byKey.set(session.resumeKey, record);
    return session.resumeKey;
  }

  async resume(key: string, holder: SessionHolder, user?: string): Promise<Session | undefined> {
    const record = this.byKey.get(key);
    if (!record || record.session.user !== user) return undefined;
    clearTimeout(record.expiry);
    record.expiry = undefined;
    const { session } = record;
    const previous = session.holder;
    session.holder = holder;
    if (previous !== holder) previous?.takenOver();
    return session;
  }

  keep(session: Session): void {
    const record = this.byId.get(session.id);
    if (!record) return;
    session.holder = undefined;
    clearTimeout(record.expiry);
    record.expiry = setTimeout(() => this.end(session), this.resumeWindow);
    record.expiry.unref();
  }

  end(session: Session): void {
    const record = this.byId.get(session.id);
    if (record?.session !== session) return;
    clearTimeout(record.expiry);
    this.byId.delete(session.id);
    this.byKey.delete(session.resumeKey);
    session.holder = undefined;
    this.onEnd(session, [...record.joined]);
  }

  async join(session: Session, topic: string): Promise<boolean> {
    const joined = this.byId.get(session.id)?.joined;
    if (!joined || joined.has(topic)) return false;
    joined.add(topic);
    return true;
  }

  async leave(session: Session, topic: string): Promise<boolean> {
    return this.byId.get(session.id)?.joined.delete(topic) ?? false;
  }

  async publishedAt(session: Session, id: MessageId): Promise<Position | undefined> {
    return this.byId.get(session.id)?.publishes.get(JSON.stringify(id));
  }

  async rememberPublish(session: Session, id: MessageId, pos: Position): Promise<void> {
    const publishes = this.byId.get(session.id)?.publishes;
    if (!publishes) return;
    publishes.set(JSON.stringify(id), pos);
    if (publishes.size > REMEMBERED_PUBLISHES) publishes.delete(publishes.keys().next().value as string);
  }

  async close(): Promise<void> {
    for (const { session } of [...this.byId.values()]) this.end(session);
  }
}

/** A random string of `bytes` random bytes in URL-safe base64 (no `:`, no `/`). */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
