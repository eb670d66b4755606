/**
 * One logical connection to an endpoint (SPEC 3.1). It wires a transport to
 * three parts, each its own module: the `ReconnectPolicy` (when and where to
 * try again), the `TopicSession` (the topic protocol) and the `RawQueue`
 * (sends kept while offline); it watches the heartbeat and the page
 * lifecycle, and hands every message to its `Router`. Elements reach it
 * through a controller.
 */
import type { WsErrorDetail } from './errors.js';
import type { WsCloseDetail, WsMessageDetail } from './events.js';
import { Heartbeat } from './heartbeat.js';
import { LateJoins, type Joiner } from './late-joins.js';
import { watchPage, whenOnline } from './page-lifecycle.js';
import {
  earliestPosition,
  isAtOrBefore,
  readServerMessage,
  unpackFrame,
  type MessageId,
  type Position,
  type PublishMessage,
} from './protocol.js';
import { RawQueue } from './raw-queue.js';
import { backoffDelay, ReconnectPolicy, type ReconnectOptions, type RetryDecision } from './reconnect-policy.js';
import { Router, type Subscriber } from './router.js';
import { fetchToken, refreshDelay } from './token-source.js';
import { TopicSession } from './topic-session.js';
import { createEventSourceTransport, createWebSocketTransport, type Transport, type TransportHandlers } from './transport.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

/** How a connection behaves; the `<ws-source>` attributes of the same names. */
export interface ConnectionOptions extends ReconnectOptions {
  /** Resolved endpoint URLs, tried in turn on reconnect (failover). */
  urls: readonly string[];
  transport?: 'ws' | 'sse';
  /** Raw sends kept while offline (default 1000). */
  queue?: number;
  /** Heartbeat period in ms; 0 or absent: none. */
  heartbeat?: number;
  /** Raw mode: the text sent on every heartbeat. */
  heartbeatMessage?: string;
  /** Sent first after every (re)open, before anything else (gateways that route by an `action`). */
  hello?: string;
  /** Sent in `auth` in topic mode, or in the URL with `tokenParam`. */
  token?: string;
  tokenParam?: string;
  /** Where to fetch the token before every (re)connect and again before it expires. */
  tokenUrl?: string;
  /** Makes the link instead of a socket of its own (`share="tabs"`: a port to the shared worker). */
  createTransport?: (handlers: TransportHandlers) => Transport;
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

/** Decodes a frame: JSON when it parses, else the text itself. */
function decodeFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A raw send waiting for an open socket, and who learns when it left (true) or was dropped (false). */
interface QueuedSend { text: string; handed(sent: boolean): void }
/** True when a subscriber joining a topic already received asks for events the connection has passed. */
function wantsReplay({ since, history }: ConnectionSubscriber, pos: Position | undefined): boolean {
  if (since !== undefined) return pos === undefined || !isAtOrBefore(pos, since);
  return (history ?? 0) > 0;
}

const NO_RETRY: RetryDecision = { willRetry: false, retryIn: 0 };
const AT_ONCE: RetryDecision = { willRetry: true, retryIn: 0 };

/** A shared, reconnecting connection. Events: `state`, `open`, `close`, `error`. */
export class Connection extends EventTarget {
  readonly router = new Router();
  /**
   * Hears every message (a `<ws-source>` forwards them as `ws-message`). A
   * callback rather than an event, so a connection nobody watches builds
   * nothing per message.
   */
  messageListener: ((detail: WsMessageDetail) => void) | undefined;
  readonly #options: ConnectionOptions;
  readonly #policy: ReconnectPolicy;
  readonly #session: TopicSession;
  readonly #queue: RawQueue<QueuedSend>;
  readonly #heartbeat: Heartbeat | undefined;
  readonly #transport: Transport;
  readonly #joins = new LateJoins<ConnectionSubscriber>();
  #state: ConnectionState = 'closed';
  #socketOpen = false;
  /** The decision for a close this connection causes itself (a replaced socket), taken by the next `close`. */
  #planned: RetryDecision | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** `token-url`: the next fetch before the token expires, and how many fetches in a row failed. */
  #tokenTimer: ReturnType<typeof setTimeout> | undefined;
  #tokenFailures = 0;
  /** Closed for the back/forward cache: `pageshow` reopens it. */
  #frozen = false;
  #unwatchPage: (() => void) | undefined;

  constructor(options: ConnectionOptions) {
    super();
    this.#options = { ...options };
    this.#policy = new ReconnectPolicy(options.urls.length, options);
    this.#queue = new RawQueue(options.queue);
    this.#session = new TopicSession({
      send: (message) => this.#transport.send(JSON.stringify(message)),
      welcomed: () => {
        this.#becameOpen();
        this.#dispatch('welcome', {});
      },
      welcomeMissed: () => this.#becameOpen(),
      request: (name) => this.#requestOf(name),
      data: (name, data, message) => {
        this.router.routeTopic(name, data, message, message.pos);
        this.#joins.hold(name, data, message, message.pos);
      },
      replayed: (name, data, message) => {
        const joiner = this.#joins.current(name);
        if (joiner) this.router.deliverTo(joiner, data, message, message.pos);
      },
      topicChanged: (name, change) => this.#topicChanged(name, change),
      topicFailed: (name, detail) => this.#eachSubscriber(name, (subscriber) => subscriber.topicFailed(detail)),
      error: (detail) => {
        // An expired token with a `token-url`: fetch a fresh one and re-authenticate on this socket.
        if (detail.code === 'expired' && options.tokenUrl) void this.#refreshToken();
        else this.#dispatch('error', detail);
      },
    }, options.tokenParam ? undefined : options.token);
    const period = options.heartbeat ?? 0;
    this.#heartbeat = period > 0 ? new Heartbeat(period, () => this.#ping(), () => this.#replaceSocket('heartbeat timeout')) : undefined;
    const handlers: TransportHandlers = {
      open: () => this.#socketOpened(),
      message: (text) => this.#received(text),
      close: (code, reason) => this.#socketClosed(code, reason),
    };
    this.#transport = options.createTransport?.(handlers)
      ?? (options.transport === 'sse' ? createEventSourceTransport(handlers) : createWebSocketTransport(handlers));
  }

  /** `connecting | open | reconnecting | failed | closed`. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The URL of the current (or next) attempt. */
  get url(): string {
    const { urls, token, tokenParam } = this.#options;
    const url = urls[this.#policy.urlIndex] ?? '';
    if (!tokenParam || token === undefined) return url;
    const withToken = new URL(url);
    withToken.searchParams.set(tokenParam, token);
    return withToken.href;
  }

  /** The configured endpoint URLs, in failover order. */
  get urls(): readonly string[] {
    return this.#options.urls;
  }

  /** The session id from `welcome` (topic mode). */
  get session(): string | undefined {
    return this.#session.id;
  }

  /** True for receive-only connections (`transport="sse"`). */
  get receiveOnly(): boolean {
    return this.#options.transport === 'sse';
  }

  /** Opens the connection (again); the start of its life or a manual retry. */
  start(): void {
    if (this.#state === 'closed' || this.#state === 'failed') this.reconnect();
  }

  /** Drops the current socket, if any, and connects again at once (also after `failed` or `close`). */
  reconnect(): void {
    this.#listenToPage(true);
    this.#frozen = false;
    this.#policy.reset();
    this.#setState(this.#socketOpen ? 'reconnecting' : 'connecting');
    this.#replaceSocket('reconnect');
  }

  /** Closes on purpose: no retry until `start` or `reconnect`. */
  close(): void {
    this.#listenToPage(false);
    this.#shutDown('');
  }

  /** A new token: sent at once as a fresh `auth` in topic mode, used for every later (re)connect; retries a refused connection. */
  setToken(token: string | undefined): void {
    this.#options.token = token;
    if (!this.#options.tokenParam) this.#session.setToken(token);
    if (this.#state === 'failed') this.reconnect();
  }

  /**
   * Sends raw data (objects as JSON), queued while the socket is not open; resolves to true once handed to an open
   * socket, false when the full queue dropped it.
   */
  send(data: unknown): Promise<boolean> {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    return new Promise((handed) => this.#send({ text, handed }));
  }

  #send(item: QueuedSend): void {
    if (this.#socketOpen && this.#queue.size === 0 && this.#transport.send(item.text)) return item.handed(true);
    const dropped = this.#queue.push(item);
    if (!dropped) return;
    dropped.handed(false);
    if (this.#queue.reportOverflow()) {
      this.#dispatch('error', { kind: 'network', message: `send queue full (${this.#queue.limit}): oldest messages dropped` });
    }
  }

  /**
   * Publishes in topic mode, re-sent unchanged after each reconnect; resolves to the ack's position, rejects with a
   * `PublishError` (the server's `error`, or no ack within `timeout` ms).
   */
  publish(message: PublishMessage & { id: MessageId }, timeout: number): Promise<Position> {
    return this.#session.publish(message, timeout);
  }

  /** The last position applied on a topic. */
  positionOf(topic: string): Position | undefined {
    return this.#session.memoryOf(topic)?.pos;
  }

  /**
   * Adds an element's subscriber; in topic mode subscribes to its topic if new, else catches it up: the current state,
   * or on an event topic its own `history` or `since` replay through a repeated `subscribe` (SPEC 4.1).
   */
  add(subscriber: ConnectionSubscriber): void {
    const { topic } = subscriber;
    const memory = topic === undefined ? undefined : this.#session.memoryOf(topic);
    subscriber.linkChanged(this.#state === 'open');
    if (memory && !memory.isState && wantsReplay(subscriber, memory.pos)) {
      const behindOwn = this.#session.awaitsAnswer(topic!);
      if (this.#session.resubscribe(topic!, subscriber)) return this.#joins.wait(topic!, subscriber, behindOwn);
    }
    this.router.add(subscriber);
    if (topic === undefined) return;
    if (!memory) return this.#session.subscribe(topic);
    if (memory.isState && memory.state !== undefined) this.router.deliverTo(subscriber, memory.state, undefined, memory.pos);
    if (memory.confirmed) subscriber.topicChanged('subscribed');
  }

  /** Removes a subscriber; unsubscribes from a topic nobody reads any more. */
  remove(subscriber: ConnectionSubscriber): void {
    if (!this.#joins.leave(subscriber)) this.router.delete(subscriber);
    const { topic } = subscriber;
    if (topic !== undefined && this.router.subscribersOf(topic).length === 0 && !this.#joins.waiting(topic)) this.#session.unsubscribe(topic);
  }

  // ---- the socket's life ------------------------------------------------------

  #socketOpened(): void {
    this.#socketOpen = true;
    this.#policy.opened();
    this.#heartbeat?.start();
    if (this.#options.hello !== undefined) this.#transport.send(this.#options.hello);
    this.#session.opened();
    for (const item of this.#queue.drain()) this.#send(item);
    // A topic server's connection opens at `welcome` (SPEC 3.1), with its session known; a raw one opens now.
    if (!this.#session.awaitsWelcome) this.#becameOpen();
  }

  #socketClosed(code: number, reason: string): void {
    this.#socketOpen = false;
    for (const joiner of this.#joins.takeAll()) this.#joined(joiner);
    this.#heartbeat?.stop();
    this.#session.closed(code);
    const decision = this.#state === 'closed' ? NO_RETRY : (this.#planned ?? this.#policy.afterClose(code));
    this.#planned = undefined;
    if (this.#state !== 'closed') this.#setState(decision.willRetry ? 'reconnecting' : 'failed');
    this.#dispatch('close', { code, reason, ...decision } satisfies WsCloseDetail);
    if (decision.willRetry) this.#connectAfter(decision.retryIn);
  }

  /** Closes the current socket, if any, and connects again without a backoff delay. */
  #replaceSocket(reason: string): void {
    this.#planned = AT_ONCE;
    this.#transport.close(1000, reason);
    // No socket was there to report a close: connect now.
    if (this.#planned === undefined) return;
    this.#planned = undefined;
    this.#connectAfter(0);
  }

  #connectAfter(delay: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#attempt(), delay);
  }

  /** One connection attempt: once the browser is online, with a fresh token where `token-url` gives them. */
  async #attempt(): Promise<void> {
    await whenOnline();
    if (this.#options.tokenUrl && !(await this.#refreshToken())) return this.#tokenFailed();
    if (this.#state === 'reconnecting' || this.#state === 'connecting') this.#transport.connect(this.url);
  }

  /** A token could not be fetched before connecting: the attempt counts as failed and waits the backoff. */
  #tokenFailed(): void {
    if (this.#state !== 'reconnecting' && this.#state !== 'connecting') return;
    const decision = this.#policy.afterClose(1006);
    if (!decision.willRetry) return this.#setState('failed');
    this.#setState('reconnecting');
    this.#connectAfter(decision.retryIn);
  }

  /**
   * Fetches a token from `token-url` and uses it (a fresh `auth` on a welcomed socket); schedules the next fetch
   * before it expires. A failure is a `network` `ws-error`; false then.
   */
  async #refreshToken(): Promise<boolean> {
    clearTimeout(this.#tokenTimer);
    const url = this.#options.tokenUrl!;
    try {
      const token = await fetchToken(url);
      this.#tokenFailures = 0;
      if (this.#state === 'closed') return false;
      this.setToken(token);
      const delay = refreshDelay(token);
      if (delay !== undefined) this.#tokenTimer = setTimeout(() => void this.#refreshToken(), delay);
      return true;
    } catch (error) {
      this.#dispatch('error', { kind: 'network', message: error instanceof Error ? error.message : String(error) });
      // A socket that is open keeps its session meanwhile: fetch again after the connection's backoff.
      const { minDelay = 500, maxDelay = 10000 } = this.#options;
      if (this.#socketOpen) this.#tokenTimer = setTimeout(() => void this.#refreshToken(), backoffDelay(this.#tokenFailures++, minDelay, maxDelay));
      return false;
    }
  }

  #shutDown(reason: string): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#tokenTimer);
    this.#setState('closed');
    this.#transport.close(1000, reason);
  }

  #becameOpen(): void {
    // A socket opened as raw before a topic element joined, then welcomed: one `open` per socket.
    if (this.#state === 'open') return;
    this.#setState('open');
    this.#dispatch('open', {});
  }

  // ---- incoming -------------------------------------------------------------

  #received(text: string): void {
    this.#heartbeat?.received();
    const decoded = decodeFrame(text);
    if (!this.#session.topicMode && readServerMessage(decoded)?.type !== 'welcome') return this.#receivedRaw(decoded);
    for (const raw of unpackFrame(decoded)) {
      const message = readServerMessage(raw);
      if (!message) {
        this.#receivedRaw(raw);
        continue;
      }
      if (this.messageListener) {
        const topic = 'topic' in message ? message.topic : undefined;
        this.messageListener({ data: 'data' in message ? message.data : message, topic });
      }
      this.router.routeRaw(message);
      this.#session.receive(message);
    }
  }

  #receivedRaw(message: unknown): void {
    this.messageListener?.({ data: message });
    this.router.routeRaw(message);
  }

  /** What a topic's subscribers ask for when (re)subscribing: the earliest `since`, the most `history`. */
  #requestOf(name: string): { since?: Position; history?: number } {
    let since: Position | undefined;
    let history = 0;
    for (const subscriber of this.router.subscribersOf(name) as ConnectionSubscriber[]) {
      since = earliestPosition(since, subscriber.since);
      history = Math.max(history, subscriber.history ?? 0);
    }
    return { since, history };
  }

  /** The server confirmed or reset a topic: for a late joiner's own `subscribe`, only that joiner hears it. */
  #topicChanged(name: string, change: 'subscribed' | 'reset'): void {
    const joiner = this.#joins.current(name);
    if (joiner && change === 'reset') return joiner.topicChanged(change);
    const answered = change === 'subscribed' ? this.#joins.answered(name) : undefined;
    if (answered) return this.#joined(answered, 'subscribed');
    this.#eachSubscriber(name, (subscriber) => subscriber.topicChanged(change));
  }

  /** A late joiner's replay is over: it joins the router with the live messages it held. */
  #joined({ subscriber, held }: Joiner<ConnectionSubscriber>, change?: 'subscribed'): void {
    this.router.add(subscriber);
    for (const [data, message, pos] of held) this.router.deliverTo(subscriber, data, message, pos);
    if (change) subscriber.topicChanged(change);
  }

  #eachSubscriber(name: string, action: (subscriber: ConnectionSubscriber) => void): void {
    for (const subscriber of this.router.subscribersOf(name)) action(subscriber as ConnectionSubscriber);
  }

  // ---- heartbeat and the page ---------------------------------------------------

  #ping(): void {
    if (this.#session.topicMode) this.#transport.send('{"type":"ping"}');
    else if (this.#options.heartbeatMessage !== undefined) this.#transport.send(this.#options.heartbeatMessage);
  }

  #listenToPage(on: boolean): void {
    if (!on) {
      this.#unwatchPage?.();
      this.#unwatchPage = undefined;
      return;
    }
    this.#unwatchPage ??= watchPage({
      frozen: () => {
        this.#frozen = true;
        this.#shutDown('page hidden');
      },
      restored: () => this.#frozen && this.reconnect(),
      visible: () => this.#heartbeat?.pingNow(),
    });
  }

  // ---- state and events -----------------------------------------------------

  /** The one place the state changes: it fires `state`, and tells every subscriber when `open` begins or ends. */
  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    const wasOpen = this.#state === 'open';
    this.#state = state;
    this.#dispatch('state', { state });
    if (wasOpen === (state === 'open')) return;
    for (const subscriber of this.router.all()) (subscriber as ConnectionSubscriber).linkChanged(state === 'open');
  }

  #dispatch(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
