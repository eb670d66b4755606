/**
 * The `tasks/<name>` queues (SPEC 3.5, 4, 5) against a real server and real
 * `ws` clients acting as workers: hand-out up to each worker's concurrency,
 * reassignment when a worker leaves, fails or misses its deadline, late
 * results ignored, the limits, and the demo's Mandelbrot job.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { startServer } from './harness.js';
import { waitUntil, type Message, type TestClient } from './ws-client.js';

const QUEUE = 'tasks/test';

/** The demo's worker module, as the browsers run it (plain JavaScript, so imported by a path held in a variable). */
const TILE_MODULE = '../../demo/public/workers/mandelbrot.js';
type TileRenderer = (input: unknown, context: { signal: AbortSignal; progress(value: number): void }) => Promise<string>;
const renderTile = ((await import(TILE_MODULE)) as { default: TileRenderer }).default;

/** A client that offers `concurrency` slots on the queue. */
async function worker(client: () => Promise<TestClient>, concurrency: number, topic = QUEUE): Promise<TestClient> {
  const connection = await client();
  connection.send({ type: 'work', topic, concurrency });
  await connection.roundTrip();
  return connection;
}

function tasksOf(client: TestClient): Message[] {
  return client.all((m) => m.type === 'task');
}

/** Resolves when any of `clients` holds a task it has not answered; returns that client and task. */
async function nextTask(clients: TestClient[], answered: Set<string>): Promise<{ client: TestClient; task: Message }> {
  return waitUntil(() => {
    for (const client of clients) {
      const task = tasksOf(client).find((m) => !answered.has(`${clients.indexOf(client)}:${m.id}`));
      if (task) {
        answered.add(`${clients.indexOf(client)}:${task.id}`);
        return { client, task };
      }
    }
    return undefined;
  }, 'a task');
}

test('a submitted task reaches a worker and resolves to its result; progress and the outcome are published', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const watcher = await client();
  await watcher.subscribe(QUEUE);
  const a = await worker(client, 1);
  const output = server.submit(QUEUE, { n: 21 });
  const task = await a.waitFor((m) => m.type === 'task', 'a task');
  assert.deepEqual(task.input, { n: 21 });
  assert.equal(task.topic, QUEUE);
  a.send({ type: 'progress', id: task.id, value: 0.5 });
  a.send({ type: 'result', id: task.id, data: 42 });
  assert.equal(await output, 42);
  await watcher.waitFor((m) => m.type === 'event' && m.data.progress === 0.5, 'progress event');
  const done = await watcher.waitFor((m) => m.type === 'event' && m.data.output === 42, 'outcome event');
  assert.equal(done.data.id, task.id);
});

test('progress is published at most every 100 ms per task, however often a worker reports it', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const watcher = await client();
  await watcher.subscribe(QUEUE);
  const a = await worker(client, 1);
  const output = server.submit(QUEUE, 'chatty');
  const task = await a.waitFor((m) => m.type === 'task', 'a task');
  for (let step = 1; step <= 50; step++) a.send({ type: 'progress', id: task.id, value: step / 50 });
  a.send({ type: 'result', id: task.id, data: 'done' });
  assert.equal(await output, 'done');
  await watcher.waitFor((m) => m.type === 'event' && m.data.output === 'done', 'outcome event');
  const progress = watcher.all((m) => m.type === 'event' && m.data.progress !== undefined);
  assert.ok(progress.length >= 1 && progress.length <= 2, `${progress.length} progress events`);
  assert.equal(a.all((m) => m.type === 'error').length, 0);
});

test('a task whose worker disconnects goes to another worker', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const workers = [await worker(client, 1), await worker(client, 1)];
  const output = server.submit(QUEUE, 'job');
  const first = await nextTask(workers, new Set());
  first.client.drop();
  const other = workers.find((w) => w !== first.client)!;
  const again = await other.waitFor((m) => m.type === 'task', 'the reassigned task');
  assert.equal(again.id, first.task.id);
  other.send({ type: 'result', id: again.id, data: 'from the other worker' });
  assert.equal(await output, 'from the other worker');
});

test('a task that passes its deadline is reassigned, and the late result of the first worker is ignored and counted', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks', 'metrics'], taskDeadline: 300, metricsInterval: 50 });
  const metrics = await client();
  await metrics.subscribe('metrics');
  const workers = [await worker(client, 1), await worker(client, 1)];
  const output = server.submit(QUEUE, 'slow');
  const answered = new Set<string>();
  const first = await nextTask(workers, answered);
  const second = await nextTask(workers, answered);
  assert.notEqual(second.client, first.client, 'the other worker got it after the deadline');
  assert.equal(second.task.id, first.task.id);
  second.client.send({ type: 'result', id: second.task.id, data: 'on time' });
  assert.equal(await output, 'on time');
  first.client.send({ type: 'result', id: first.task.id, data: 'late' });
  await first.client.roundTrip();
  assert.equal(first.client.all((m) => m.type === 'error').length, 0, 'a late result is not an error');
  await metrics.waitFor((m) => m.type === 'event' && m.data.lateResults === 1, 'lateResults 1 in metrics');
});

test('a task that fails on every attempt fails for good with every reason', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'], taskAttempts: 3 });
  const a = await worker(client, 1);
  const output = server.submit(QUEUE, 'bad');
  const rejected = assert.rejects(output, (error: Error) => {
    assert.match(error.message, /failed 3 time\(s\)/);
    assert.equal(error.message.match(/worker failed: boom/g)?.length, 3);
    return true;
  });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const tasks = await a.waitForCount((m) => m.type === 'task', attempt, 'a task');
    a.send({ type: 'fail', id: tasks[attempt - 1].id, error: 'boom' });
  }
  await rejected;
  await a.roundTrip();
  assert.equal(tasksOf(a).length, 3, 'no fourth attempt');
});

test('submit takes per-task deadline and attempts', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const a = await worker(client, 1);
  const started = Date.now();
  await assert.rejects(server.submit(QUEUE, 'never answered', { deadline: 100, attempts: 2 }), /failed 2 time\(s\).*no result within 100 ms/);
  assert.equal(tasksOf(a).length, 2);
  assert.ok(Date.now() - started < 5000);
});

test('tasks are handed out up to each worker\'s concurrency, in proportion to it', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const big = await worker(client, 3);
  const small = await worker(client, 1);
  const outputs = Array.from({ length: 8 }, (_, n) => server.submit(QUEUE, n));
  await waitUntil(() => tasksOf(big).length === 3 && tasksOf(small).length === 1, '3 tasks to the big worker, 1 to the small one');
  await big.roundTrip();
  assert.equal(tasksOf(big).length + tasksOf(small).length, 4, 'nobody gets more than its concurrency');
  // Each answer frees one slot, which takes the next task.
  const answered = new Set<string>();
  for (let done = 0; done < 8; done++) {
    const { client: holder, task } = await nextTask([big, small], answered);
    holder.send({ type: 'result', id: task.id, data: task.input });
  }
  assert.deepEqual(await Promise.all(outputs), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(tasksOf(big).length + tasksOf(small).length, 8, 'every task ran exactly once');
  assert.ok(tasksOf(big).length > tasksOf(small).length);
});

test('equal workers take turns', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const workers = [await worker(client, 2), await worker(client, 2), await worker(client, 2)];
  for (let n = 0; n < 3; n++) void server.submit(QUEUE, n).catch(() => undefined);
  await waitUntil(() => workers.every((w) => tasksOf(w).length === 1), 'one task each');
});

test('concurrency 0 withdraws: no new tasks, the running one may still finish', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const a = await worker(client, 1);
  const first = server.submit(QUEUE, 1);
  const task = await a.waitFor((m) => m.type === 'task', 'a task');
  a.send({ type: 'work', topic: QUEUE, concurrency: 0 });
  void server.submit(QUEUE, 2).catch(() => undefined);
  a.send({ type: 'result', id: task.id, data: 'one' });
  assert.equal(await first, 'one');
  await a.roundTrip();
  assert.equal(tasksOf(a).length, 1);
  a.send({ type: 'work', topic: QUEUE, concurrency: 1 });
  await a.waitForCount((m) => m.type === 'task', 2, 'the second task after resuming');
});

test('limits: a full queue rejects submit; bad topics, inputs and task ids are refused clearly', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks', 'chat'], maxQueuedTasks: 2, maxFrame: 1000 });
  const waiting = [server.submit(QUEUE, 1), server.submit(QUEUE, 2)];
  for (const promise of waiting) promise.catch(() => undefined);
  await assert.rejects(server.submit(QUEUE, 3), /task queue "tasks\/test" is full: 2 tasks already wait \(--max-queued-tasks\)/);
  await assert.rejects(server.submit('chat/lobby', 1), /not a task queue/);
  await assert.rejects(server.submit('tasks/other', 'x'.repeat(2000)), /exceeds --max-frame 1000/);
  await assert.rejects(server.submit('tasks/other', undefined), /JSON value/);
  const a = await client();
  a.send({ type: 'work', topic: 'chat/lobby', concurrency: 1 });
  a.send({ type: 'result', id: 'nope', data: 1 });
  a.send({ type: 'progress', id: 7, value: 0.5 });
  const errors = await a.waitForCount((m) => m.type === 'error', 3, 'three errors');
  assert.deepEqual(errors.map((m) => m.code), ['unknown-topic', 'invalid', 'invalid']);
  assert.equal(errors[1].id, 'nope');
  // The queue still serves: a worker drains it.
  const w = await worker(client, 2);
  const tasks = await w.waitForCount((m) => m.type === 'task', 2, 'the two waiting tasks');
  for (const task of tasks) w.send({ type: 'result', id: task.id, data: task.input });
  assert.deepEqual(await Promise.all(waiting), [1, 2]);
});

test('a result that another client sends for someone else\'s task is refused and changes nothing', async (t) => {
  const { server, client } = await startServer(t, { feeds: ['tasks'] });
  const a = await worker(client, 1);
  const intruder = await client();
  const output = server.submit(QUEUE, 'mine');
  const task = await a.waitFor((m) => m.type === 'task', 'a task');
  intruder.send({ type: 'result', id: task.id, data: 'forged' });
  assert.equal((await intruder.waitFor((m) => m.type === 'error', 'error')).code, 'invalid');
  a.send({ type: 'result', id: task.id, data: 'real' });
  assert.equal(await output, 'real');
});

test('the Mandelbrot job: a publish starts 64 tiles, workers finish them, jobs/mandelbrot carries them', async (t) => {
  const { client } = await startServer(t, { feeds: ['mandelbrot', 'tasks'] });
  const watcher = await client();
  await watcher.subscribe('jobs/mandelbrot');
  const workers = [await worker(client, 4, 'tasks/mandelbrot'), await worker(client, 4, 'tasks/mandelbrot')];
  const controller = new AbortController();
  const run = (w: TestClient) => async (task: Message) => {
    const runs = await renderTile(task.input, { signal: controller.signal, progress: () => undefined });
    w.send({ type: 'result', id: task.id, data: runs });
  };
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const w of workers) for (const task of tasksOf(w)) if (!seen.has(task.id)) {
      seen.add(task.id);
      void run(w)(task);
    }
  }, 5);
  t.after(() => clearInterval(timer));
  const ack = await watcher.publish('tasks/mandelbrot', { x: -0.5, y: 0, zoom: 1, size: 128 }, 'job-1');
  assert.equal(ack.type, 'ack');
  const busy = await watcher.publish('tasks/mandelbrot', { x: -0.5, y: 0, zoom: 1, size: 128 }, 'job-2');
  assert.equal(busy.code, 'invalid');
  assert.match(busy.message, /a job is running/);
  const bad = await watcher.publish('tasks/mandelbrot', { x: -0.5, y: 0, zoom: 1, size: 100 }, 'job-3');
  assert.match(bad.message, /multiple of 8/);
  await watcher.waitFor((m) => m.type === 'patch' && m.data.done === 64, 'done 64', 20000);
  const tiles: Record<string, string> = {};
  let state: Message = {};
  for (const m of watcher.all((x) => x.topic === 'jobs/mandelbrot' && (x.type === 'patch' || x.type === 'snapshot'))) {
    if (m.data.tiles === null) for (const key of Object.keys(tiles)) delete tiles[key];
    Object.assign(tiles, m.data.tiles ?? {});
    state = { ...state, ...m.data };
  }
  assert.equal(Object.keys(tiles).length, 64);
  assert.equal(state.total, 64);
  assert.equal(state.failed, 0);
  assert.equal(state.workers, 2);
  assert.equal(seen.size, 64, 'each tile ran once');
});

test('the Mandelbrot job refuses an output that is not a tile and gives the task to another attempt', async (t) => {
  const { client } = await startServer(t, { feeds: ['mandelbrot', 'tasks'] });
  const w = await worker(client, 1, 'tasks/mandelbrot');
  await w.publish('tasks/mandelbrot', { x: 0, y: 0, zoom: 1, size: 64 }, 'job');
  const task = await w.waitFor((m) => m.type === 'task', 'a tile');
  w.send({ type: 'result', id: task.id, data: 'not a tile!' });
  const error = await w.waitFor((m) => m.type === 'error', 'the refusal');
  assert.match(error.message, /invalid output/);
  const tasks = await w.waitForCount((m) => m.type === 'task', 2, 'the tile again');
  assert.equal(tasks[1].id, task.id);
});
