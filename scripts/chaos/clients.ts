/**
 * The chaos run's clients, plain `ws` sockets speaking the topic protocol as
 * SPEC 4 asks of any client: a subscriber that resubscribes with `since`
 * after every drop and ignores events at or before its position, and a
 * publisher that sends numbered events one at a time and, after a drop,
 * resumes its session elsewhere and re-sends the unacknowledged one with
 * the same id.
 */
import { WebSocket } from 'ws';
import { isAtOrBefore, unpackFrame, type Position } from '../../src/core/protocol.js';

/** Where a client may connect: the URL of a random instance that should be up. */
export type PickUrl = () => string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a frame's fields, read as the protocol says
type Message = Record<string, any>;

/** Delay before reconnecting, so a dead instance is not hammered. */
const RECONNECT_MS = 50;
/** Delay before retrying what Redis refused (`unavailable`). */
const RETRY_MS = 100;

/** Opens a socket and calls `onMessage` for every message of every frame; `onGone` once it closed or failed. */
function open(url: string, onMessage: (message: Message) => void, onGone: () => void): WebSocket {
  const socket = new WebSocket(url);
  let gone = false;
  const end = () => {
    if (gone) return;
    gone = true;
    onGone();
  };
  socket.on('message', (data) => {
    for (const message of unpackFrame(JSON.parse(data.toString())) as Message[]) onMessage(message);
  });
  socket.on('close', end);
  socket.on('error', () => {
    socket.terminate();
    end();
  });
  return socket;
}

export class ChaosSubscriber {
  /** The numbers received, in order of arrival. */
  readonly received: number[] = [];
  reconnects = 0;
  resets = 0;
  /** Longest time between two events (ms), outages included. */
  longestGap = 0;
  private pos: Position | undefined;
  private lastAt = 0;
  private socket: WebSocket | undefined;
  private stopped = false;

  constructor(
    private readonly topic: string,
    private readonly pickUrl: PickUrl,
  ) {}

  /** Connects and resolves once subscribed the first time. */
  start(): Promise<void> {
    return new Promise((resolve) => this.connect(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.socket?.terminate();
  }

  private connect(subscribed?: () => void): void {
    if (this.stopped) return;
    const subscribe = () => this.socket?.send(JSON.stringify({ type: 'subscribe', topic: this.topic, ...(this.pos ? { since: this.pos } : {}) }));
    this.socket = open(
      this.pickUrl(),
      (message) => {
        if (message.type === 'welcome' && this.socket) subscribe();
        else if (message.type === 'error' && message.code === 'unavailable') setTimeout(subscribe, RETRY_MS);
        else if (message.type === 'subscribed') {
          this.pos ??= message.pos;
          subscribed?.();
          subscribed = undefined;
        } else if (message.type === 'reset') {
          this.resets++;
          this.pos = message.pos;
        } else if (message.type === 'event') this.event(message);
      },
      () => {
        if (this.stopped) return;
        this.reconnects++;
        setTimeout(() => this.connect(subscribed), RECONNECT_MS);
      },
    );
  }

  private event(message: Message): void {
    if (isAtOrBefore(message.pos, this.pos)) return;
    this.pos = message.pos;
    const now = performance.now();
    if (this.lastAt > 0) this.longestGap = Math.max(this.longestGap, now - this.lastAt);
    this.lastAt = now;
    this.received.push(Number(message.data.text));
  }
}

export class ChaosPublisher {
  /** How many numbered events were acknowledged (0 … acked-1). */
  acked = 0;
  reconnects = 0;
  /** Resume keys the server did not know (a new session: publish ids start over). */
  lostSessions = 0;
  private socket: WebSocket | undefined;
  private resume: string | undefined;
  private stopping: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly topic: string,
    private readonly pickUrl: PickUrl,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.connect();
  }

  /** Stops after the event in flight is acknowledged. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.stopping = () => {
        clearTimeout(this.timer);
        this.socket?.close();
        resolve();
      };
    });
  }

  private connect(): void {
    let welcomes = 0;
    let fresh: string | undefined;
    this.socket = open(
      this.pickUrl(),
      (message) => {
        if (message.type === 'welcome') {
          welcomes++;
          // First welcome: resume the earlier session (a second welcome answers), so its publish ids carry over.
          if (welcomes === 1 && this.resume !== undefined) {
            fresh = message.resume;
            this.socket?.send(JSON.stringify({ type: 'auth', resume: this.resume }));
            return;
          }
          this.resume = message.resume;
          return this.send();
        }
        if (message.type === 'error' && message.code === 'invalid' && message.id === undefined) {
          this.lostSessions++;
          this.resume = fresh;
          return this.send();
        }
        this.answer(message);
      },
      () => {
        this.socket = undefined;
        if (this.stopping) return this.stopping();
        this.reconnects++;
        setTimeout(() => this.connect(), RECONNECT_MS);
      },
    );
  }

  private answer(message: Message): void {
    if (message.id !== this.acked) return;
    if (message.type === 'error') {
      this.timer = setTimeout(() => this.send(), RETRY_MS);
    } else if (message.type === 'ack') {
      this.acked++;
      if (this.stopping) return this.stopping();
      this.timer = setTimeout(() => this.send(), this.intervalMs);
    }
  }

  private send(): void {
    this.socket?.send(JSON.stringify({ type: 'publish', topic: this.topic, data: { text: String(this.acked) }, id: this.acked }));
  }
}
