/**
 * One client connection speaking the topic protocol (SPEC section 4).
 * Frames are decoded, validated and handled strictly in order, one message
 * at a time, so a `subscribe` sent right after `auth` belongs to the
 * resumed session. Bad input is answered with an `error` and the
 * connection stays open.
 */
import type { RawData, WebSocket } from 'ws';
import {
  CloseCode,
  isAtOrBefore,
  unpackFrame,
  validateClientMessage,
  type AuthMessage,
  type ClientMessage,
  type ErrorCode,
  type FailMessage,
  type Position,
  type ProgressMessage,
  type PublishMessage,
  type ResultMessage,
  type SubscribeMessage,
  type UnsubscribeMessage,
  type WorkMessage,
} from '../src/core/protocol.js';
import { authorizeAllows, claimsAllow, type AuthAction, type Authorize, type Grant, type Verifier } from './auth.js';
import { BrokerUnavailableError, type Broker } from './broker/broker.js';
import type { Expiring, ExpiryClock } from './expiry-clock.js';
import type { FeedCatalog } from './feeds/catalog.js';
import type { ServerOptions } from './options.js';
import { Outbox } from './outbox.js';
import type { Session, SessionHolder, SessionStore } from './sessions.js';
import type { ServerStats } from './stats.js';
import { Subscription, type CatchUp } from './subscription.js';
import type { TaskDispatcher, TaskWorker } from './task-dispatcher.js';
import { TokenBucket } from './token-bucket.js';
import type { TopicRouter } from './topic-router.js';
import { entryText, errorText, messageText, PONG_TEXT, snapshotText } from './wire.js';

/** How long a client may take to answer a close before its socket is ended. */
const CLOSE_GRACE_MS = 10000;
/** How long a connection may wait before sending its `auth` where a token is required. */
const AUTH_TIMEOUT_MS = 10000;
/** How long a connection whose token expired has to send a fresh `auth` (SPEC 4.5). */
const REFRESH_WINDOW_MS = 10000;
/** Messages held while a token is expired, waiting for the fresh `auth`; more closes the connection. */
const MAX_HELD_MESSAGES = 1000;
/** Close codes a client uses when it leaves on purpose (1005: a browser's `close()` without a code). */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 1005]);

/** What every connection shares. */
export interface ConnectionContext {
  options: ServerOptions;
  stats: ServerStats;
  broker: Broker;
  sessions: SessionStore;
  feeds: FeedCatalog;
  router: TopicRouter;
  /** Checks the tokens of `auth` frames. */
  verifier: Verifier;
  /** The embedder's decision on each subscribe and publish, after the token's claims. */
  authorize: Authorize | undefined;
  /** Wakes connections whose token expires. */
  expiries: ExpiryClock;
  /** Reports a fault that has no client to answer (an `authorize` hook that threw). */
  report(error: unknown): void;
  /** Hands out the tasks of `tasks/<name>` queues. */
  tasks: TaskDispatcher;
}

/**
 * Where a connection stands with its token: `waiting` for the first `auth`
 * where one is required, `valid`, or `expired` (its messages are held until
 * a fresh `auth` arrives within the refresh window).
 */
type Credential = 'waiting' | 'valid' | 'expired';

/** A frame that could not be decoded; it waits in the queue so answers keep the order of frames. */
class FrameFault {
  constructor(readonly message: string) {}
}

/** The first `welcome`, queued ahead of every frame: creating a session is asynchronous. */
const WELCOME = Symbol('welcome');


export class Connection implements SessionHolder, Expiring, TaskWorker {
  private session: Session | undefined;
  private credential: Credential;
  private grant: Grant = {};
  private welcomed = false;
  private closed = false;
  private closingByServer = false;
  private readonly outbox: Outbox;
  private readonly bucket: TokenBucket;
  private subscriptions: Map<string, Subscription> | undefined;
  /** Instance-local topics this connection takes part in (see `TopicSpec.local`). */
  private localJoined: Set<string> | undefined;
  private queue: unknown[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | undefined;

  /** Starts serving `socket`; a `token=` query parameter counts as the first `auth` where a token is required. */
  constructor(
    private readonly socket: WebSocket,
    private readonly context: ConnectionContext,
    queryToken: string | null,
  ) {
    const { options, stats, verifier } = context;
    this.credential = verifier.required ? 'waiting' : 'valid';
    this.outbox = new Outbox(socket, options, stats, () => this.closeWith(CloseCode.slowClient, 'slow client'));
    this.bucket = new TokenBucket(options.publishRate, options.publishBurst);
    stats.connections++;
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    // Framing faults are answered by ws itself with a close; nothing else to do here.
    socket.on('error', () => undefined);
    if (this.credential === 'valid') {
      this.queue.push(WELCOME);
      void this.drain();
      return;
    }
    this.endAfter(AUTH_TIMEOUT_MS, () => this.closeWith(CloseCode.policy, 'authentication timed out'));
    if (queryToken !== null) {
      this.queue.push({ type: 'auth', token: queryToken });
      void this.drain();
    }
  }

  /** The token's deadline passed: first `expired`, then, without a fresh `auth` in time, close 1008 (SPEC 4.5). */
  expire(): void {
    if (this.closed || this.closingByServer) return;
    if (this.credential === 'expired') return this.closeWith(CloseCode.policy, 'token expired');
    this.credential = 'expired';
    this.context.expiries.set(this, Date.now() + REFRESH_WINDOW_MS);
    this.refuse('expired', `the token expired: send a fresh auth within ${REFRESH_WINDOW_MS / 1000} s`);
  }

  /** Another connection resumed this one's session (SPEC 4.3). */
  takenOver(): void {
    if (this.session) this.leaveLocalTopics(this.session);
    this.session = undefined;
    this.closeWith(CloseCode.takenOver, 'session taken over');
  }

  /** Closes from the server's side; the socket is ended if the client does not answer in time. */
  closeWith(code: number, reason: string): void {
    if (this.closingByServer || this.closed) return;
    this.closingByServer = true;
    this.socket.close(code, reason);
    this.endAfter(CLOSE_GRACE_MS, () => this.socket.terminate());
  }

  /** Hands this connection a task of a queue it works on. */
  sendTask(text: string): void {
    this.outbox.push(text);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closingByServer) return;
    const messages = isBinary ? [new FrameFault('binary frames are not supported: send JSON text')] : decode(data);
    this.context.stats.messagesIn += messages.length;
    for (const message of messages) this.queue.push(message);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed && !this.closingByServer) {
        if (this.credential === 'expired' && !this.authFirst()) break;
        await this.handle(this.queue.shift());
      }
    } catch (error) {
      console.error('ws-bind server: internal fault', error);
      this.closeWith(CloseCode.internal, 'internal error');
    } finally {
      this.draining = false;
    }
  }

  /**
   * While the token is expired, the next `auth` is handled before what came
   * earlier, which waits for it and is then handled under the fresh token:
   * nothing sent during the refresh is lost. False when no `auth` came yet.
   */
  private authFirst(): boolean {
    const index = this.queue.findIndex((value) => (value as { type?: unknown } | null)?.type === 'auth');
    if (index > 0) this.queue.unshift(...this.queue.splice(index, 1));
    if (index < 0 && this.queue.length > MAX_HELD_MESSAGES) this.closeWith(CloseCode.policy, 'token expired');
    return index >= 0;
  }

  private async handle(value: unknown): Promise<void> {
    if (value === WELCOME) return this.welcome();
    try {
      await this.handleMessage(value);
    } catch (error) {
      if (!(error instanceof BrokerUnavailableError)) throw error;
      this.refuse('unavailable', error.message, value);
    }
  }

  private async handleMessage(value: unknown): Promise<void> {
    const result = value instanceof FrameFault ? undefined : validateClientMessage(value);
    if (this.credential === 'waiting' && !(result?.ok && result.message.type === 'auth')) {
      return this.closeWith(CloseCode.policy, 'authentication required: send {"type":"auth","token":…} first');
    }
    if (!result) return this.refuse('bad-request', (value as FrameFault).message);
    if (!result.ok) return this.refuse(result.code, result.message, value);
    return this.dispatch(result.message);
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'auth':
        return this.auth(message);
      case 'subscribe':
        return this.subscribe(message);
      case 'unsubscribe':
        return this.unsubscribe(message);
      case 'publish':
        return this.publish(message);
      case 'ping':
        return this.outbox.push(PONG_TEXT);
      case 'work':
        return this.work(message);
      default:
        return this.taskReport(message);
    }
  }

  // ---- tasks -----------------------------------------------------------------

  private work(message: WorkMessage): void {
    if (!this.context.feeds.resolve(message.topic)?.taskQueue) {
      return this.refuse('unknown-topic', `no task queue "${message.topic}" on this server`, message);
    }
    this.context.tasks.offer(this, message.topic, message.concurrency);
  }

  private taskReport(message: ProgressMessage | ResultMessage | FailMessage): void {
    const { tasks } = this.context;
    const refusal = message.type === 'progress'
      ? tasks.progress(this, message.id, message.value)
      : message.type === 'result'
        ? tasks.result(this, message.id, message.data)
        : tasks.fail(this, message.id, message.error);
    if (refusal) this.refuse(refusal.code, refusal.message, message);
  }

  // ---- sessions ------------------------------------------------------------

  private async auth(message: AuthMessage): Promise<void> {
    const refreshed = await this.checkToken(message.token);
    if (refreshed === undefined) return;
    if (message.resume === undefined) {
      // A fresh token on a welcomed connection is answered by a welcome with the same id: the refresh took.
      if (!this.welcomed || refreshed) await this.welcome();
      return;
    }
    if (await this.resume(message.resume)) return;
    if (!this.welcomed) await this.welcome();
    this.refuse('invalid', 'unknown or expired resume key: this connection keeps a new session', message);
  }

  /**
   * Verifies the token of an `auth` where the server wants one. True when it
   * took as a fresh token, false when there was none to take, undefined when
   * the connection is being closed for it (1008).
   */
  private async checkToken(token: string | undefined): Promise<boolean | undefined> {
    const { verifier } = this.context;
    if (!verifier.required) return false;
    if (token === undefined) {
      if (this.credential === 'valid') return false;
      this.closeWith(CloseCode.policy, 'a token is required');
      return undefined;
    }
    const verdict = await verifier.verify(token);
    if (this.closed || this.closingByServer) return undefined;
    if (!verdict.ok) {
      this.closeWith(CloseCode.policy, verdict.reason);
      return undefined;
    }
    if (this.session && this.session.user !== verdict.grant.user) {
      this.closeWith(CloseCode.policy, 'the token is for another user than this session');
      return undefined;
    }
    if (this.credential === 'waiting') clearTimeout(this.timer);
    const refreshed = this.welcomed;
    this.grant = verdict.grant;
    this.credential = 'valid';
    this.context.expiries.set(this, verdict.grant.expiresAt);
    if (refreshed) await this.dropForbiddenSubscriptions();
    return refreshed;
  }

  /** After a refresh, subscriptions the fresh token no longer allows end with `forbidden`. */
  private async dropForbiddenSubscriptions(): Promise<void> {
    for (const topic of [...(this.subscriptions?.keys() ?? [])]) {
      if (await this.allows('subscribe', topic)) continue;
      await this.unsubscribe({ type: 'unsubscribe', topic });
      this.refuse('forbidden', `the fresh token does not allow "${topic}"`, { topic });
    }
  }

  /** True when the token's `topics` claim, then the embedder's `authorize`, allow the action. */
  private async allows(action: AuthAction, topic: string): Promise<boolean> {
    if (!claimsAllow(this.grant, action, topic)) return false;
    const { authorize } = this.context;
    const session = this.session;
    if (!authorize || !session) return true;
    const report = (error: unknown): void => this.context.report(error);
    return authorizeAllows(authorize, { id: session.id, user: this.grant.user, claims: this.grant.claims }, action, topic, report);
  }

  /** Takes over the session a key resumes; false when the key is unknown or expired. */
  private async resume(key: string): Promise<boolean> {
    const { sessions } = this.context;
    const session = await sessions.resume(key, this, this.grant.user);
    if (!session) return false;
    const fresh = this.session;
    this.session = session;
    if (fresh && fresh !== session) sessions.end(fresh);
    await this.welcome();
    return true;
  }

  private async welcome(): Promise<void> {
    const { sessions } = this.context;
    this.session ??= await sessions.create(this, this.grant.user);
    if (this.closed) {
      // Gone before its welcome: nobody holds the key, so the session ends now.
      sessions.end(this.session);
      this.session = undefined;
      return;
    }
    const { id, user } = this.session;
    const resume = await sessions.renewKey(this.session);
    const text = messageText(user === undefined ? { type: 'welcome', id, resume } : { type: 'welcome', id, resume, user });
    if (this.welcomed) this.outbox.push(text);
    else this.outbox.sendAlone(text);
    this.welcomed = true;
  }

  // ---- topics --------------------------------------------------------------

  private async subscribe(message: SubscribeMessage): Promise<void> {
    const { topic } = message;
    const session = this.session as Session;
    if (!(await this.allows('subscribe', topic))) return this.refuse('forbidden', `not allowed to subscribe to "${topic}"`, message);
    const spec = this.context.feeds.resolve(topic);
    if (!spec) return this.refuse('unknown-topic', `unknown topic "${topic}"`, message);
    const refusal = await spec.refuseSubscribe?.(session);
    if (refusal) return this.refuse(refusal.code, refusal.message, message);
    this.subscriptions ??= new Map();
    // A repeated subscribe keeps the live subscription and only catches up again (SPEC 4.1).
    let subscription = this.subscriptions.get(topic);
    const { maxSubscriptions } = this.context.options;
    if (!subscription && this.subscriptions.size >= maxSubscriptions) {
      return this.refuse('too-many-subscriptions', `at most ${maxSubscriptions} subscriptions per connection`, message);
    }
    const repeated = subscription !== undefined;
    if (subscription) subscription.hold();
    else {
      subscription = new Subscription(topic, this.outbox, (again, pos) => void this.catchUpAgain(again, pos), spec.conflateBy);
      this.subscriptions.set(topic, subscription);
      this.context.stats.subscriptions++;
      this.context.router.add(topic, subscription);
    }
    let caughtUp: CatchUp;
    try {
      if (spec.join && (await this.joins(session, topic, spec.local))) await spec.join(session);
      caughtUp = spec.kind === 'state' ? await this.readSnapshot(topic) : await this.readHistory(message);
    } catch (error) {
      // A refused repeat leaves live delivery as it was; a refused first subscribe leaves nothing behind.
      if (repeated) subscription.goLive();
      else this.cancel(subscription);
      throw error;
    }
    if (subscription.cancelled) return;
    subscription.release(caughtUp, messageText({ type: 'subscribed', topic, pos: caughtUp.pos, recovered: caughtUp.recovered }));
  }

  /**
   * The broker lost entries of a live subscription up to `pos` (a shared
   * store that came back without its history): an event topic gets a
   * `reset` to `pos`, after which the broker delivers what follows; a state
   * topic gets a fresh `snapshot`.
   */
  private async catchUpAgain(subscription: Subscription, pos: Position): Promise<void> {
    const { topic } = subscription;
    try {
      if (this.context.feeds.resolve(topic)?.kind !== 'state') {
        this.outbox.push(messageText({ type: 'reset', topic, pos }));
        return subscription.goLive(pos);
      }
      const caughtUp = await this.readSnapshot(topic);
      if (subscription.cancelled) return;
      for (const text of caughtUp.texts) this.outbox.push(text);
      subscription.goLive(caughtUp.pos);
    } catch (error) {
      // Unreachable again: the broker reports the next gap once it is back.
      if (!(error instanceof BrokerUnavailableError)) console.error('ws-bind server:', error);
    }
  }

  private async readSnapshot(topic: string): Promise<CatchUp> {
    const { pos, data } = await this.context.broker.state(topic);
    return { pos, recovered: true, texts: [snapshotText(topic, pos, data)], covers: () => true };
  }

  /** The replay after `since` (or `reset` when that cannot be done), else the `history` asked for. */
  private async readHistory({ topic, since, history }: SubscribeMessage): Promise<CatchUp> {
    const { broker } = this.context;
    const range = since === undefined ? await broker.latest(topic, history ?? 0) : await broker.after(topic, since);
    if (!range) {
      const pos = await broker.position(topic);
      return { pos, recovered: false, texts: [messageText({ type: 'reset', topic, pos })], covers: () => false };
    }
    const first = range.events[0]?.pos;
    return {
      pos: range.pos,
      recovered: true,
      texts: range.events.map((entry) => entryText('event', entry)),
      covers: (pos) => first !== undefined && (pos === first || !isAtOrBefore(pos, first)),
    };
  }

  /** Records that the session (or, for a local topic, this connection) joins `topic`; false when it already had. */
  private async joins(session: Session, topic: string, local: boolean | undefined): Promise<boolean> {
    if (!local) return this.context.sessions.join(session, topic);
    this.localJoined ??= new Set();
    if (this.localJoined.has(topic)) return false;
    this.localJoined.add(topic);
    return true;
  }

  private async unsubscribe({ topic }: UnsubscribeMessage): Promise<void> {
    const subscription = this.subscriptions?.get(topic);
    if (!subscription) return;
    this.cancel(subscription);
    const session = this.session;
    const spec = this.context.feeds.resolve(topic);
    if (!session || !spec) return;
    const left = spec.local ? this.localJoined?.delete(topic) : await this.context.sessions.leave(session, topic);
    if (left) await spec.leave?.(session);
  }

  private cancel(subscription: Subscription): void {
    subscription.cancelled = true;
    this.context.router.remove(subscription.topic, subscription);
    if (this.subscriptions?.get(subscription.topic) !== subscription) return;
    this.subscriptions.delete(subscription.topic);
    this.context.stats.subscriptions--;
  }

  private async publish(message: PublishMessage): Promise<void> {
    const { topic, data, id } = message;
    const session = this.session as Session;
    const { sessions } = this.context;
    const earlier = id === undefined ? undefined : await sessions.publishedAt(session, id);
    if (id !== undefined && earlier !== undefined) return this.outbox.push(messageText({ type: 'ack', id, pos: earlier }));
    if (!this.bucket.take()) {
      const { publishRate } = this.context.options;
      return this.refuse('rate-limited', `at most ${publishRate} publishes per second`, message);
    }
    if (!(await this.allows('publish', topic))) return this.refuse('forbidden', `not allowed to publish to "${topic}"`, message);
    const spec = this.context.feeds.resolve(topic);
    if (!spec) return this.refuse('unknown-topic', `unknown topic "${topic}"`, message);
    if (!spec.publish) return this.refuse('forbidden', `clients may not publish to "${topic}"`, message);
    // The idempotency key makes the broker store a re-sent publish once even when the ack was lost with an instance.
    const once = id === undefined ? undefined : `${session.id} ${JSON.stringify(id)}`;
    const outcome = await spec.publish(data, session, { once });
    if ('code' in outcome) return this.refuse(outcome.code, outcome.message, message);
    if (id === undefined) return;
    await sessions.rememberPublish(session, id, outcome.pos);
    this.outbox.push(messageText({ type: 'ack', id, pos: outcome.pos }));
  }

  // ---- endings -------------------------------------------------------------

  /** The connection is gone: it stops taking part in the local topics it joined. */
  private leaveLocalTopics(session: Session): void {
    const leaving = [...(this.localJoined ?? [])].map((topic) => this.context.feeds.resolve(topic)?.leave?.(session) ?? Promise.resolve());
    this.localJoined = undefined;
    Promise.all(leaving).catch((error: unknown) => console.error('ws-bind server:', error));
  }

  private refuse(code: ErrorCode, message: string, request?: unknown): void {
    this.outbox.push(errorText(code, message, request));
  }

  private endAfter(ms: number, end: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(end, ms);
    this.timer.unref();
  }

  private onClose(code: number): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.context.expiries.set(this, undefined);
    this.context.stats.connections--;
    this.queue = [];
    this.context.tasks.disconnected(this);
    for (const subscription of this.subscriptions?.values() ?? []) this.cancel(subscription);
    const session = this.session;
    if (session) this.leaveLocalTopics(session);
    this.session = undefined;
    if (!session) return;
    const { sessions } = this.context;
    if (!this.closingByServer && CLEAN_CLOSE_CODES.has(code)) sessions.end(session);
    else sessions.keep(session);
  }
}

/** A text frame's messages: a JSON array is a batch (SPEC 4.4); text that is not JSON is a fault. */
function decode(data: RawData): unknown[] {
  try {
    return unpackFrame(JSON.parse(data.toString()));
  } catch (error) {
    return [new FrameFault(`frame is not JSON: ${(error as Error).message}`)];
  }
}
