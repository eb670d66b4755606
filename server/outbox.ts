/**
 * One connection's outgoing messages. Messages queued within the packing
 * window leave as one frame (SPEC 4.4): a single message as itself, several
 * as a JSON array of them. Messages arrive already serialized, so an event
 * broadcast to many clients is serialized once.
 *
 * The window adapts to the reader: while the socket still holds unsent
 * bytes, nothing more is written; messages gather until the last frame has
 * left, then go out as one frame. A client slower than its feed so gets
 * fewer, larger frames instead of a growing backlog of small ones, and on
 * keyed topics only the newest event per key waits (conflation). Only a
 * client whose unsent and gathered bytes pass `maxBuffer` is reported slow.
 */
import { WebSocket } from 'ws';
import type { ServerStats } from './stats.js';

export interface OutboxSettings {
  /** Milliseconds to gather messages at least; 0 = until the next event-loop turn. */
  packMs: number;
  /** Bytes that may wait for a slow client (unsent on the socket plus gathered here) before it is reported. */
  maxBuffer: number;
}

/**
 * Unsent bytes on the socket above which the client counts as behind. Node
 * hands a frame to the kernel at once when its buffer has room, so anything
 * left here means the kernel's buffer, and the client behind it, is full.
 */
const BEHIND_BYTES = 0;
/** How often a held outbox looks at its socket when none of its own frames is in flight to say when it drained. */
const DRAIN_POLL_MS = 5;

export class Outbox {
  /** Queued messages in order; a slot emptied by conflation is undefined. */
  private parts: (string | undefined)[] = [];
  /** Emptied slots in `parts`. */
  private emptied = 0;
  /** Bytes of the messages queued. */
  private queuedBytes = 0;
  /** Where the newest queued message of each conflation key sits in `parts`. */
  private newestOfKey = new Map<string, number>();
  private scheduled = false;
  /** True while the socket is behind: messages gather and conflate until it drains. */
  private held = false;
  /** Frames handed to the socket whose write has not completed. */
  private framesInFlight = 0;
  private overflowed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly settings: OutboxSettings,
    private readonly stats: ServerStats,
    private readonly onOverflow: () => void,
  ) {}

  /** Sends one message in a frame of its own at once (the first `welcome`, which clients read before unpacking arrays). */
  sendAlone(text: string): void {
    this.flush();
    if (!this.writable()) return;
    this.stats.messagesOut++;
    this.write(text);
  }

  /**
   * Queues one serialized message for the next frame. With `conflationKey`
   * (topic and key of a keyed event), a message still queued for the same key
   * while the client is behind is dropped: only the newest waits, in the
   * place of its own arrival, so positions and each key's order are kept.
   */
  push(text: string, conflationKey?: string): void {
    if (!this.writable()) return;
    this.stats.messagesOut++;
    if (conflationKey !== undefined) {
      if (this.held) this.dropQueued(conflationKey);
      this.newestOfKey.set(conflationKey, this.parts.length);
    }
    this.parts.push(text);
    this.queuedBytes += text.length;
    if (this.held) {
      this.checkOverflow();
      return;
    }
    this.schedule();
  }

  /** Sends what is queued as one frame now, unless the socket is still behind. */
  flush(): void {
    this.scheduled = false;
    if (this.queuedBytes === 0 || !this.writable()) return;
    if (this.socket.bufferedAmount > BEHIND_BYTES) {
      this.held = true;
      if (this.checkOverflow() && this.framesInFlight === 0) setTimeout(() => this.drained(), DRAIN_POLL_MS);
      return;
    }
    this.held = false;
    const parts = this.emptied === 0 ? this.parts : this.parts.filter((part) => part !== undefined);
    const frame = parts.length === 1 ? (parts[0] as string) : `[${parts.join(',')}]`;
    this.clear();
    this.write(frame);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.settings.packMs > 0) setTimeout(() => this.flush(), this.settings.packMs);
    else setImmediate(() => this.flush());
  }

  private write(frame: string): void {
    this.framesInFlight++;
    this.socket.send(frame, () => {
      this.framesInFlight--;
      if (this.framesInFlight === 0) this.drained();
    });
  }

  /** The socket may have room again: a held outbox sends what gathered, keeping `packMs` as the floor. */
  private drained(): void {
    if (!this.held) return;
    if (this.settings.packMs > 0) this.schedule();
    else this.flush();
  }

  private dropQueued(conflationKey: string): void {
    const index = this.newestOfKey.get(conflationKey);
    if (index === undefined) return;
    this.queuedBytes -= (this.parts[index] as string).length;
    this.parts[index] = undefined;
    this.emptied++;
    this.newestOfKey.delete(conflationKey);
    if (this.emptied > 1024 && this.emptied > this.parts.length / 2) this.compact();
  }

  /** Drops emptied slots, so a client behind for long does not hold one per event it was spared. */
  private compact(): void {
    const kept: string[] = [];
    const keyAt = new Map<number, string>();
    for (const [key, index] of this.newestOfKey) keyAt.set(index, key);
    this.newestOfKey.clear();
    this.parts.forEach((part, index) => {
      if (part === undefined) return;
      const key = keyAt.get(index);
      if (key !== undefined) this.newestOfKey.set(key, kept.length);
      kept.push(part);
    });
    this.parts = kept;
    this.emptied = 0;
  }

  /** Reports the client slow when what waits for it passes `maxBuffer`; false once reported. */
  private checkOverflow(): boolean {
    if (this.socket.bufferedAmount + this.queuedBytes <= this.settings.maxBuffer) return true;
    this.overflowed = true;
    this.clear();
    this.onOverflow();
    return false;
  }

  private clear(): void {
    this.parts = [];
    this.emptied = 0;
    this.queuedBytes = 0;
    this.newestOfKey.clear();
  }

  private writable(): boolean {
    if (this.overflowed || this.socket.readyState !== WebSocket.OPEN) {
      if (this.queuedBytes > 0) this.clear();
      return false;
    }
    return true;
  }
}
