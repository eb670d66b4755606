/**
 * The shared worker's side of `share="tabs"` (SPEC 3.1): one `Connection`
 * per resolved `src` for every tab of the origin. Each tab's connection
 * reaches it through a link over the tab's `MessagePort` and speaks the
 * topic protocol to it as to a server: the host answers `welcome` and `pong`
 * itself, turns each `subscribe` into a subscriber of the shared connection
 * (whose late-joiner replay reaches only that link), publishes and routes the
 * `ack` back to the link that asked, and passes raw sends through. What a
 * tab held is released when it says goodbye, closes the link, or stops
 * answering the host's pings.
 */
import { Connection, type ConnectionOptions, type ConnectionSubscriber } from '../core/connection.js';
import type { WsCloseDetail } from '../core/events.js';
import type { WsErrorDetail } from '../core/errors.js';
import { readServerMessage, type ClientMessage, type MessageId, type Position, type ServerMessage } from '../core/protocol.js';
import { GRACE_PERIOD } from '../core/registry.js';
import { PublishError } from '../core/topic-session.js';
import type { TabMessage, HostMessage } from './tab-link.js';

/** How often the host pings every tab; a tab silent for a whole period after a ping is gone. */
const PING_EVERY = 5000;

/** How long the host waits for an ack on a tab's behalf (each tab keeps its own `ack-timeout`). */
const PUBLISH_TIMEOUT = 60000;

/** One shared connection and the links that use it. */
interface Shared {
  connection: Connection;
  links: Set<Link>;
  token: string | undefined;
  /** Publish ids awaiting their ack, so a tab re-sending after a reconnect does not publish twice. */
  publishing: Set<MessageId>;
  timer?: ReturnType<typeof setTimeout>;
}

const shared = new Map<string, Shared>();
const tabs = new Set<Tab>();

/** The shared connection for these options' URLs, made on first use (with that tab's options); pair with `release`. */
function acquire(options: ConnectionOptions): Shared {
  const key = options.urls.join(' ');
  let entry = shared.get(key);
  if (!entry) {
    const connection = new Connection(options);
    const created: Shared = { connection, links: new Set(), token: options.token, publishing: new Set() };
    // A socket opened before any tab's topic is open at once, and hears `welcome` later: each link greets its tab then.
    for (const type of ['open', 'welcome']) connection.addEventListener(type, () => created.links.forEach((link) => link.opened()));
    connection.addEventListener('close', (event) => {
      const { code, reason } = (event as CustomEvent<WsCloseDetail>).detail;
      created.links.forEach((link) => link.closed(code, reason));
    });
    shared.set(key, (entry = created));
  }
  clearTimeout(entry.timer);
  return entry;
}

/** A link is gone; the last one's leaving closes the connection after the grace period, as on a page. */
function release(entry: Shared, link: Link): void {
  entry.links.delete(link);
  if (entry.links.size > 0) return;
  entry.timer = setTimeout(() => {
    shared.delete(entry.connection.urls.join(' '));
    entry.connection.close();
  }, GRACE_PERIOD);
}

/** What one link asked of one topic: it forwards what the shared connection delivers as the server's messages. */
class LinkSubscriber implements ConnectionSubscriber {
  readonly conditions = [];
  constructor(
    readonly link: Link,
    readonly topic: string | undefined,
    readonly since?: Position,
    readonly history?: number,
  ) {}

  deliver(data: unknown, message: unknown, pos?: Position): void {
    if (this.topic === undefined) {
      // Raw elements of the tab get what is not the protocol's: the protocol reaches the tab through its topics.
      if (!readServerMessage(message)) this.link.send(typeof message === 'string' ? message : JSON.stringify(message));
      return;
    }
    // A late state subscriber gets the state without a message: it travels as a snapshot.
    this.link.sendBatched((message as ServerMessage | undefined) ?? { type: 'snapshot', topic: this.topic, pos: pos!, data: data as never });
  }

  linkChanged(): void {}

  topicChanged(change: 'subscribed' | 'reset'): void {
    const topic = this.topic!;
    const pos = this.link.entry.connection.positionOf(topic) ?? '0:0';
    this.link.send(change === 'reset' ? { type: 'reset', topic, pos } : { type: 'subscribed', topic, pos, recovered: true });
  }

  topicFailed({ kind, code, message }: WsErrorDetail): void {
    // A server that never says `welcome` is found by the tab's own connection.
    if (kind === 'server') this.link.send({ type: 'error', code: code as never, message, topic: this.topic });
  }
}

/** One tab connection's link to a shared connection. */
class Link {
  readonly entry: Shared;
  readonly #tab: Tab;
  readonly #id: number;
  readonly #topics = new Map<string, LinkSubscriber>();
  readonly #raw: LinkSubscriber;
  /** The tab's side is open. */
  #open = false;
  /** The tab asked to connect while the shared connection was not open. */
  #waiting = false;
  /** The open link heard `welcome`. */
  #greeted = false;
  /** Topic messages of this turn, posted together. */
  readonly #batch: ServerMessage[] = [];

  constructor(tab: Tab, id: number, options: ConnectionOptions) {
    this.#tab = tab;
    this.#id = id;
    this.entry = acquire(options);
    this.entry.links.add(this);
    this.#raw = new LinkSubscriber(this, undefined);
    this.entry.connection.add(this.#raw);
    this.connect(options);
  }

  /** The tab connects (again): open at once where the shared connection is, else when it opens. */
  connect({ token }: ConnectionOptions): void {
    this.#useToken(token);
    this.#waiting = true;
    this.entry.connection.start();
    if (this.entry.connection.state === 'open') this.opened();
  }

  /**
   * The shared connection opened: so does a waiting link. Once it is in topic mode (its `welcome` may come after the
   * socket opened), the link hears `welcome` with the shared session's id.
   */
  opened(): void {
    if (this.#waiting) {
      this.#waiting = this.#greeted = false;
      this.#open = true;
      this.#tab.post({ l: this.#id, o: 1 });
    }
    const id = this.entry.connection.session;
    if (!this.#open || this.#greeted || id === undefined) return;
    this.#greeted = true;
    this.send({ type: 'welcome', id, resume: id });
  }

  /**
   * The shared socket closed: an open link closes with its code, and its tab's connection retries as it would; a tab
   * already waiting waits on, unless the shared connection gave up.
   */
  closed(code: number, reason: string): void {
    if (!this.#open && !(this.#waiting && this.entry.connection.state === 'failed')) return;
    this.#flush();
    this.#open = this.#waiting = false;
    this.#tab.post({ l: this.#id, x: [code, reason] });
  }

  /** Sends one message (or raw text) to the tab, while the link is open, after the batch that waits. */
  send(message: ServerMessage | string): void {
    this.#flush();
    if (this.#open) this.#tab.post({ l: this.#id, t: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /**
   * Sends a topic's message with the others of this turn as one batch, as the server packs them: one post and one
   * parse in the tab for a whole socket frame, not one per message.
   */
  sendBatched(message: ServerMessage): void {
    if (!this.#open) return;
    if (this.#batch.push(message) === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const batch = this.#batch.splice(0);
    if (batch.length > 0 && this.#open) this.#tab.post({ l: this.#id, t: JSON.stringify(batch.length === 1 ? batch[0] : batch) });
  }

  /** One frame from the tab's connection. */
  receive(text: string): void {
    const { connection } = this.entry;
    const message = parse(text);
    switch (message?.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'auth':
        return this.#useToken(message.token);
      case 'subscribe':
        return this.#subscribe(new LinkSubscriber(this, message.topic, message.since, message.history));
      case 'unsubscribe':
        return this.#unsubscribe(message.topic);
      case 'publish':
        // Without an id there is no ack to route: it goes out as it came.
        if (message.id !== undefined) return this.#publish(message as typeof message & { id: MessageId });
        void connection.send(text);
        return;
      default:
        void connection.send(text);
    }
  }

  /** Ends the link: everything it held is released. */
  end(): void {
    for (const topic of [...this.#topics.keys()]) this.#unsubscribe(topic);
    this.entry.connection.remove(this.#raw);
    release(this.entry, this);
  }

  /** A repeated `subscribe` (a late joiner in the tab, or after a reconnect) joins before the old one leaves. */
  #subscribe(subscriber: LinkSubscriber): void {
    const previous = this.#topics.get(subscriber.topic!);
    this.#topics.set(subscriber.topic!, subscriber);
    this.entry.connection.add(subscriber);
    if (previous) this.entry.connection.remove(previous);
  }

  /** A tab's token (a new one, or the first where the shared socket has none) is the shared socket's from now on. */
  #useToken(token: string | undefined): void {
    if (token !== undefined && token !== this.entry.token) this.entry.connection.setToken((this.entry.token = token));
  }

  #unsubscribe(topic: string): void {
    const subscriber = this.#topics.get(topic);
    this.#topics.delete(topic);
    if (subscriber) this.entry.connection.remove(subscriber);
  }

  #publish(message: ClientMessage & { type: 'publish'; id: MessageId }): void {
    const { publishing, connection } = this.entry;
    if (publishing.has(message.id)) return;
    publishing.add(message.id);
    const { id } = message;
    connection.publish(message, PUBLISH_TIMEOUT).then(
      (pos) => this.send({ type: 'ack', id, pos }),
      (error: unknown) => error instanceof PublishError && error.kind === 'server'
        && this.send({ type: 'error', id, code: (error.code ?? 'invalid') as never, message: error.message }),
    ).finally(() => publishing.delete(id));
  }
}

function parse(text: string): ClientMessage | undefined {
  try {
    const message = JSON.parse(text) as ClientMessage | null;
    return typeof message === 'object' && message !== null ? message : undefined;
  } catch {
    return undefined;
  }
}

/** One tab: its port, its links, and whether it answered the last ping. */
class Tab {
  readonly #port: MessagePort;
  readonly #links = new Map<number, Link>();
  answered = true;

  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (event: MessageEvent<TabMessage>) => this.#received(event.data);
    tabs.add(this);
    // At once, so the tab knows a host is there.
    this.post({ p: 1 });
  }

  post(message: HostMessage): void {
    this.#port.postMessage(message);
  }

  /** The tab left, or stopped answering: every link it had ends. */
  end(): void {
    tabs.delete(this);
    for (const link of this.#links.values()) link.end();
    this.#links.clear();
    this.#port.close();
  }

  #received(message: TabMessage): void {
    this.answered = true;
    if ('bye' in message) return this.end();
    if (!('l' in message)) return;
    const link = this.#links.get(message.l);
    if ('t' in message) return link?.receive(message.t);
    if ('c' in message) return link ? link.connect(message.c) : void this.#links.set(message.l, new Link(this, message.l, message.c));
    link?.end();
    this.#links.delete(message.l);
  }
}

/** Makes this shared worker the host: it serves every tab that connects, and pings them to find the ones gone. */
export function startHost(scope: { onconnect: ((event: MessageEvent) => void) | null }): void {
  scope.onconnect = (event) => new Tab(event.ports[0]);
  setInterval(() => {
    for (const tab of tabs) {
      if (!tab.answered) tab.end();
      else {
        tab.answered = false;
        tab.post({ p: 1 });
      }
    }
  }, PING_EVERY);
}
