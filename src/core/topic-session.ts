/**
 * The topic protocol as one connection speaks it (SPEC 3.1, 4): topic mode
 * from the first `welcome`, `auth` with a token or a resume key, one
 * subscription per topic from the earliest position, per-topic positions
 * that drop what was already applied, and publishes that wait for their ack.
 * After every (re)open it sends, in order, `auth`, each `subscribe` and the
 * unacknowledged publishes. A state machine over an injected `send`: it opens
 * no socket and touches no DOM.
 */
import type { WsErrorDetail } from './errors.js';
import {
  CloseCode,
  INBOX_ALIAS,
  inboxTopic,
  type ClientMessage,
  type ErrorMessage,
  type MessageId,
  type Position,
  type PublishMessage,
  type ServerMessage,
  type TopicDataMessage,
} from './protocol.js';
import { TopicMemory } from './topics.js';

/** What a session tells its connection. */
export interface TopicSessionHost {
  /** Sends one message on the open socket. */
  send(message: ClientMessage): void;
  /** The first `welcome` on this socket: the connection is open in topic mode. */
  welcomed(): void;
  /** No `welcome` came in time although topics wait for one: the server is raw, and the socket is open as such. */
  welcomeMissed?(): void;
  /** What the subscribers of element topic `name` ask for when (re)subscribing. */
  request(name: string): { since?: Position; history?: number };
  /** A data message applied to element topic `name`; `data` is what its subscribers read. */
  data(name: string, data: unknown, message: TopicDataMessage): void;
  /** A data message at or before what element topic `name` applied: a late joiner's replay (SPEC 4.1). */
  replayed?(name: string, data: unknown, message: TopicDataMessage): void;
  /** The server confirmed element topic `name`, or reset it (data may be missing). */
  topicChanged(name: string, change: 'subscribed' | 'reset'): void;
  /** The server refused element topic `name`, or does not speak the protocol. */
  topicFailed(name: string, detail: WsErrorDetail): void;
  /** A server error that no publish and no topic of this connection claims. */
  error(detail: WsErrorDetail): void;
}

/** Why a publish did not get its ack: the server's `error`, or the time ran out. */
export class PublishError extends Error {
  readonly kind: 'server' | 'timeout';
  readonly code: string | undefined;

  constructor(kind: 'server' | 'timeout', message: string, code?: string) {
    super(message);
    this.name = 'PublishError';
    this.kind = kind;
    this.code = code;
  }
}

interface PendingPublish {
  message: PublishMessage & { id: MessageId };
  /** The socket (by sequence number) it last went out on. */
  sentOn: number;
  resolve(pos: Position): void;
  reject(error: PublishError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A welcome that never comes within this time means a raw server (SPEC 3.1). */
export const WELCOME_TIMEOUT = 5000;

/** One connection's topic-protocol state, across its sockets. */
export class TopicSession {
  readonly #host: TopicSessionHost;
  readonly #topics = new Map<string, TopicMemory>();
  readonly #publishes = new Map<MessageId, PendingPublish>();
  #token: string | undefined;
  #topicMode = false;
  #welcomed = false;
  /** Sequence number of the current socket; 0 while none is open. */
  #socket = 0;
  #sockets = 0;
  #id: string | undefined;
  #resumeKey: string | undefined;
  #lastPublish: MessageId | undefined;
  #welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  #protocolTimedOut = false;

  constructor(host: TopicSessionHost, token?: string) {
    this.#host = host;
    this.#token = token;
  }

  /** True once a server sent `welcome`: array frames are batches, messages are protocol messages. */
  get topicMode(): boolean {
    return this.#topicMode;
  }

  /**
   * True when an open socket is not open for its users until `welcome`: the server spoke the protocol, topics wait,
   * or a token goes in an `auth` frame, which only topic servers read.
   */
  get awaitsWelcome(): boolean {
    return this.#topicMode || this.#topics.size > 0 || this.#token !== undefined;
  }

  /** True between this socket's `welcome` and its close. */
  get welcomed(): boolean {
    return this.#welcomed;
  }

  /** The session id from `welcome`. */
  get id(): string | undefined {
    return this.#id;
  }

  /** Element topics, each with what the connection remembers of it. */
  memoryOf(name: string): TopicMemory | undefined {
    return this.#topics.get(name);
  }

  /** A socket opened: `auth`, then (in topic mode) every subscribe and unacknowledged publish. */
  opened(): void {
    this.#socket = ++this.#sockets;
    this.#welcomed = false;
    this.#protocolTimedOut = false;
    this.#sendAuth();
    if (this.#topicMode) this.#sendSubscriptions();
    this.#watchForWelcome();
  }

  /** The socket closed: nothing is confirmed any more; a publish the server refused as too large (1009) is dropped. */
  closed(code: number): void {
    this.#socket = 0;
    this.#welcomed = false;
    this.#stopWelcomeWatch();
    for (const memory of this.#topics.values()) memory.confirmed = false;
    if (code === CloseCode.tooLarge && this.#lastPublish !== undefined) {
      this.#settle(this.#lastPublish, new PublishError('server', 'the server refused a frame this large (1009)', 'too-large'));
    }
  }

  /** A new token: used for every later (re)connect, and sent at once as a fresh `auth` on a welcomed socket. */
  setToken(token: string | undefined): void {
    this.#token = token;
    if (this.#welcomed && token !== undefined) this.#host.send({ type: 'auth', token });
  }

  /** Handles one protocol message from the server. */
  receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        return this.#welcome(message.id, message.resume);
      case 'subscribed':
        return this.#eachTopic(message.topic, (memory, name) => {
          memory.advanceTo(message.pos);
          memory.confirmed = true;
          this.#host.topicChanged(name, 'subscribed');
        });
      case 'event':
      case 'snapshot':
      case 'patch':
        return this.#apply(message);
      case 'reset':
        return this.#eachTopic(message.topic, (memory, name) => {
          memory.pos = message.pos;
          this.#host.topicChanged(name, 'reset');
        });
      case 'ack':
        return this.#settle(message.id, message.pos);
      case 'error':
        return this.#serverError(message);
    }
  }

  /** Starts receiving element topic `name` (once per topic); sent now when welcomed, else after `welcome`. */
  subscribe(name: string): void {
    if (this.#topics.has(name)) return;
    this.#topics.set(name, new TopicMemory());
    if (this.#welcomed) this.#sendSubscribe(name);
    else this.#watchForWelcome();
  }

  /**
   * Asks again for element topic `name`, already subscribed on this socket, with one late joiner's `since` or
   * `history` (SPEC 4.1: the server replays and answers `subscribed` again); false before `welcome`, when the
   * coming `subscribe` will carry it anyway.
   */
  resubscribe(name: string, { since, history }: { since?: Position; history?: number }): boolean {
    if (!this.#welcomed || !this.#topics.has(name)) return false;
    this.#host.send({ type: 'subscribe', topic: this.#wireTopic(name), ...(since !== undefined ? { since } : { history }) });
    return true;
  }

  /** True while this socket's `subscribe` of element topic `name` has had no answer. */
  awaitsAnswer(name: string): boolean {
    const memory = this.#topics.get(name);
    return memory !== undefined && memory.sentOn === this.#socket && !memory.confirmed;
  }

  /** Stops receiving element topic `name`. */
  unsubscribe(name: string): void {
    if (!this.#topics.delete(name) || !this.#welcomed) return;
    this.#host.send({ type: 'unsubscribe', topic: this.#wireTopic(name) });
  }

  /**
   * Publishes, re-sent unchanged after each reconnect until settled; resolves to the ack's position, rejects with a
   * `PublishError` on the server's `error` for its id or when no ack came within `timeout` ms.
   */
  publish(message: PublishMessage & { id: MessageId }, timeout: number): Promise<Position> {
    return new Promise<Position>((resolve, reject) => {
      const pending: PendingPublish = { message, sentOn: 0, resolve, reject, timer: undefined };
      pending.timer = setTimeout(() => this.#settle(message.id, new PublishError('timeout', `no ack within ${timeout} ms`)), timeout);
      this.#publishes.set(message.id, pending);
      if (this.#welcomed) this.#sendPublish(pending);
    });
  }

  /** Forgets every timer (the connection is discarded). */
  dispose(): void {
    this.#stopWelcomeWatch();
    for (const id of [...this.#publishes.keys()]) this.#settle(id, new PublishError('timeout', 'the connection was closed'));
  }

  // ---- incoming -------------------------------------------------------------

  #welcome(id: string, resume: string): void {
    this.#topicMode = true;
    this.#id = id;
    this.#resumeKey = resume;
    this.#stopWelcomeWatch();
    if (this.#welcomed || this.#socket === 0) return;
    this.#welcomed = true;
    this.#sendSubscriptions();
    this.#host.welcomed();
  }

  /** The per-event path: one lookup by topic (an inbox also goes to its alias). */
  #apply(message: TopicDataMessage): void {
    this.#applyTo(message.topic, message);
    if (this.#id !== undefined && message.topic === inboxTopic(this.#id)) this.#applyTo(INBOX_ALIAS, message);
  }

  #applyTo(name: string, message: TopicDataMessage): void {
    const memory = this.#topics.get(name);
    if (!memory) return;
    if (memory.apply(message)) this.#host.data(name, memory.dataOf(message), message);
    else this.#host.replayed?.(name, memory.dataOf(message), message);
  }

  #serverError(message: ErrorMessage): void {
    const detail: WsErrorDetail = { kind: 'server', message: message.message, code: message.code };
    if (message.id !== undefined && this.#publishes.has(message.id)) {
      return this.#settle(message.id, new PublishError('server', message.message, message.code));
    }
    const names = message.topic === undefined ? [] : this.#namesOf(message.topic).filter((name) => this.#topics.has(name));
    if (names.length > 0) {
      for (const name of names) this.#host.topicFailed(name, { ...detail, topic: message.topic });
      return;
    }
    this.#host.error({
      ...detail,
      ...(message.topic !== undefined ? { topic: message.topic } : {}),
      ...(message.id !== undefined ? { id: message.id } : {}),
    });
  }

  #settle(id: MessageId, outcome: Position | PublishError): void {
    const pending = this.#publishes.get(id);
    if (!pending) return;
    this.#publishes.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof PublishError) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  /** The element topic names a wire topic stands for (`inbox/<id>` is also `inbox/@me`). */
  #namesOf(wireTopic: string): string[] {
    return this.#id !== undefined && wireTopic === inboxTopic(this.#id) ? [wireTopic, INBOX_ALIAS] : [wireTopic];
  }

  #eachTopic(wireTopic: string, action: (memory: TopicMemory, name: string) => void): void {
    for (const name of this.#namesOf(wireTopic)) {
      const memory = this.#topics.get(name);
      if (memory) action(memory, name);
    }
  }

  // ---- outgoing -------------------------------------------------------------

  #wireTopic(name: string): string {
    return name === INBOX_ALIAS && this.#id !== undefined ? inboxTopic(this.#id) : name;
  }

  #sendAuth(): void {
    const token = this.#token;
    if (token === undefined && this.#resumeKey === undefined) return;
    this.#host.send({
      type: 'auth',
      ...(token !== undefined ? { token } : {}),
      ...(this.#resumeKey !== undefined ? { resume: this.#resumeKey } : {}),
    });
  }

  /** Every subscribe not yet sent on this socket, then the unacknowledged publishes. */
  #sendSubscriptions(): void {
    for (const name of this.#topics.keys()) this.#sendSubscribe(name);
    for (const pending of this.#publishes.values()) this.#sendPublish(pending);
  }

  #sendSubscribe(name: string): void {
    const memory = this.#topics.get(name);
    if (!memory || memory.sentOn === this.#socket || this.#socket === 0) return;
    memory.sentOn = this.#socket;
    const request = this.#host.request(name);
    const since = memory.since([request.since]);
    this.#host.send({
      type: 'subscribe',
      topic: this.#wireTopic(name),
      ...(since !== undefined ? { since } : {}),
      ...(since === undefined && request.history ? { history: request.history } : {}),
    });
  }

  #sendPublish(pending: PendingPublish): void {
    if (pending.sentOn === this.#socket || this.#socket === 0) return;
    pending.sentOn = this.#socket;
    this.#lastPublish = pending.message.id;
    this.#host.send(pending.message);
  }

  // ---- a server that never says welcome ----------------------------------------

  /** Without `welcome` 5 s after opening, topic elements learn the server speaks only raw. */
  #watchForWelcome(): void {
    if (this.#socket === 0 || this.#welcomed || !this.awaitsWelcome) return;
    if (this.#protocolTimedOut) return this.#protocolFailure();
    this.#welcomeTimer ??= setTimeout(() => {
      this.#welcomeTimer = undefined;
      this.#protocolTimedOut = true;
      this.#protocolFailure();
    }, WELCOME_TIMEOUT);
  }

  #stopWelcomeWatch(): void {
    clearTimeout(this.#welcomeTimer);
    this.#welcomeTimer = undefined;
  }

  #protocolFailure(): void {
    const detail: WsErrorDetail = { kind: 'protocol', message: 'server does not speak the topic protocol' };
    for (const name of this.#topics.keys()) this.#host.topicFailed(name, detail);
    this.#host.welcomeMissed?.();
  }
}
