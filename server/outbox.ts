/**
 * One connection's outgoing messages. Messages queued within the packing
 * window leave as one frame (SPEC 4.4): a single message as itself, several
 * as a JSON array of them. Messages arrive already serialized, so an event
 * broadcast to many clients is serialized once.
 *
 * The window adapts to the reader (SPEC 4.4): every frame is followed by a
 * WebSocket ping, and until its pong shows the client has read the frame,
 * nothing more is written; messages gather and leave as one frame when it
 * comes. The socket's own `bufferedAmount` would not do: the kernel's
 * buffers on both ends hold megabytes, so a browser can be seconds behind
 * while it reads zero. A client slower than its feed so gets fewer, larger
 * frames instead of a growing backlog of small ones, and on keyed topics
 * only the newest event per key waits (conflation). Only a client whose
 * unsent and gathered bytes pass `maxBuffer` is reported slow.
 */
import { WebSocket } from 'ws';
import type { ServerStats } from './stats.js';

export interface OutboxSettings {
  /** Milliseconds to gather messages at least; 0 = until the next event-loop turn. */
  packMs: number;
  /** Bytes that may wait for a slow client (unsent on the socket plus gathered here) before it is reported. */
  maxBuffer: number;
}

/** Slots emptied by conflation that may pile up before the queue is compacted (when they are also most of it). */
const COMPACT_AFTER = 1024;

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
  /** True while a frame was due before the client confirmed the last: messages gather and conflate. */
  private held = false;
  /** True from a frame's write until the client answers the ping sent after it. */
  private unconfirmed = false;
  private overflowed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly settings: OutboxSettings,
    private readonly stats: ServerStats,
    private readonly onOverflow: () => void,
  ) {
    socket.on('pong', () => this.confirmed());
  }

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

  /** Sends what is queued as one frame now, unless the client has not yet confirmed the last one. */
  flush(): void {
    this.scheduled = false;
    if (this.queuedBytes === 0 || !this.writable()) return;
    if (this.unconfirmed) {
      this.held = true;
      this.checkOverflow();
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

  /**
   * Writes a frame and a ping behind it. Until the pong comes back the
   * frame may still sit unread in this socket's buffer, the kernel's on
   * either side or the browser's, so the outbox holds what follows.
   */
  private write(frame: string): void {
    this.socket.send(frame);
    this.socket.ping();
    this.unconfirmed = true;
  }

  /** The client read everything written so far: a held outbox sends what gathered, keeping `packMs` as the floor. */
  private confirmed(): void {
    this.unconfirmed = false;
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
    if (this.emptied > COMPACT_AFTER && this.emptied > this.parts.length / 2) this.compact();
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
