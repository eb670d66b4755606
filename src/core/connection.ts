/**
 * One logical connection to an endpoint (SPEC 3.1, 4): it decodes frames,
 * enters topic mode on `welcome`, keeps per-topic positions and state copies,
 * sends in the order SPEC 3.1 gives after every (re)open, queues while
 * offline, watches the heartbeat and the page lifecycle, and hands every
 * message to its `Router`. Elements reach it through a controller.
 */
import type { WsErrorDetail } from './errors.js';
import { backoffDelay, sleep, whenOnline } from './backoff.js';
import type { Heartbeat } from './heartbeat.js';
import { watchPage } from './page-lifecycle.js';
import type { WsCloseDetail, WsMessageDetail } from './events.js';
import {
  INBOX_ALIAS,
  inboxTopic,
  readServerMessage,
  unpackFrame,
  type ClientMessage,
  type ErrorMessage,
  type MessageId,
  type Position,
  type PublishMessage,
  type ServerMessage,
  type TopicDataMessage,
} from './protocol.js';
import { Router, type Subscriber } from './router.js';
import { TopicMemory } from './topics.js';
import { createWebSocketTransport, lazyTransport, type Transport } from './transport.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

/** How a connection behaves; the `<ws-source>` attributes of the same names. */
export interface ConnectionOptions {
  /** Resolved endpoint URLs, tried in turn on reconnect (failover). */
  urls: readonly string[];
  transport?: 'ws' | 'sse';
  /** First reconnect delay in ms (default 500). */
  minDelay?: number;
  /** Longest reconnect delay in ms (default 10000). */
  maxDelay?: number;
  /** Reconnect attempts before `failed` (default unlimited). */
  maxRetries?: number;
  /** Raw sends kept while offline (default 1000). */
  queue?: number;
  /** Heartbeat period in ms; 0 or absent: none. */
  heartbeat?: number;
  /** Raw mode: the text sent on every heartbeat. */
  heartbeatMessage?: string;
  /** Sent in `auth` in topic mode, or in the URL with `tokenParam`. */
  token?: string;
  tokenParam?: string;
}

/** A subscriber that also hears about its link and its topic. */
export interface ConnectionSubscriber extends Subscriber {
  /** Topic mode: the position the element's content was rendered at. */
  readonly since?: Position;
  /** Topic mode: how many past events to receive on joining. */
  readonly history?: number;
  /** The connection became open (true) or stopped being open (false). */
  linkChanged(open: boolean): void;
  /** The server confirmed the subscription, or reset it (data may be missing). */
  topicChanged(change: 'subscribed' | 'reset'): void;
  /** A refused subscription or a server that does not speak the protocol. */
  topicFailed(detail: WsErrorDetail): void;
}

/** `ack` / `publish-error` event detail for `<ws-send>`. */
export interface PublishOutcome { id: MessageId; pos?: Position; code?: string; message?: string }

/** A welcome that never comes within this time means a raw server (SPEC 3.1). */
const WELCOME_TIMEOUT = 5000;
/** Close codes that are not retried: bad token or origin, session taken over. */
const FINAL_CODES = new Set([1008, 4000]);
/** The server's close for a frame it would not take. */
const TOO_LARGE = 1009;

interface PendingPublish { message: PublishMessage; sentOn: number }

/** Decodes a frame: JSON when it parses, else the text itself. */
export function decodeFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A shared, reconnecting connection. Events: state, open, close, error, ack, publish-error. */
export class Connection extends EventTarget {
  readonly router = new Router();
  /**
   * Hears every message (a `<ws-source>` forwards them as `ws-message`). A
   * callback rather than an event, so a connection nobody watches builds
   * nothing per message.
   */
  messageListener: ((detail: WsMessageDetail) => void) | undefined;
  readonly #options: ConnectionOptions;
  #connectionState: ConnectionState = 'closed';
  #transport: Transport | undefined;
  readonly #topics = new Map<string, TopicMemory>();
  readonly #publishes = new Map<MessageId, PendingPublish>();
  #outbox: string[] = [];
  #overflowReported = false;
  #socket = 0;
  #socketOpen = false;
  #stopping = false;
  #lastPublish: MessageId | undefined;
  #immediate = false;
  #retryDecision = { willRetry: false, retryIn: 0 };
  #attempts = 0;
  #nextDelay = 0;
  #urlIndex = 0;
  #topicMode = false;
  #welcomed = false;
  #protocolTimedOut = false;
  /** `inbox/<id>` of the session, the wire name of `inbox/@me`. */
  #inbox: string | undefined;
  #resumeKey: string | undefined;
  #welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: Heartbeat | undefined;
  #suspended = false;
  #unwatchPage: (() => void) | undefined;

  constructor(options: ConnectionOptions) {
    super();
    this.#options = { ...options };
    const period = options.heartbeat ?? 0;
    if (period > 0) void this.#loadHeartbeat(period);
  }

  /** The heartbeat loads only for sources that ask for one; a socket that opened meanwhile starts it at once. */
  async #loadHeartbeat(period: number): Promise<void> {
    const { Heartbeat } = await import('./heartbeat.js');
    this.#heartbeat = new Heartbeat(period, () => this.#ping(), () => this.#replaceSocket());
    if (this.#socketOpen) this.#heartbeat.start();
  }

  /** `connecting | open | reconnecting | failed | closed`. */
  get state(): ConnectionState {
    return this.#connectionState;
  }

  /** The URL of the current attempt. */
  get url(): string {
    return this.#transport?.url || this.#currentUrl();
  }

  /** The configured endpoint URLs, in failover order. */
  get urls(): readonly string[] {
    return this.#options.urls;
  }

  /** True for receive-only connections (`transport="sse"`). */
  get receiveOnly(): boolean {
    return this.#options.transport === 'sse';
  }

  /** Opens the connection (again); the start of its life or a manual retry. */
  start(): void {
    if (this.#connectionState === 'closed' || this.#connectionState === 'failed') this.reconnect();
  }

  /** Drops the current socket, if any, and connects again at once (also after `failed` or `close`). */
  reconnect(): void {
    this.#listenToPage(true);
    this.#stopping = false;
    this.#attempts = 0;
    this.#transport ??= this.#createTransport();
    this.#setState(this.#socketOpen ? 'reconnecting' : 'connecting');
    this.#restartNow();
  }

  /** Closes on purpose: no retry until `start` or `reconnect`. */
  close(): void {
    this.#listenToPage(false);
    this.#stopping = true;
    this.#transport?.stop(1000, '');
    this.#setState('closed');
  }

  /** Uses a new token from the next (re)connect; retries a connection refused for its token. */
  setToken(token: string | undefined): void {
    this.#options.token = token;
    if (this.#connectionState === 'failed') this.reconnect();
  }

  /** Sends raw data (objects as JSON), queued while the connection is not open. */
  send(data: unknown): void {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    if (this.#socketOpen && this.#outbox.length === 0 && this.#transport?.send(text)) return;
    this.#outbox.push(text);
    if (this.#outbox.length <= (this.#options.queue ?? 1000)) return;
    this.#outbox.shift();
    if (this.#overflowReported) return;
    this.#overflowReported = true;
    this.#fail({ kind: 'network', message: `send queue full (${this.#options.queue ?? 1000}): oldest messages dropped` });
  }

  /** Publishes in topic mode; re-sent unchanged after a reconnect until acked or cancelled. */
  publish(message: PublishMessage & { id: MessageId }): void {
    const pending = { message, sentOn: -1 };
    this.#publishes.set(message.id, pending);
    if (this.#welcomed) this.#sendPublish(pending);
  }

  /** Stops waiting for (and re-sending) a publish. */
  cancelPublish(id: MessageId): void {
    this.#publishes.delete(id);
  }

  /** Adds an element's subscriber; in topic mode subscribes to its topic if new. */
  add(subscriber: ConnectionSubscriber): void {
    this.router.add(subscriber);
    subscriber.linkChanged(this.#connectionState === 'open');
    const { topic } = subscriber;
    if (topic === undefined) return;
    const memory = this.#topics.get(topic);
    if (!memory) {
      this.#topics.set(topic, new TopicMemory());
      if (this.#welcomed) this.#sendSubscribe(topic);
      else this.#watchForWelcome();
      return;
    }
    if (memory.isState && memory.state !== undefined) subscriber.deliver(memory.state, undefined, memory.pos);
    if (memory.confirmed) subscriber.topicChanged('subscribed');
  }

  /** Removes a subscriber; unsubscribes from a topic nobody reads any more. */
  remove(subscriber: ConnectionSubscriber): void {
    this.router.delete(subscriber);
    const { topic } = subscriber;
    if (topic === undefined || this.router.subscribersOf(topic).length > 0) return;
    this.#topics.delete(topic);
    if (this.#welcomed) this.#sendControl({ type: 'unsubscribe', topic: this.#wireTopic(topic) });
  }

  // ---- transport ------------------------------------------------------------

  #createTransport(): Transport {
    const handlers = {
      nextUrl: () => this.#nextUrl(),
      shouldRetry: (code: number) => this.#shouldRetry(code),
      open: () => this.#opened(),
      message: (text: string) => this.#received(text),
      close: (code: number, reason: string) => this.#closed(code, reason),
    };
    if (this.#options.transport !== 'sse') return createWebSocketTransport(handlers);
    return lazyTransport(async () => (await import('./sse-transport.js')).createEventSourceTransport(handlers));
  }

  #currentUrl(): string {
    const { urls, token, tokenParam } = this.#options;
    const url = urls[this.#urlIndex % urls.length] ?? '';
    if (!tokenParam || token === undefined) return url;
    const withToken = new URL(url);
    withToken.searchParams.set(tokenParam, token);
    return withToken.href;
  }

  async #nextUrl(): Promise<string> {
    const delay = this.#nextDelay;
    this.#nextDelay = 0;
    await sleep(delay);
    await whenOnline();
    return this.#currentUrl();
  }

  #shouldRetry(code: number): boolean {
    const { minDelay = 500, maxDelay = 10000, maxRetries = Infinity } = this.#options;
    const willRetry = !this.#stopping && !FINAL_CODES.has(code) && this.#attempts < maxRetries;
    this.#nextDelay = willRetry && !this.#immediate ? backoffDelay(this.#attempts++, minDelay, maxDelay) : 0;
    if (willRetry) this.#urlIndex++;
    this.#retryDecision = { willRetry, retryIn: this.#nextDelay };
    return willRetry;
  }

  #opened(): void {
    this.#socket++;
    this.#socketOpen = true;
    this.#welcomed = false;
    this.#protocolTimedOut = false;
    this.#attempts = 0;
    this.#heartbeat?.start();
    this.#sendAuth();
    if (this.#topicMode) this.#sendSubscriptions();
    this.#flushOutbox();
    this.#watchForWelcome();
    if (!this.#topicMode) this.#becameOpen();
  }

  #closed(code: number, reason: string): void {
    this.#socketOpen = false;
    this.#welcomed = false;
    this.#stopTimers();
    for (const memory of this.#topics.values()) memory.confirmed = false;
    if (code === TOO_LARGE) this.#dropTooLarge();
    const { willRetry, retryIn } = this.#stopping ? { willRetry: false, retryIn: 0 } : this.#retryDecision;
    if (!this.#stopping) this.#setState(willRetry ? 'reconnecting' : 'failed');
    this.#dispatch('close', { code, reason, willRetry, retryIn } satisfies WsCloseDetail);
  }

  /** After a 1009 close the publish that caused it is dropped, not re-sent forever (SPEC 4.4). */
  #dropTooLarge(): void {
    const id = this.#lastPublish;
    if (id === undefined) return;
    this.#settlePublish('publish-error', { id, code: 'too-large', message: 'the server refused a frame this large (1009)' });
  }

  #becameOpen(): void {
    this.#setState('open');
    this.#dispatch('open', {});
  }

  // ---- incoming -------------------------------------------------------------

  #received(text: string): void {
    this.#heartbeat?.received();
    const decoded = decodeFrame(text);
    if (!this.#topicMode && readServerMessage(decoded)?.type === 'welcome') this.#topicMode = true;
    if (!this.#topicMode) return this.#receivedRaw(decoded);
    for (const message of unpackFrame(decoded)) this.#receivedTopicMessage(message);
  }

  #receivedRaw(message: unknown): void {
    this.messageListener?.({ data: message });
    this.router.routeRaw(message);
  }

  #receivedTopicMessage(raw: unknown): void {
    const message = readServerMessage(raw);
    if (!message) return this.#receivedRaw(raw);
    if (this.messageListener) {
      const topic = 'topic' in message ? message.topic : undefined;
      this.messageListener({ data: 'data' in message ? message.data : message, topic });
    }
    this.router.routeRaw(message);
    this.#handle(message);
  }

  #handle(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        return this.#welcome(message.id, message.resume);
      case 'subscribed':
        return this.#eachTopic(message.topic, (memory, name) => {
          memory.advanceTo(message.pos);
          memory.confirmed = true;
          this.#tellTopic(name, (subscriber) => subscriber.topicChanged('subscribed'));
        });
      case 'event':
      case 'snapshot':
      case 'patch':
        return this.#applyData(message);
      case 'reset':
        return this.#eachTopic(message.topic, (memory, name) => {
          memory.pos = message.pos;
          this.#tellTopic(name, (subscriber) => subscriber.topicChanged('reset'));
        });
      case 'ack':
        return this.#settlePublish('ack', { id: message.id, pos: message.pos });
      case 'error':
        return this.#serverError(message);
    }
  }

  /** The per-event path: one lookup by topic, no closures, no arrays (an inbox also goes to its alias). */
  #applyData(message: TopicDataMessage): void {
    this.#applyDataTo(message.topic, message);
    if (message.topic === this.#inbox) this.#applyDataTo(INBOX_ALIAS, message);
  }

  #applyDataTo(name: string, message: TopicDataMessage): void {
    const memory = this.#topics.get(name);
    if (memory?.apply(message)) this.router.routeTopic(name, memory.dataOf(message), message, message.pos);
  }

  #welcome(id: string, resume: string): void {
    this.#inbox = inboxTopic(id);
    this.#resumeKey = resume;
    clearTimeout(this.#welcomeTimer);
    if (this.#welcomed) return;
    this.#welcomed = true;
    this.#sendSubscriptions();
    if (this.#connectionState !== 'open') this.#becameOpen();
  }

  #serverError(message: ErrorMessage): void {
    const detail: WsErrorDetail = { kind: 'server', message: message.message, code: message.code };
    if (message.id !== undefined && this.#publishes.has(message.id)) {
      return this.#settlePublish('publish-error', { id: message.id, code: message.code, message: message.message });
    }
    if (message.topic !== undefined && this.#topicNames(message.topic).some((name) => this.#topics.has(name))) {
      const failed = { ...detail, topic: message.topic };
      return this.#eachTopic(message.topic, (_memory, name) =>
        this.#tellTopic(name, (subscriber) => subscriber.topicFailed(failed)),
      );
    }
    this.#fail({ ...detail, ...(message.id !== undefined ? { id: message.id } : {}) });
  }

  #settlePublish(type: 'ack' | 'publish-error', outcome: PublishOutcome): void {
    if (!this.#publishes.delete(outcome.id)) return;
    this.#dispatch(type, outcome);
  }

  /** The element topic names a wire topic stands for (`inbox/<id>` is also `inbox/@me`). */
  #topicNames(wireTopic: string): string[] {
    const isInbox = wireTopic === this.#inbox;
    return isInbox ? [wireTopic, INBOX_ALIAS] : [wireTopic];
  }

  #eachTopic(wireTopic: string, action: (memory: TopicMemory, name: string) => void): void {
    for (const name of this.#topicNames(wireTopic)) {
      const memory = this.#topics.get(name);
      if (memory) action(memory, name);
    }
  }

  #tellTopic(name: string, action: (subscriber: ConnectionSubscriber) => void): void {
    for (const subscriber of this.router.subscribersOf(name)) action(subscriber as ConnectionSubscriber);
  }

  // ---- outgoing -------------------------------------------------------------

  #wireTopic(topic: string): string {
    return topic === INBOX_ALIAS && this.#inbox !== undefined ? this.#inbox : topic;
  }

  #sendControl(message: ClientMessage): void {
    if (this.#socketOpen) this.#transport?.send(JSON.stringify(message));
  }

  #sendAuth(): void {
    const { token, tokenParam } = this.#options;
    const sendToken = token !== undefined && !tokenParam;
    if (!sendToken && this.#resumeKey === undefined) return;
    this.#sendControl({
      type: 'auth',
      ...(sendToken ? { token } : {}),
      ...(this.#resumeKey !== undefined ? { resume: this.#resumeKey } : {}),
    });
  }

  /** Sends every subscribe not yet sent on this socket, then the unacknowledged publishes. */
  #sendSubscriptions(): void {
    for (const topic of this.#topics.keys()) this.#sendSubscribe(topic);
    for (const pending of this.#publishes.values()) this.#sendPublish(pending);
  }

  #sendSubscribe(topic: string): void {
    const memory = this.#topics.get(topic);
    if (!memory || memory.sentOn === this.#socket || !this.#socketOpen) return;
    memory.sentOn = this.#socket;
    const subscribers = this.router.subscribersOf(topic) as ConnectionSubscriber[];
    const since = memory.since(subscribers.map((subscriber) => subscriber.since));
    const history = Math.max(0, ...subscribers.map((subscriber) => subscriber.history ?? 0));
    this.#sendControl({
      type: 'subscribe',
      topic: this.#wireTopic(topic),
      ...(since !== undefined ? { since } : {}),
      ...(since === undefined && history > 0 ? { history } : {}),
    });
  }

  #sendPublish(pending: PendingPublish): void {
    if (pending.sentOn === this.#socket || !this.#socketOpen) return;
    pending.sentOn = this.#socket;
    this.#lastPublish = pending.message.id;
    this.#sendControl(pending.message);
  }

  #flushOutbox(): void {
    const waiting = this.#outbox;
    this.#outbox = [];
    this.#overflowReported = false;
    for (const text of waiting) this.send(text);
  }

  // ---- timers and the page ---------------------------------------------------

  /** Without `welcome` 5 s after opening, topic elements learn the server speaks only raw. */
  #watchForWelcome(): void {
    if (!this.#socketOpen || this.#welcomed || this.router.topicNames().length === 0) return;
    if (this.#protocolTimedOut) return this.#protocolFailure();
    if (this.#welcomeTimer !== undefined) return;
    this.#welcomeTimer = setTimeout(() => {
      this.#welcomeTimer = undefined;
      this.#protocolTimedOut = true;
      this.#protocolFailure();
    }, WELCOME_TIMEOUT);
  }

  #protocolFailure(): void {
    const detail: WsErrorDetail = { kind: 'protocol', message: 'server does not speak the topic protocol' };
    for (const topic of this.router.topicNames()) this.#tellTopic(topic, (subscriber) => subscriber.topicFailed(detail));
  }

  #ping(): void {
    if (this.#topicMode) this.#sendControl({ type: 'ping' });
    else if (this.#options.heartbeatMessage !== undefined) this.#transport?.send(this.#options.heartbeatMessage);
  }

  #replaceSocket(): void {
    this.#stopTimers();
    this.#restartNow('heartbeat timeout');
  }

  /** Replaces the socket without a backoff delay. */
  #restartNow(reason?: string): void {
    this.#immediate = true;
    this.#transport?.restart(1000, reason);
    this.#immediate = false;
    this.#nextDelay = 0;
  }

  #stopTimers(): void {
    this.#heartbeat?.stop();
    clearTimeout(this.#welcomeTimer);
    this.#welcomeTimer = undefined;
  }

  #listenToPage(on: boolean): void {
    if (!on) {
      this.#unwatchPage?.();
      this.#unwatchPage = undefined;
      return;
    }
    this.#unwatchPage ??= watchPage({
      frozen: () => {
        this.#suspended = true;
        this.#stopping = true;
        this.#transport?.stop(1000, 'page hidden');
        this.#setState('closed');
      },
      restored: () => {
        if (!this.#suspended) return;
        this.#suspended = false;
        this.reconnect();
      },
      visible: () => this.#heartbeat?.pingNow(),
    });
  }

  // ---- state and events -----------------------------------------------------

  #setState(state: ConnectionState): void {
    if (state === this.#connectionState) return;
    const wasOpen = this.#connectionState === 'open';
    this.#connectionState = state;
    this.#dispatch('state', { state });
    if (wasOpen === (state === 'open')) return;
    for (const subscriber of this.router.all()) (subscriber as ConnectionSubscriber).linkChanged(state === 'open');
  }

  #fail(detail: WsErrorDetail): void {
    this.#dispatch('error', detail);
  }

  #dispatch(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
