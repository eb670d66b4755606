/**
 * Sessions (SPEC 4.3): what outlives one connection for the resume window —
 * the id (and with it the inbox), presence entries and recent publish ids.
 */
import { randomBytes } from 'node:crypto';
import type { MessageId, Position } from '../src/core/protocol.js';

/** Publish ids a session remembers for deduplication (SPEC 4.2). */
const REMEMBERED_PUBLISHES = 1000;

/** What a feed may know about the session acting on it. */
export interface SessionInfo {
  readonly id: string;
}

/** The connection a session currently belongs to. */
export interface SessionHolder {
  /** Another connection resumed this session: stop acting for it. */
  takenOver(): void;
}

export class Session implements SessionInfo {
  /** Topics this session takes part in (presence, watchers); it leaves them when it ends. */
  readonly joined = new Set<string>();
  /** The connection acting for the session; none while it waits to be resumed. */
  holder: SessionHolder | undefined;
  resumeKey = '';
  expiry: NodeJS.Timeout | undefined;
  private publishes: Map<string, Position> | undefined;

  /** @param user the JWT `sub` it was opened with; only a token for the same user resumes it. */
  constructor(
    readonly id: string,
    readonly user: string | undefined,
  ) {}

  /** The position a publish id got earlier in this session, if it did. */
  publishedAt(id: MessageId): Position | undefined {
    return this.publishes?.get(JSON.stringify(id));
  }

  /** Remembers a publish id's position, forgetting the oldest beyond the limit. */
  rememberPublish(id: MessageId, pos: Position): void {
    this.publishes ??= new Map();
    this.publishes.set(JSON.stringify(id), pos);
    if (this.publishes.size > REMEMBERED_PUBLISHES) {
      this.publishes.delete(this.publishes.keys().next().value as string);
    }
  }
}

export class SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byKey = new Map<string, Session>();

  constructor(
    private readonly resumeWindow: number,
    private readonly onEnd: (session: Session) => void,
  ) {}

  /** A new session with a fresh id for `user` (none without a JWT), held by `holder`. */
  create(holder: SessionHolder, user: string | undefined): Session {
    let id = randomId(6);
    while (this.byId.has(id)) id = randomId(6);
    const session = new Session(id, user);
    session.holder = holder;
    this.byId.set(id, session);
    return session;
  }

  /** True while a session with this id lives (connected or waiting to be resumed). */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Issues the session a new resume key, retiring the old one: every `welcome` carries a fresh key. */
  renewKey(session: Session): string {
    this.byKey.delete(session.resumeKey);
    session.resumeKey = randomId(24);
    this.byKey.set(session.resumeKey, session);
    return session.resumeKey;
  }

  /**
   * Hands the session a key resumes to `holder`, acting for `user`; the previous holder, if still connected, is told.
   * A key of another user's session resumes nothing, as if unknown.
   */
  resume(key: string, holder: SessionHolder, user: string | undefined): Session | undefined {
    const session = this.byKey.get(key);
    if (!session || session.user !== user) return undefined;
    clearTimeout(session.expiry);
    session.expiry = undefined;
    const previous = session.holder;
    session.holder = holder;
    if (previous !== holder) previous?.takenOver();
    return session;
  }

  /** Its connection dropped: the session waits the resume window, then ends. */
  keep(session: Session): void {
    if (!this.byId.has(session.id)) return;
    session.holder = undefined;
    clearTimeout(session.expiry);
    session.expiry = setTimeout(() => this.end(session), this.resumeWindow);
    session.expiry.unref();
  }

  /** Ends a session now: it can no longer be resumed and leaves what it joined. */
  end(session: Session): void {
    if (this.byId.get(session.id) !== session) return;
    clearTimeout(session.expiry);
    this.byId.delete(session.id);
    this.byKey.delete(session.resumeKey);
    session.holder = undefined;
    this.onEnd(session);
  }

  /** Ends every session (the server is closing). */
  endAll(): void {
    for (const session of [...this.byId.values()]) this.end(session);
  }
}

/** A random string of `bytes` random bytes in URL-safe base64 (no `:`, no `/`). */
function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
