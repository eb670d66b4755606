import { ElementBase } from '../core/element-base.js';
import { numberAttribute, reflectAttributes } from '../core/attributes.js';
import { ConnectionController } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import { ConfigError } from '../core/errors.js';
import { emit, type WsTaskDetail, type WsTaskDoneDetail, type WsTaskFailedDetail } from '../core/events.js';
import { Faults } from '../core/faults.js';
import { TaskRunner, type TaskSettings } from '../core/task-runner.js';

/**
 * Lends this browser's CPU to a server's task queue: it offers `concurrency`
 * slots on `topic` (`tasks/<name>`), runs each task it is handed in a module
 * Web Worker that imports `module` and calls its default export
 * `async (input, {signal, progress}) => output`, and sends the result or the
 * failure back. Only the page author's module runs; the server sends data,
 * never code. The Web Worker starts from a `blob:` URL, so a page with a CSP
 * needs `worker-src blob:` (and `script-src` allowing the module).
 *
 * @attr src - Endpoint URL; one implicit connection per URL is shared.
 * @attr source - The id of a `<ws-source>` to use instead of `src`.
 * @attr topic - The task queue, `tasks/<name>`.
 * @attr module - URL of the ES module whose default export runs each task; same origin as the page unless its origin is in `allow-origins`.
 * @attr concurrency - Tasks run at once (default 1).
 * @attr paused - While present, no new tasks are taken (running ones finish).
 * @attr allow-origins - Space-separated origins that `module` may also come from.
 * @attr state - Reflected: idle, working, paused or error.
 * @attr running - Reflected: tasks running now.
 * @attr done - Reflected: tasks finished with a result.
 * @attr failed - Reflected: tasks that failed here.
 * @fires ws-task - A task started; detail `{id, input}`.
 * @fires ws-task-done - A task's result was sent; detail `{id, ms}`.
 * @fires ws-task-failed - A task failed here (it goes back to the server's queue); detail `{id, error}`.
 * @fires ws-error - A configuration fault (kind `config`: no topic or module, a module from another origin) or a server error.
 * @cssstate idle - Waiting for tasks.
 * @cssstate working - Running at least one task.
 * @cssstate paused - Taking no new tasks.
 * @cssstate error - A configuration fault.
 */
export class WsWorkerElement extends ElementBase {
  static observedAttributes = ['src', 'source', 'topic', 'module', 'concurrency', 'paused', 'allow-origins'];

  declare src: string | null;
  declare source: string | null;
  declare topic: string | null;
  declare module: string | null;
  declare concurrency: string | null;
  declare allowOrigins: string | null;

  readonly #internals = attachInternals(this);
  readonly #faults = new Faults(this, () => this.#showState());
  readonly #runner = new TaskRunner({
    started: (id, input) => emit<WsTaskDetail>(this, 'ws-task', { id, input }),
    done: (id, ms) => emit<WsTaskDoneDetail>(this, 'ws-task-done', { id, ms }),
    failed: (id, error) => emit<WsTaskFailedDetail>(this, 'ws-task-failed', { id, error }),
    changed: () => this.#showState(),
  });
  readonly #connection = new ConnectionController(this, {
    attach: (connection) => {
      this.#faults.set('source', undefined);
      this.#faults.set('link', connection.receiveOnly ? 'cannot work on an SSE source (receive-only)' : undefined);
      this.#runner.attach(connection);
    },
    detach: (connection) => this.#runner.detach(connection),
    fault: (message) => this.#faults.set('source', message),
  });

  /** While true, no new tasks are taken. */
  get paused(): boolean {
    return this.hasAttribute('paused');
  }

  set paused(value: boolean) {
    this.toggleAttribute('paused', Boolean(value));
  }

  /** Tasks running now. */
  get running(): number {
    return this.#runner.busy;
  }

  /** Tasks finished with a result. */
  get done(): number {
    return this.#runner.done;
  }

  /** Tasks that failed here. */
  get failed(): number {
    return this.#runner.failed;
  }

  connectedCallback(): void {
    this.#faults.guard(() => {
      this.#configure();
      this.#connection.hostConnected();
    });
  }

  disconnectedCallback(): void {
    this.#faults.guard(() => this.#connection.hostDisconnected());
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    this.#faults.guard(() => (name === 'src' || name === 'source' ? this.#connection.update() : this.#configure()));
  }

  #configure(): void {
    let settings: TaskSettings | undefined;
    try {
      settings = this.#readSettings();
      this.#faults.set('config', undefined);
    } catch (error) {
      this.#faults.set('config', (error as Error).message);
    }
    this.#runner.configure(settings);
  }

  #readSettings(): TaskSettings {
    const topic = this.getAttribute('topic');
    if (!topic) throw new ConfigError('needs a topic attribute naming a task queue (tasks/<name>)');
    return {
      topic,
      module: this.#moduleUrl(),
      concurrency: Math.floor(numberAttribute(this, 'concurrency', 1)),
      paused: this.paused,
    };
  }

  /** The module's absolute URL, when its origin is the page's or one `allow-origins` lists. */
  #moduleUrl(): string {
    const text = this.getAttribute('module');
    if (!text) throw new ConfigError('needs a module attribute: the URL of the ES module that runs each task');
    let url: URL;
    try {
      url = new URL(text, document.baseURI);
    } catch {
      throw new ConfigError(`module "${text}" is not a URL`);
    }
    const allowed = (this.getAttribute('allow-origins') ?? '').split(/\s+/).filter(Boolean);
    // `self.origin`, not `location.origin`: an `about:srcdoc` frame inherits its parent's origin but not its URL.
    if (url.origin !== self.origin && !allowed.includes(url.origin)) {
      throw new ConfigError(`module "${text}" is from another origin (${url.origin}); list it in allow-origins to run it`);
    }
    return url.href;
  }

  #showState(): void {
    const running = this.#runner.busy;
    const state = this.#faults.any ? 'error' : this.paused ? 'paused' : running > 0 ? 'working' : 'idle';
    this.setAttribute('running', String(running));
    this.setAttribute('done', String(this.#runner.done));
    this.setAttribute('failed', String(this.#runner.failed));
    if (this.getAttribute('state') !== state) reflectState(this, this.#internals, state);
  }
}

reflectAttributes(WsWorkerElement, ['src', 'source', 'topic', 'module', 'concurrency', 'allow-origins']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-worker': WsWorkerElement;
  }
}
