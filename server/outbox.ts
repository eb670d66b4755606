/**
 * One connection's outgoing messages. Messages queued within the packing
 * window leave as one frame (SPEC 4.4): a single message as itself, several
 * as a JSON array of them. Messages arrive already serialized, so an event
 * broadcast to many clients is serialized once. A client that reads too
 * slowly is reported instead of letting its buffer grow.
 */
import { WebSocket } from 'ws';
import type { ServerStats } from './stats.js';

export interface OutboxSettings {
  /** Milliseconds to gather messages; 0 = until the next event-loop turn. */
  packMs: number;
  /** Bytes the socket may hold unsent before the client counts as slow. */
  maxBuffer: number;
}

export class Outbox {
  private parts: string[] = [];
  private scheduled = false;
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
    this.socket.send(text);
  }

  /** Queues one serialized message for the next packed frame. */
  push(text: string): void {
    if (!this.writable()) return;
    this.stats.messagesOut++;
    this.parts.push(text);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.settings.packMs > 0) setTimeout(() => this.flush(), this.settings.packMs);
    else setImmediate(() => this.flush());
  }

  /** Sends what is queued as one frame now. */
  flush(): void {
    this.scheduled = false;
    if (this.parts.length === 0 || !this.writable()) return;
    const frame = this.parts.length === 1 ? this.parts[0] : `[${this.parts.join(',')}]`;
    this.parts = [];
    const buffered = this.socket.bufferedAmount;
    // One frame always goes out to an idle socket, so a large snapshot is not mistaken for a slow reader.
    if (buffered > 0 && buffered + frame.length > this.settings.maxBuffer) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    this.socket.send(frame);
  }

  private writable(): boolean {
    if (this.overflowed || this.socket.readyState !== WebSocket.OPEN) {
      this.parts.length = 0;
      return false;
    }
    return true;
  }
}
