/**
 * `<ws-worker>` (SPEC 3.5) with the real reference server: browsers finish
 * the demo's 64-tile Mandelbrot job, keep finishing it when a worker leaves,
 * hand back a task that throws until it fails for good, refuse a module from
 * another origin, take nothing while paused, and share a job across pages.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { WsWorkerElement } from '../../src/elements/ws-worker.js';
import type { WsTaskDoneDetail, WsTaskFailedDetail } from '../../src/core/events.js';
import { find, mount, pause, recordEvents, unmountAll, untilState } from './helpers.js';

const TILE_MODULE = '/demo/public/workers/mandelbrot.js';
const TEST_MODULE = '/test/browser/fixtures/task-module.js';
const VIEW = { x: -0.5, y: 0, zoom: 1, size: 128 };
const slowly = { timeout: 30000, interval: 50 };

interface RefServer { port: number; url: string }

let server: RefServer;

async function submit(topic: string, input: unknown, options: Record<string, unknown> = {}): Promise<{ output?: unknown; error?: string }> {
  return executeServerCommand('ref:submit', { port: server.port, topic, input, options });
}

/** Starts the demo job from a `<ws-send>`, as the Compute page does, and waits for its ack. */
async function startJob(view = VIEW): Promise<void> {
  const sender = mount(`<ws-send src="${server.url}" topic="tasks/mandelbrot" data='${JSON.stringify(view)}'><button>Start</button></ws-send>`);
  const acks = recordEvents(sender, 'ws-ack');
  const errors = recordEvents(sender, 'ws-error');
  find<HTMLButtonElement>(sender, 'button').click();
  await waitUntil(() => acks.length + errors.length > 0, 'the job was never acknowledged', slowly);
  expect(errors.map((event) => (event as CustomEvent).detail)).to.deep.equal([]);
}

/** The job's state as `jobs/mandelbrot` builds it, with how often each tile arrived. */
function watchJob(): { state: Record<string, unknown>; tileArrivals: Map<string, number> } {
  const watch = { state: {} as Record<string, unknown>, tileArrivals: new Map<string, number>() };
  const source = mount(`<ws-source id="job-watch" src="${server.url}"></ws-source>
    <ws-bind source="job-watch" topic="jobs/mandelbrot" select="done"></ws-bind>`);
  source.addEventListener('ws-message', (event) => {
    const { data, topic } = (event as CustomEvent<{ data: Record<string, unknown>; topic?: string }>).detail;
    if (topic !== 'jobs/mandelbrot' || typeof data !== 'object' || data === null) return;
    Object.assign(watch.state, data);
    for (const tile of Object.keys((data.tiles as Record<string, string> | null) ?? {})) {
      watch.tileArrivals.set(tile, (watch.tileArrivals.get(tile) ?? 0) + 1);
    }
  });
  return watch;
}

function workers(markup: string): WsWorkerElement[] {
  return [...mount(markup).querySelectorAll('ws-worker')];
}

describe('<ws-worker>', function () {
  // Jobs and pages take seconds on a shared machine; the waits inside name what did not happen.
  this.timeout(60000);

  beforeEach(async () => {
    server = await executeServerCommand('ref:start', { options: { feeds: ['tasks', 'mandelbrot'], taskDeadline: 10000 } });
  });

  afterEach(async () => {
    unmountAll();
    await executeServerCommand('ref:stop', { port: server.port });
  });

  it('two workers complete a 64-tile job, and every tile arrives exactly once', async () => {
    const [a, b] = workers(`
      <ws-worker src="${server.url}" topic="tasks/mandelbrot" module="${TILE_MODULE}" concurrency="2"></ws-worker>
      <ws-worker src="${server.url}" topic="tasks/mandelbrot" module="${TILE_MODULE}" concurrency="2"></ws-worker>`);
    const finished = { a: recordEvents<WsTaskDoneDetail>(a, 'ws-task-done'), b: recordEvents<WsTaskDoneDetail>(b, 'ws-task-done') };
    const watch = watchJob();
    // The server counts connections: both elements share this page's one.
    await waitUntil(() => watch.state.workers === 1, 'the job state never counted the page as a worker', slowly);
    await startJob();
    await waitUntil(() => watch.state.done === 64, `the job stopped at ${String(watch.state.done)} of 64`, slowly);
    const ids = [...finished.a, ...finished.b].map((event) => event.detail.id);
    expect(new Set(ids).size).to.equal(64);
    expect(ids.length).to.equal(64);
    expect(finished.a.length).to.be.greaterThan(0);
    expect(finished.b.length).to.be.greaterThan(0);
    expect(watch.tileArrivals.size).to.equal(64);
    expect([...watch.tileArrivals.values()].every((count) => count === 1)).to.equal(true);
    expect(watch.state.failed).to.equal(0);
    expect(Number(a.getAttribute('done')) + Number(b.getAttribute('done'))).to.equal(64);
    await untilState(a, 'idle');
  });

  it('removing one worker mid-job still completes the job', async () => {
    const [a, b] = workers(`
      <ws-worker src="${server.url}" topic="tasks/mandelbrot" module="${TILE_MODULE}" concurrency="2"></ws-worker>
      <ws-worker src="${server.url}" topic="tasks/mandelbrot" module="${TILE_MODULE}" concurrency="2"></ws-worker>`);
    const watch = watchJob();
    await waitUntil(() => watch.state.workers === 1, 'the job state never counted the page as a worker', slowly);
    const started = recordEvents(a, 'ws-task');
    await startJob({ ...VIEW, size: 512 });
    await waitUntil(() => started.length > 0, 'worker a never started a tile', slowly);
    a.remove();
    expect(a.running).to.equal(0, 'a removed worker runs nothing');
    await waitUntil(() => watch.state.done === 64, `the job stopped at ${String(watch.state.done)} of 64`, slowly);
    expect(watch.tileArrivals.size).to.equal(64);
    expect(Number(b.getAttribute('done'))).to.be.greaterThan(0);
  });

  it('a module that throws hands the task back until it fails for good after the attempts', async () => {
    const [a, b] = workers(`
      <ws-worker src="${server.url}" topic="tasks/test" module="${TEST_MODULE}"></ws-worker>
      <ws-worker src="${server.url}" topic="tasks/test" module="${TEST_MODULE}"></ws-worker>`);
    const failures = [...[a, b].map((worker) => recordEvents<WsTaskFailedDetail>(worker, 'ws-task-failed'))];
    await pause(300);
    const good = await submit('tasks/test', { n: 1 });
    expect(good.output).to.deep.include({ n: 1 });
    const outcome = await submit('tasks/test', { n: 2, fail: true }, { attempts: 3 });
    expect(outcome.error).to.match(/failed 3 time\(s\)/);
    expect(outcome.error?.match(/task 2 always fails/g)?.length).to.equal(3);
    const all = failures.flat();
    expect(all.length).to.equal(3);
    expect(new Set(all.map((event) => event.detail.id)).size).to.equal(1, 'the same task, reassigned');
    expect(Number(a.getAttribute('failed')) + Number(b.getAttribute('failed'))).to.equal(3);
  });

  it('cancels running tasks when the connection drops, and offers itself again after the reconnect', async () => {
    const container = mount(`<ws-worker src="${server.url}" topic="tasks/test" module="${TEST_MODULE}"></ws-worker>`);
    const worker = find<WsWorkerElement>(container, 'ws-worker');
    const started = recordEvents(worker, 'ws-task');
    await untilState(worker, 'idle');
    await pause(300);
    const outcome = submit('tasks/test', { n: 5, sleep: 1500 });
    await waitUntil(() => worker.running === 1, 'the task never started', slowly);
    await executeServerCommand('ref:drop', { port: server.port });
    await waitUntil(() => worker.running === 0, 'the running task was not cancelled', slowly);
    expect((await outcome).output).to.deep.include({ n: 5 });
    expect(started.length).to.equal(2, 'the server handed the task out again after the reconnect');
    expect(worker.done).to.equal(1);
  });

  it('refuses a module from another origin with a config ws-error, and runs it once allow-origins lists it', async () => {
    const container = mount(`<ws-worker src="${server.url}" topic="tasks/test"></ws-worker>`);
    const worker = find<WsWorkerElement>(container, 'ws-worker');
    const errors = recordEvents<{ kind: string; message: string }>(worker, 'ws-error');
    worker.setAttribute('module', 'https://elsewhere.example/worker.js');
    await untilState(worker, 'error');
    await waitUntil(() => errors.some((event) => event.detail.message.includes('https://elsewhere.example')), 'no ws-error naming the origin');
    expect(errors.at(-1)?.detail.kind).to.equal('config');
    worker.setAttribute('allow-origins', 'https://other.example https://elsewhere.example');
    await untilState(worker, 'idle');
  });

  it('takes no new tasks while paused, and resumes when unpaused', async () => {
    const container = mount(`<ws-worker src="${server.url}" topic="tasks/test" module="${TEST_MODULE}" paused></ws-worker>`);
    const worker = find<WsWorkerElement>(container, 'ws-worker');
    const started = recordEvents(worker, 'ws-task');
    await untilState(worker, 'paused');
    const outcome = submit('tasks/test', { n: 3 });
    await pause(800);
    expect(started.length).to.equal(0);
    worker.paused = false;
    expect((await outcome).output).to.deep.include({ n: 3 });
    expect(started.length).to.equal(1);
    expect(worker.done).to.equal(1);
  });

  it('three pages together finish a job faster than one', async () => {
    const tasks = Array.from({ length: 12 }, (_, n) => ({ n, sleep: 150 }));
    const page = (): HTMLIFrameElement => {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<script type="module" src="/src/index.ts"></script>
        <ws-worker src="${server.url}" topic="tasks/pages" module="${TEST_MODULE}"></ws-worker>`;
      mount('').append(frame);
      return frame;
    };
    const timeJob = async (): Promise<number> => {
      const started = performance.now();
      const outcomes = await Promise.all(tasks.map((input) => submit('tasks/pages', input)));
      expect(outcomes.every((outcome) => outcome.output !== undefined)).to.equal(true);
      return performance.now() - started;
    };
    const frames = [page()];
    const stateOf = (frame: HTMLIFrameElement): string | null | undefined => frame.contentDocument?.querySelector('ws-worker')?.getAttribute('state');
    await waitUntil(() => stateOf(frames[0]) === 'idle', 'page 1 never became a worker', slowly);
    const alone = await timeJob();
    frames.push(page(), page());
    await waitUntil(
      () => frames.every((frame) => stateOf(frame) === 'idle'),
      'pages 2 and 3 never became workers',
      slowly,
    );
    await pause(300);
    const together = await timeJob();
    expect(together).to.be.lessThan(alone * 0.75, `three pages took ${together} ms, one ${alone} ms`);
    const done = frames.map((frame) => Number(frame.contentDocument?.querySelector('ws-worker')?.getAttribute('done')));
    expect(done.slice(1).every((count) => count > 0)).to.equal(true, `tasks per page: ${done.join(', ')}`);
  });

  it('runs under a strict CSP that allows blob: workers', async () => {
    const violations: string[] = [];
    const frame = document.createElement('iframe');
    frame.srcdoc = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; worker-src blob:; connect-src 'self' ws://127.0.0.1:*">
      <script type="module" src="/src/index.ts"></script>
      <ws-worker src="${server.url}" topic="tasks/csp" module="${TEST_MODULE}"></ws-worker>`;
    mount('').append(frame);
    await waitUntil(() => frame.contentDocument?.readyState === 'complete', 'the page never loaded', slowly);
    frame.contentDocument?.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    const state = (): string | null | undefined => frame.contentDocument?.querySelector('ws-worker')?.getAttribute('state');
    await waitUntil(() => state() === 'idle', 'the worker never started', slowly);
    const outcome = await submit('tasks/csp', { n: 4 });
    expect(outcome.output).to.deep.include({ n: 4, worker: 'ws-worker' });
    expect(violations).to.deep.equal([]);
  });
});
