/**
 * What a connection remembers about each topic it subscribes to: the last
 * position it applied (sent as `since` after a reconnect), a state topic's
 * local copy, and whether the server confirmed the subscription on the
 * current socket.
 */
import { applyMergePatch } from './merge-patch.js';
import { earliestPosition, isAtOrBefore, type Position, type TopicDataMessage } from './protocol.js';

/** Per-topic memory of one connection. */
export class TopicMemory {
  /** The last position applied; events at or before it are dropped. */
  pos: Position | undefined;
  /** A state topic's current state, built from `snapshot` and `patch`. */
  state: unknown;
  /** True once a `snapshot` or `patch` showed this is a state topic. */
  isState = false;
  /** Set when the server confirmed the subscription on the current socket. */
  confirmed = false;
  /** The socket (by sequence number) the last `subscribe` went out on. */
  sentOn = -1;

  /** The position to subscribe from: our own, else the earliest element `since`. */
  since(elementSince: Iterable<Position | undefined>): Position | undefined {
    if (this.pos !== undefined) return this.pos;
    let earliest: Position | undefined;
    for (const since of elementSince) earliest = earliestPosition(earliest, since);
    return earliest;
  }

  /**
   * Applies a data message unless it is at or before what was applied;
   * false when the message was dropped. Subscribers then read `dataOf(message)`.
   */
  apply(message: TopicDataMessage): boolean {
    if (isAtOrBefore(message.pos, this.pos)) return false;
    this.pos = message.pos;
    if (message.type === 'event') return true;
    this.isState = true;
    this.state = message.type === 'snapshot' ? message.data : applyMergePatch(this.state, message.data);
    return true;
  }

  /** What subscribers read of an applied message: an event's data, or the state it led to. */
  dataOf(message: TopicDataMessage): unknown {
    return message.type === 'event' ? message.data : this.state;
  }

  /** Takes the server's position after `subscribed` or `reset`. */
  advanceTo(pos: Position): void {
    if (!isAtOrBefore(pos, this.pos)) this.pos = pos;
  }
}
