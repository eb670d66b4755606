/**
 * A real `ws` client for the server tests: it records every frame and every
 * message (unpacking array frames once `welcome` came, as SPEC 4.4 says)
 * and waits for conditions with generous timeouts instead of sleeping.
 */
import { WebSocket, type ClientOptions } from 'ws';
import { unpackFrame } from '../../src/core/protocol.js';

/** A server message as the tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any field of a frame and assert on it
export type Message = Record<string, any>;

export interface Closure {
  code: number;
  reason: string;
}

const TIMEOUT_MS = 10000;

/** Polls `condition` until it returns something truthy; fails naming `what` after `timeout` ms. */
export async function waitUntil<T>(condition: () => T, what: string, timeout = TIMEOUT_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export class TestClient {
  /** Every text frame received, as sent. */
  readonly frames: string[] = [];
  /** Every message received, batches unpacked. */
  readonly messages: Message[] = [];
  /** Set once the socket closed. */
  closure: Closure | undefined;
  private welcomed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
    });
    socket.on('close', (code, reason) => {
      this.closure = { code, reason: reason.toString() };
    });
    socket.on('error', () => undefined);
  }

  /** Opens a connection; resolves once it is open (or rejects when the upgrade is refused). */
  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens a connection and waits for its `welcome`. */
  static async welcomed(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const client = await TestClient.connect(url, options);
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    return client;
  }

  /** The latest `welcome`. */
  get welcome(): Message {
    const welcomes = this.messages.filter((m) => m.type === 'welcome');
    return welcomes[welcomes.length - 1];
  }

  /** Sends a message (objects as JSON, strings as they are). */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Messages that satisfy `predicate`, oldest first. */
  all(predicate: (message: Message) => boolean): Message[] {
    return this.messages.filter(predicate);
  }

  /** Waits for the first message that satisfies `predicate`. */
  waitFor(predicate: (message: Message) => boolean, what: string, timeout = TIMEOUT_MS): Promise<Message> {
    return waitUntil(() => this.messages.find(predicate), what, timeout);
  }

  /** Waits until `count` messages satisfy `predicate`; returns them. */
  async waitForCount(predicate: (message: Message) => boolean, count: number, what: string, timeout = TIMEOUT_MS): Promise<Message[]> {
    await waitUntil(() => this.all(predicate).length >= count, `${count} × ${what}`, timeout);
    return this.all(predicate);
  }

  /** Waits for the socket to close; resolves to its code and reason. */
  waitForClose(timeout = TIMEOUT_MS): Promise<Closure> {
    return waitUntil(() => this.closure, 'the socket to close', timeout);
  }

  /** Sends a ping and waits for its pong: everything sent before it has been handled. */
  async roundTrip(): Promise<void> {
    const pongs = this.all((m) => m.type === 'pong').length;
    this.send({ type: 'ping' });
    await this.waitForCount((m) => m.type === 'pong', pongs + 1, 'pong');
  }

  /** Subscribes and waits for `subscribed` (or an error) for that topic; returns the answer. */
  async subscribe(topic: string, extra: Record<string, unknown> = {}): Promise<Message> {
    const before = this.messages.length;
    this.send({ type: 'subscribe', topic, ...extra });
    return waitUntil(
      () => this.messages.slice(before).find((m) => (m.type === 'subscribed' || m.type === 'error') && m.topic === topic),
      `subscribed to ${topic}`,
    );
  }

  /** Publishes with an id and waits for its `ack` or `error`. */
  async publish(topic: string, data: unknown, id: string | number): Promise<Message> {
    this.send({ type: 'publish', topic, data, id });
    return this.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === id, `answer to publish ${id}`);
  }

  /** Closes cleanly (1000) and waits for the close to finish. */
  async close(code = 1000): Promise<void> {
    if (!this.closure) this.socket.close(code);
    await this.waitForClose();
  }

  /** Drops the TCP connection without a close frame. */
  drop(): void {
    this.socket.terminate();
  }

  private receive(text: string): void {
    this.frames.push(text);
    const decoded = JSON.parse(text);
    const messages = this.welcomed ? unpackFrame(decoded) : [decoded];
    for (const message of messages as Message[]) {
      if (message.type === 'welcome') this.welcomed = true;
      this.messages.push(message);
    }
  }
}
