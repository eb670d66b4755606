/**
 * The work loop of one `<ws-worker>` (SPEC 3.5): it joins its connection's
 * `TaskGroup` for its queue and runs each task it is handed in a module Web
 * Worker that imports the author's module and calls its default export with
 * `(input, {signal, progress})`; it reports `progress`, `result` or `fail`.
 * The Web Worker is a fixed runner script made into a `blob:` URL (the one
 * file has no other file to start it from, and nothing in it is evaluated
 * from a string); it runs only the author's module, never code from the
 * socket. Workers are reused for the next task and terminated when a task is
 * cancelled.
 */
import type { Connection } from './connection.js';
import { errorMessage } from './errors.js';
import type { Json, MessageId } from './protocol.js';
import { TaskGroup, type TaskMember } from './task-group.js';

/** What the element's attributes say. */
export interface TaskSettings {
  topic: string;
  /** The author's module, an absolute URL already checked against `allow-origins`. */
  module: string;
  concurrency: number;
  paused: boolean;
}

/** What the runner tells its element. */
export interface TaskRunnerEvents {
  started(id: MessageId, input: Json): void;
  done(id: MessageId, ms: number): void;
  failed(id: MessageId, error: string): void;
  /** `running`, `done`, `failed` or the capacity changed. */
  changed(): void;
}

/**
 * Runs in the Web Worker: imports the module named by the first task, then answers each `{module, input}` with
 * `{progress}`s and one `{result}` or `{error}`. An `{abort}` aborts the task's signal.
 */
const RUNNER = `let controller;
onmessage = async ({ data }) => {
  if (data.abort) return controller?.abort(new DOMException('the task was cancelled', 'AbortError'));
  controller = new AbortController();
  try {
    const run = (await import(data.module)).default;
    if (typeof run !== 'function') throw new TypeError(data.module + ' has no default export function');
    const progress = (value) => postMessage({ progress: Number(value) });
    postMessage({ result: await run(data.input, { signal: controller.signal, progress }) });
  } catch (error) {
    postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};`;

/** How long a cancelled task's module has to see its signal abort before its worker is terminated. */
const ABORT_GRACE_MS = 100;

let runnerUrl: string | undefined;

function startWorker(): Worker {
  runnerUrl ??= URL.createObjectURL(new Blob([RUNNER], { type: 'text/javascript' }));
  return new Worker(runnerUrl, { type: 'module', name: 'ws-worker' });
}

/** A task this runner holds. */
interface RunningTask {
  worker: Worker;
  startedAt: number;
}

export class TaskRunner implements TaskMember {
  readonly #events: TaskRunnerEvents;
  #settings: TaskSettings | undefined;
  #connection: Connection | undefined;
  #group: TaskGroup | undefined;
  readonly #tasks = new Map<MessageId, RunningTask>();
  /** Workers that finished a task and have the module loaded, for the next one. */
  #idle: Worker[] = [];
  /** Tasks finished with a result / with a failure. */
  done = 0;
  failed = 0;

  constructor(events: TaskRunnerEvents) {
    this.#events = events;
  }

  get capacity(): number {
    const settings = this.#settings;
    return settings && !settings.paused ? settings.concurrency : 0;
  }

  get busy(): number {
    return this.#tasks.size;
  }

  /** New settings (undefined: a fault, which stops the work); a new queue or module starts afresh. */
  configure(settings: TaskSettings | undefined): void {
    const previous = this.#settings;
    this.#settings = settings;
    if (previous?.module !== settings?.module) this.#retireIdle();
    if (previous?.topic !== settings?.topic || !settings) this.#rejoin();
    else this.#group?.offer();
    this.#events.changed();
  }

  /** The element now uses `connection`. */
  attach(connection: Connection): void {
    this.#connection = connection;
    this.#rejoin();
  }

  /** The element stops using `connection` (or left the page): its tasks are cancelled and given back. */
  detach(connection: Connection): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#rejoin();
  }

  run(id: MessageId, input: Json): void {
    const settings = this.#settings;
    if (!settings) return;
    const worker = this.#idle.pop() ?? startWorker();
    this.#tasks.set(id, { worker, startedAt: performance.now() });
    worker.onmessage = ({ data }: MessageEvent<{ progress?: number; result?: unknown; error?: string }>) => {
      if ('progress' in data) return this.#progress(id, data.progress as number);
      if ('result' in data) return this.#finished(id, data.result);
      this.#failed(id, this.#release(id), data.error ?? 'the task failed');
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#failed(id, this.#release(id), event.message || `${settings.module} could not be loaded`, true);
    };
    worker.postMessage({ module: settings.module, input });
    this.#events.started(id, input);
    this.#events.changed();
  }

  dropAll(): void {
    for (const id of [...this.#tasks.keys()]) this.#cancel(id);
    this.#events.changed();
  }

  /** Leaves the current group (giving back running tasks) and joins the one the settings and connection name. */
  #rejoin(): void {
    const group = this.#group;
    this.#group = undefined;
    if (group) {
      for (const id of [...this.#tasks.keys()]) {
        this.#cancel(id);
        group.send({ type: 'fail', id, error: 'cancelled: the worker element left' });
      }
      group.leave(this);
      this.#events.changed();
    }
    const connection = this.#connection;
    if (connection && this.#settings) this.#group = TaskGroup.join(connection, this.#settings.topic, this);
  }

  #progress(id: MessageId, value: number): void {
    if (Number.isFinite(value)) this.#group?.send({ type: 'progress', id, value: Math.min(1, Math.max(0, value)) });
  }

  #finished(id: MessageId, output: unknown): void {
    const task = this.#release(id);
    if (!task) return;
    let data: Json;
    try {
      data = JSON.parse(JSON.stringify(output) ?? 'undefined') as Json;
    } catch (error) {
      return this.#failed(id, task, `the output is not JSON: ${errorMessage(error)}`);
    }
    this.#idle.push(task.worker);
    this.done++;
    this.#group?.send({ type: 'result', id, data });
    this.#events.done(id, Math.round(performance.now() - task.startedAt));
    this.#next();
  }

  /** A task that was running (`task`, undefined when it was already cancelled) failed; a `broken` worker is not reused. */
  #failed(id: MessageId, task: RunningTask | undefined, error: string, broken = false): void {
    if (!task) return;
    if (broken) task.worker.terminate();
    else this.#idle.push(task.worker);
    this.failed++;
    this.#group?.send({ type: 'fail', id, error });
    this.#events.failed(id, error);
    this.#next();
  }

  #release(id: MessageId): RunningTask | undefined {
    const task = this.#tasks.get(id);
    this.#tasks.delete(id);
    return task;
  }

  /** Stops a task: its signal aborts, and its worker is terminated shortly after, whether or not the module listens. */
  #cancel(id: MessageId): void {
    const task = this.#release(id);
    if (!task) return;
    task.worker.postMessage({ abort: true });
    setTimeout(() => task.worker.terminate(), ABORT_GRACE_MS);
  }

  #next(): void {
    this.#trimIdle();
    this.#events.changed();
  }

  /** Keeps at most one idle worker per slot. */
  #trimIdle(): void {
    while (this.#idle.length > Math.max(this.capacity - this.busy, 0)) this.#idle.pop()?.terminate();
  }

  #retireIdle(): void {
    for (const worker of this.#idle.splice(0)) worker.terminate();
  }
}
