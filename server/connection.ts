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
import type { Broker } from './broker/broker.js';
import type { FeedCatalog } from './feeds/catalog.js';
import type { ServerOptions } from './options.js';
import { Outbox } from './outbox.js';
import type { Session, SessionHolder, SessionStore } from './sessions.js';
import type { ServerStats } from './stats.js';
import { Subscription } from './subscription.js';
import type { TaskDispatcher, TaskWorker } from './task-dispatcher.js';
import { TokenBucket } from './token-bucket.js';
import type { TopicRouter } from './topic-router.js';
import { entryText, errorText, messageText, PONG_TEXT, snapshotText } from './wire.js';

/** How long a client may take to answer a close before its socket is ended. */
const CLOSE_GRACE_MS = 10000;
/** How long a connection may wait before sending its `auth` where a token is required. */
const AUTH_TIMEOUT_MS = 10000;
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
  tasks: TaskDispatcher;
}

/** A frame that could not be decoded; it waits in the queue so answers keep the order of frames. */
class FrameFault {
  constructor(readonly message: string) {}
}

/** Where a catch-up ended and whether it honoured the `since` asked for. */
interface CatchUp {
  pos: Position;
  recovered: boolean;
}

export class Connection implements SessionHolder, TaskWorker {
  private session: Session | undefined;
  private welcomed = false;
  private closed = false;
  private closingByServer = false;
  private readonly outbox: Outbox;
  private readonly bucket: TokenBucket;
  private subscriptions: Map<string, Subscription> | undefined;
  private queue: unknown[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | undefined;

  /** Starts serving `socket`; `authenticated` is false while a required token is still to come. */
  constructor(
    private readonly socket: WebSocket,
    private readonly context: ConnectionContext,
    private authenticated: boolean,
  ) {
    const { options, stats } = context;
    this.outbox = new Outbox(socket, options, stats, () => this.closeWith(CloseCode.slowClient, 'slow client'));
    this.bucket = new TokenBucket(options.publishRate, options.publishBurst);
    stats.connections++;
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    // Framing faults are answered by ws itself with a close; nothing else to do here.
    socket.on('error', () => undefined);
    if (authenticated) this.welcome();
    else this.endAfter(AUTH_TIMEOUT_MS, () => this.closeWith(CloseCode.policy, 'authentication timed out'));
  }

  /** Another connection resumed this one's session (SPEC 4.3). */
  takenOver(): void {
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
        await this.handle(this.queue.shift());
      }
    } catch (error) {
      console.error('ws-bind server: internal fault', error);
      this.closeWith(CloseCode.internal, 'internal error');
    } finally {
      this.draining = false;
    }
  }

  private async handle(value: unknown): Promise<void> {
    const result = value instanceof FrameFault ? undefined : validateClientMessage(value);
    if (!this.authenticated && !(result?.ok && result.message.type === 'auth')) {
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

  private auth(message: AuthMessage): void {
    const required = this.context.options.token;
    if (required !== undefined && message.token !== undefined && message.token !== required) {
      return this.closeWith(CloseCode.policy, 'wrong token');
    }
    if (!this.authenticated) {
      if (message.token === undefined) return this.closeWith(CloseCode.policy, 'a token is required');
      this.authenticated = true;
      clearTimeout(this.timer);
    }
    if (message.resume === undefined) {
      if (!this.welcomed) this.welcome();
      return;
    }
    if (this.resume(message.resume)) return;
    if (!this.welcomed) this.welcome();
    this.refuse('invalid', 'unknown or expired resume key: this connection keeps a new session', message);
  }

  /** Takes over the session a key resumes; false when the key is unknown or expired. */
  private resume(key: string): boolean {
    const { sessions } = this.context;
    const session = sessions.resume(key, this);
    if (!session) return false;
    const fresh = this.session;
    this.session = session;
    if (fresh && fresh !== session) sessions.end(fresh);
    this.welcome();
    return true;
  }

  private welcome(): void {
    const { sessions } = this.context;
    this.session ??= sessions.create(this);
    const text = messageText({ type: 'welcome', id: this.session.id, resume: sessions.renewKey(this.session) });
    if (this.welcomed) this.outbox.push(text);
    else this.outbox.sendAlone(text);
    this.welcomed = true;
  }

  // ---- topics --------------------------------------------------------------

  private async subscribe(message: SubscribeMessage): Promise<void> {
    const { topic } = message;
    const session = this.session as Session;
    const spec = this.context.feeds.resolve(topic);
    if (!spec) return this.refuse('unknown-topic', `unknown topic "${topic}"`, message);
    const refusal = spec.refuseSubscribe?.(session);
    if (refusal) return this.refuse(refusal.code, refusal.message, message);
    this.subscriptions ??= new Map();
    const previous = this.subscriptions.get(topic);
    const { maxSubscriptions } = this.context.options;
    if (!previous && this.subscriptions.size >= maxSubscriptions) {
      return this.refuse('too-many-subscriptions', `at most ${maxSubscriptions} subscriptions per connection`, message);
    }
    if (previous) this.cancel(previous);
    const subscription = new Subscription(topic, this.outbox);
    this.subscriptions.set(topic, subscription);
    this.context.router.add(topic, subscription);
    if (spec.join && !session.joined.has(topic)) {
      session.joined.add(topic);
      await spec.join(session);
    }
    const caughtUp = spec.kind === 'state' ? await this.sendSnapshot(topic) : await this.sendHistory(message);
    if (subscription.cancelled) return;
    this.outbox.push(messageText({ type: 'subscribed', topic, pos: caughtUp.pos, recovered: caughtUp.recovered }));
    subscription.goLive(caughtUp.pos);
  }

  private async sendSnapshot(topic: string): Promise<CatchUp> {
    const { pos, data } = await this.context.broker.state(topic);
    this.outbox.push(snapshotText(topic, pos, data));
    return { pos, recovered: true };
  }

  /** Replays after `since` (or `reset` when that cannot be done), else sends the `history` asked for. */
  private async sendHistory({ topic, since, history }: SubscribeMessage): Promise<CatchUp> {
    const { broker } = this.context;
    if (since !== undefined) {
      const range = await broker.after(topic, since);
      if (!range) {
        const pos = await broker.position(topic);
        this.outbox.push(messageText({ type: 'reset', topic, pos }));
        return { pos, recovered: false };
      }
      for (const entry of range.events) this.outbox.push(entryText('event', entry));
      return { pos: range.pos, recovered: true };
    }
    const range = await broker.latest(topic, history ?? 0);
    for (const entry of range.events) this.outbox.push(entryText('event', entry));
    return { pos: range.pos, recovered: true };
  }

  private async unsubscribe({ topic }: UnsubscribeMessage): Promise<void> {
    const subscription = this.subscriptions?.get(topic);
    if (!subscription) return;
    this.cancel(subscription);
    const session = this.session;
    if (session?.joined.delete(topic)) await this.context.feeds.resolve(topic)?.leave?.(session);
  }

  private cancel(subscription: Subscription): void {
    subscription.cancelled = true;
    this.context.router.remove(subscription.topic, subscription);
    if (this.subscriptions?.get(subscription.topic) === subscription) this.subscriptions.delete(subscription.topic);
  }

  private async publish(message: PublishMessage): Promise<void> {
    const { topic, data, id } = message;
    const session = this.session as Session;
    const earlier = id === undefined ? undefined : session.publishedAt(id);
    if (id !== undefined && earlier !== undefined) return this.outbox.push(messageText({ type: 'ack', id, pos: earlier }));
    if (!this.bucket.take()) {
      const { publishRate } = this.context.options;
      return this.refuse('rate-limited', `at most ${publishRate} publishes per second`, message);
    }
    const spec = this.context.feeds.resolve(topic);
    if (!spec) return this.refuse('unknown-topic', `unknown topic "${topic}"`, message);
    if (!spec.publish) return this.refuse('forbidden', `clients may not publish to "${topic}"`, message);
    const outcome = await spec.publish(data, session);
    if ('code' in outcome) return this.refuse(outcome.code, outcome.message, message);
    if (id === undefined) return;
    session.rememberPublish(id, outcome.pos);
    this.outbox.push(messageText({ type: 'ack', id, pos: outcome.pos }));
  }

  // ---- endings -------------------------------------------------------------

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
    this.context.stats.connections--;
    this.queue = [];
    this.context.tasks.disconnected(this);
    for (const subscription of this.subscriptions?.values() ?? []) this.cancel(subscription);
    const session = this.session;
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
