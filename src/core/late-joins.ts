/**
 * Elements that join a topic their connection already receives (SPEC 3.2
 * "late joiners", 4.1): each sent its own repeated `subscribe` and waits
 * outside the router for the answer, gets that replay alone, and keeps the
 * live messages that arrive meanwhile, so it sees every event once and in
 * order while the elements already there see nothing twice.
 */
import type { Position } from './protocol.js';
import type { Subscriber } from './router.js';

/** One late joiner and the live messages it holds until its replay ends. */
export interface Joiner<S extends Subscriber = Subscriber> {
  readonly subscriber: S;
  readonly held: [data: unknown, message: unknown, pos: Position][];
}

/** The late joiners of one connection, by topic. */
export class LateJoins<S extends Subscriber> {
  /** Per topic, the `subscribe`s awaiting their answer, in the order sent: a joiner, or undefined for the connection's own. */
  readonly #queues = new Map<string, (Joiner<S> | undefined)[]>();

  /** A joiner's `subscribe` went out; `behindOwn`: the connection's own `subscribe` of the topic is still unanswered. */
  wait(topic: string, subscriber: S, behindOwn: boolean): void {
    let queue = this.#queues.get(topic);
    if (!queue) this.#queues.set(topic, (queue = behindOwn ? [undefined] : []));
    queue.push({ subscriber, held: [] });
  }

  /** The joiner the replay now arriving is for, if any. */
  current(topic: string): S | undefined {
    return this.#queues.get(topic)?.[0]?.subscriber;
  }

  /** True while some joiner of `topic` waits. */
  waiting(topic: string): boolean {
    return this.#queues.get(topic)?.some(Boolean) ?? false;
  }

  /** A live message of `topic`: every waiting joiner keeps it for later. */
  hold(topic: string, data: unknown, message: unknown, pos: Position): void {
    for (const joiner of this.#queues.get(topic) ?? []) joiner?.held.push([data, message, pos]);
  }

  /** `subscribed` came for `topic`: the joiner it answers (undefined: the connection's own subscribe). */
  answered(topic: string): Joiner<S> | undefined {
    const queue = this.#queues.get(topic);
    const joiner = queue?.shift();
    if (queue?.length === 0) this.#queues.delete(topic);
    return joiner;
  }

  /** A joiner left before its answer; false when `subscriber` was not waiting. */
  leave(subscriber: S): boolean {
    const queue = subscriber.topic === undefined ? undefined : this.#queues.get(subscriber.topic);
    const index = queue?.findIndex((joiner) => joiner?.subscriber === subscriber) ?? -1;
    // Its answer still comes: the slot stays, empty.
    if (index >= 0) queue![index] = undefined;
    return index >= 0;
  }

  /** The socket closed: every waiting joiner, to join as any subscriber does when the topic is subscribed again. */
  takeAll(): Joiner<S>[] {
    const all = [...this.#queues.values()].flat().filter((joiner): joiner is Joiner<S> => joiner !== undefined);
    this.#queues.clear();
    return all;
  }
}
