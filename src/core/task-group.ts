/**
 * The `<ws-worker>` elements of one connection that work on one queue
 * (SPEC 3.5). The server knows a connection, not its elements, so they offer
 * their slots together: one `work` with the sum of their concurrencies, sent
 * whenever it changes and after every (re)open, and each `task` goes to the
 * member with the most free slots.
 */
import type { Connection, ConnectionSubscriber } from './connection.js';
import type { ClientMessage, Json, MessageId } from './protocol.js';

/** One element's part in a group. */
export interface TaskMember {
  /** Slots it offers: its concurrency, 0 while paused. */
  readonly capacity: number;
  /** Tasks it runs now. */
  readonly busy: number;
  /** Starts a task. */
  run(id: MessageId, input: Json): void;
  /** The connection dropped: stop every task (the server takes them back). */
  dropAll(): void;
}

const groups = new WeakMap<Connection, Map<string, TaskGroup>>();

export class TaskGroup implements ConnectionSubscriber {
  /** A raw subscriber: `task` messages are not a topic's events. */
  readonly topic = undefined;
  readonly conditions = [];
  readonly #connection: Connection;
  readonly #queue: string;
  readonly #members = new Set<TaskMember>();
  #open = false;
  /** The concurrency last sent on this socket; -1 when none was. */
  #offered = -1;

  private constructor(connection: Connection, queue: string) {
    this.#connection = connection;
    this.#queue = queue;
  }

  /** The group of `queue` on `connection`, which `member` joins. */
  static join(connection: Connection, queue: string, member: TaskMember): TaskGroup {
    let byQueue = groups.get(connection);
    if (!byQueue) groups.set(connection, (byQueue = new Map<string, TaskGroup>()));
    const existing = byQueue.get(queue);
    const group = existing ?? new TaskGroup(connection, queue);
    group.#members.add(member);
    if (existing) group.offer();
    else {
      byQueue.set(queue, group);
      // Adding tells the group whether the link is open, which sends the first offer.
      connection.add(group);
    }
    return group;
  }

  /** `member` leaves; the last one out withdraws the connection from the queue. */
  leave(member: TaskMember): void {
    if (!this.#members.delete(member)) return;
    this.offer();
    if (this.#members.size > 0) return;
    groups.get(this.#connection)?.delete(this.#queue);
    this.#connection.remove(this);
  }

  /** Sends the members' total concurrency if it changed. */
  offer(): void {
    let concurrency = 0;
    for (const member of this.#members) concurrency += member.capacity;
    if (!this.#open || concurrency === this.#offered) return;
    this.#offered = concurrency;
    this.send({ type: 'work', topic: this.#queue, concurrency });
  }

  /** Sends a task report (or the offer) while the connection is open; what would be sent while closed is moot: the server took the tasks back. */
  send(message: ClientMessage): void {
    if (this.#open) void this.#connection.send(message);
  }

  deliver(message: unknown): void {
    const task = message as { type?: unknown; topic?: unknown; id: MessageId; input: Json };
    if (task.type !== 'task' || task.topic !== this.#queue) return;
    let chosen: TaskMember | undefined;
    for (const member of this.#members) {
      if (member.capacity - member.busy > (chosen ? chosen.capacity - chosen.busy : 0)) chosen = member;
    }
    if (chosen) chosen.run(task.id, task.input);
    else this.send({ type: 'fail', id: task.id, error: 'no free slot on this page' });
  }

  linkChanged(open: boolean): void {
    this.#open = open;
    this.#offered = -1;
    if (open) this.offer();
    else for (const member of this.#members) member.dropAll();
  }

  topicChanged(): void {}

  topicFailed(): void {}
}
