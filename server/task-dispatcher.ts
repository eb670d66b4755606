/**
 * Hands the tasks of `tasks/<name>` queues to the `<ws-worker>` connections
 * of this server (SPEC 3.5): each worker gets up to its `concurrency` at
 * once, the least loaded first (in proportion to its concurrency), so
 * workers share a queue fairly. A task whose worker leaves, fails it or
 * passes its deadline goes back to the front of the queue; after its last
 * attempt it fails for good with every reason. A result that arrives for a
 * task no longer assigned to its sender is ignored and counted. The waiting
 * tasks live in the broker's `TaskQueue`; what runs where lives here, with
 * the sockets.
 */
import { randomBytes } from 'node:crypto';
import type { Json, MessageId } from '../src/core/protocol.js';
import type { QueuedTask, TaskQueue } from './broker/broker.js';
import type { Refusal } from './feeds/feed.js';
import type { ServerStats } from './stats.js';
import { messageText } from './wire.js';

/** A connection that offers to run tasks. */
export interface TaskWorker {
  /** Sends one `task` message (wire text) to the worker. */
  sendTask(text: string): void;
}

/** How one task is run; `submit`'s options. */
export interface SubmitOptions {
  /** Milliseconds a worker has for one attempt (default: the server's `taskDeadline`). */
  deadline?: number;
  /** Attempts before it fails for good (default: the server's `taskAttempts`). */
  attempts?: number;
  /** Checks an output before it is accepted: a reason makes it a failed attempt. */
  validate?: (output: Json) => string | undefined;
}

/** What a task queue reports on its topic: progress, and each task's outcome. */
export type TaskEvent =
  | { id: string; progress: number }
  | { id: string; output: Json; ms: number }
  | { id: string; error: string };

/** A task that ran out of attempts: its message lists every attempt's reason. */
class TaskFailedError extends Error {
  constructor(readonly id: string, readonly reasons: readonly string[]) {
    super(`task ${id} failed ${reasons.length} time(s): ${reasons.join('; ')}`);
    this.name = 'TaskFailedError';
  }
}

/** What the dispatcher is given to work with. */
export interface DispatcherContext {
  queue: TaskQueue;
  stats: ServerStats;
  defaults: { taskDeadline: number; taskAttempts: number; maxQueuedTasks: number };
  /** Publishes a queue's event on its topic. */
  publish(topic: string, event: TaskEvent): Promise<unknown>;
  /** Reports a fault that has no client to answer. */
  report: (error: unknown) => void;
}

/** One connection's offer on one queue. */
interface WorkerSlot {
  readonly worker: TaskWorker;
  readonly topic: string;
  concurrency: number;
  readonly running: Set<string>;
  /** When it was last given a task (a counter), so equally loaded workers take turns. */
  lastGiven: number;
}

/** A task out with a worker. */
interface Assignment {
  readonly task: QueuedTask;
  readonly slot: WorkerSlot;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  /** When its progress was last published. */
  progressAt: number;
}

/** Progress of one task is published at most this often: a worker reporting every row does not flood the topic. */
const PROGRESS_EVERY_MS = 100;

/** The submitter waiting for a task's outcome. */
interface Submission {
  resolve(output: Json): void;
  reject(error: Error): void;
  validate?: (output: Json) => string | undefined;
}

/** Ids of tasks taken back from a worker, remembered so its late result is recognised (bounded). */
const REMEMBERED_TAKEN = 1000;

export class TaskDispatcher {
  private readonly slots = new Map<TaskWorker, Map<string, WorkerSlot>>();
  private readonly assigned = new Map<string, Assignment>();
  private readonly submissions = new Map<string, Submission>();
  /** Task ids taken back from each worker (deadline passed), whose results would arrive late. */
  private readonly taken = new WeakMap<TaskWorker, Set<string>>();
  private readonly pumping = new Set<string>();
  private readonly pumpAgain = new Set<string>();
  private readonly workerListeners = new Set<(topic: string, workers: number) => void>();
  private turns = 0;
  private closed = false;

  constructor(private readonly context: DispatcherContext) {}

  /** Queues a task; resolves to its output, rejects with `TaskFailedError` after its last attempt or when the queue is full. */
  async submit(topic: string, input: Json, options: SubmitOptions = {}): Promise<Json> {
    const { defaults, queue } = this.context;
    if (this.closed) throw new Error('the server is closed');
    const task: QueuedTask = {
      id: randomBytes(9).toString('base64url'),
      topic,
      input,
      attempts: Math.max(1, options.attempts ?? defaults.taskAttempts),
      deadline: options.deadline ?? defaults.taskDeadline,
      failures: [],
    };
    const outcome = new Promise<Json>((resolve, reject) => {
      this.submissions.set(task.id, { resolve, reject, validate: options.validate });
    });
    if (!(await queue.enqueue(task, defaults.maxQueuedTasks))) {
      this.submissions.delete(task.id);
      throw new Error(`task queue "${topic}" is full: ${defaults.maxQueuedTasks} tasks already wait (--max-queued-tasks)`);
    }
    this.pump(topic);
    return outcome;
  }

  /** A worker offers `concurrency` slots on a queue; 0 withdraws it (its running tasks go on). */
  offer(worker: TaskWorker, topic: string, concurrency: number): void {
    let slots = this.slots.get(worker);
    if (!slots) this.slots.set(worker, (slots = new Map<string, WorkerSlot>()));
    const slot = slots.get(topic);
    const before = this.workerCount(topic);
    if (slot) slot.concurrency = concurrency;
    else if (concurrency > 0) slots.set(topic, { worker, topic, concurrency, running: new Set(), lastGiven: 0 });
    if (slot && concurrency === 0 && slot.running.size === 0) slots.delete(topic);
    if (this.workerCount(topic) !== before) this.workersChanged(topic);
    this.pump(topic);
  }

  /** A worker's `progress` for a task it runs; published on the task's topic, at most every `PROGRESS_EVERY_MS`. */
  progress(worker: TaskWorker, id: MessageId, value: number): Refusal | undefined {
    const assignment = this.assignmentOf(worker, id);
    if (!assignment) return this.wasTaken(worker, id) ? undefined : unknownTask(id);
    const now = Date.now();
    if (now - assignment.progressAt < PROGRESS_EVERY_MS) return undefined;
    assignment.progressAt = now;
    this.publish(assignment.task.topic, { id: assignment.task.id, progress: value });
    return undefined;
  }

  /** A worker's `result`: the task is done, unless its output fails validation (then a failed attempt). */
  result(worker: TaskWorker, id: MessageId, output: Json): Refusal | undefined {
    const assignment = this.assignmentOf(worker, id);
    if (!assignment) return this.unknownTask(worker, id);
    const { task, startedAt } = assignment;
    const submission = this.submissions.get(task.id);
    const fault = submission?.validate?.(output);
    if (fault !== undefined) {
      this.attemptFailed(assignment, `invalid output: ${fault}`);
      return { code: 'invalid', message: `task ${task.id}: invalid output: ${fault}` };
    }
    this.release(assignment);
    this.pump(task.topic);
    this.submissions.delete(task.id);
    this.publish(task.topic, { id: task.id, output, ms: Date.now() - startedAt });
    submission?.resolve(output);
    return undefined;
  }

  /** A worker's `fail`: a failed attempt. */
  fail(worker: TaskWorker, id: MessageId, error: string): Refusal | undefined {
    const assignment = this.assignmentOf(worker, id);
    if (!assignment) return this.unknownTask(worker, id);
    this.attemptFailed(assignment, `worker failed: ${error}`);
    return undefined;
  }

  /** A worker's connection closed: every task it ran goes back to the queue. */
  disconnected(worker: TaskWorker): void {
    const slots = this.slots.get(worker);
    if (!slots) return;
    this.slots.delete(worker);
    for (const slot of slots.values()) {
      for (const id of [...slot.running]) {
        const assignment = this.assigned.get(id);
        if (assignment) this.attemptFailed(assignment, 'worker disconnected');
      }
      this.workersChanged(slot.topic);
    }
  }

  /** Workers offering at least one slot on a queue. */
  workerCount(topic: string): number {
    let count = 0;
    for (const slots of this.slots.values()) if ((slots.get(topic)?.concurrency ?? 0) > 0) count++;
    return count;
  }

  /** Hears every change of a queue's worker count; returns the function that stops it. */
  onWorkersChanged(listener: (topic: string, workers: number) => void): () => void {
    this.workerListeners.add(listener);
    return () => this.workerListeners.delete(listener);
  }

  /** Stops every deadline and rejects every waiting submitter (the server is closing). */
  close(): void {
    this.closed = true;
    for (const assignment of this.assigned.values()) clearTimeout(assignment.timer);
    this.assigned.clear();
    for (const submission of this.submissions.values()) submission.reject(new Error('the server closed before the task finished'));
    this.submissions.clear();
  }

  // ---- hand-out ---------------------------------------------------------------

  /** Hands waiting tasks to free slots until either runs out; one pass per queue at a time. */
  private pump(topic: string): void {
    if (this.closed) return;
    if (this.pumping.has(topic)) {
      this.pumpAgain.add(topic);
      return;
    }
    this.pumping.add(topic);
    this.handOut(topic)
      .catch((error: unknown) => this.context.report(error))
      .finally(() => {
        this.pumping.delete(topic);
        if (this.pumpAgain.delete(topic)) this.pump(topic);
      });
  }

  private async handOut(topic: string): Promise<void> {
    for (let slot = this.freeSlot(topic); slot && !this.closed; slot = this.freeSlot(topic)) {
      const task = await this.context.queue.dequeue(topic);
      if (!task) return;
      // The chosen worker may have left while the queue answered: choose again.
      const current = this.freeSlot(topic);
      if (!current) return this.context.queue.requeue(task);
      this.assign(current, task);
    }
  }

  /** The free slot with the least load relative to its concurrency; among equals, the one served longest ago. */
  private freeSlot(topic: string): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    let bestLoad = Infinity;
    for (const slots of this.slots.values()) {
      const slot = slots.get(topic);
      if (!slot || slot.running.size >= slot.concurrency) continue;
      const load = slot.running.size / slot.concurrency;
      if (load < bestLoad || (load === bestLoad && best && slot.lastGiven < best.lastGiven)) {
        best = slot;
        bestLoad = load;
      }
    }
    return best;
  }

  private assign(slot: WorkerSlot, task: QueuedTask): void {
    slot.running.add(task.id);
    slot.lastGiven = ++this.turns;
    const timer = setTimeout(() => this.deadlinePassed(task.id), task.deadline);
    timer.unref();
    this.assigned.set(task.id, { task, slot, startedAt: Date.now(), timer, progressAt: 0 });
    slot.worker.sendTask(messageText({ type: 'task', topic: task.topic, id: task.id, input: task.input }));
  }

  // ---- outcomes -----------------------------------------------------------------

  private deadlinePassed(id: string): void {
    const assignment = this.assigned.get(id);
    if (!assignment) return;
    const taken = this.taken.get(assignment.slot.worker) ?? new Set<string>();
    this.taken.set(assignment.slot.worker, taken);
    taken.add(id);
    if (taken.size > REMEMBERED_TAKEN) taken.delete(taken.values().next().value as string);
    this.attemptFailed(assignment, `no result within ${assignment.task.deadline} ms`);
  }

  /** One attempt failed: back to the queue, or failed for good after the last attempt. */
  private attemptFailed(assignment: Assignment, reason: string): void {
    const { task } = assignment;
    this.release(assignment);
    task.failures.push(reason);
    if (task.failures.length < task.attempts) {
      this.context.queue.requeue(task).then(() => this.pump(task.topic), (error: unknown) => this.context.report(error));
      return;
    }
    this.pump(task.topic);
    const error = new TaskFailedError(task.id, task.failures);
    this.publish(task.topic, { id: task.id, error: error.message });
    this.submissions.get(task.id)?.reject(error);
    this.submissions.delete(task.id);
  }

  /** The task is no longer out with its worker (the caller then pumps, so the freed slot takes another). */
  private release({ task, slot, timer }: Assignment): void {
    clearTimeout(timer);
    this.assigned.delete(task.id);
    slot.running.delete(task.id);
    const slots = this.slots.get(slot.worker);
    if (slot.concurrency === 0 && slot.running.size === 0 && slots?.get(slot.topic) === slot) slots.delete(slot.topic);
  }

  private assignmentOf(worker: TaskWorker, id: MessageId): Assignment | undefined {
    const assignment = typeof id === 'string' ? this.assigned.get(id) : undefined;
    return assignment?.slot.worker === worker ? assignment : undefined;
  }

  /** The last word on a task the worker does not hold: late (taken back from it) is ignored and counted, else refused. */
  private unknownTask(worker: TaskWorker, id: MessageId): Refusal | undefined {
    if (!this.wasTaken(worker, id)) return unknownTask(id);
    this.taken.get(worker)?.delete(id as string);
    this.context.stats.lateResults++;
    return undefined;
  }

  private wasTaken(worker: TaskWorker, id: MessageId): boolean {
    return typeof id === 'string' && (this.taken.get(worker)?.has(id) ?? false);
  }

  private workersChanged(topic: string): void {
    const count = this.workerCount(topic);
    for (const listener of this.workerListeners) listener(topic, count);
  }

  private publish(topic: string, event: TaskEvent): void {
    this.context.publish(topic, event).catch((error: unknown) => this.context.report(error));
  }
}

function unknownTask(id: MessageId): Refusal {
  return { code: 'invalid', message: `no task ${JSON.stringify(id)} is running here` };
}
