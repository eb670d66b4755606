/**
 * The demo job: publishing `{"x", "y", "zoom", "size"}` to `tasks/mandelbrot`
 * starts a job of 64 tiles (an 8 × 8 grid of a `size` × `size` image centred
 * on x + yi, 3/zoom wide), each a task for the `<ws-worker>` browsers on that
 * queue. The state topic `jobs/mandelbrot` lets any page watch it build:
 * `{"job", "x", "y", "zoom", "size", "grid", "iterations", "total", "done",
 * "failed", "workers", "tiles": {"<index>": RUNS}}`, where RUNS is the tile's
 * palette indices, row by row, run-length encoded as pairs of characters of
 * `TILE_ALPHABET`: the index, then the run's length − 1.
 */
import type { Json } from '../../src/core/protocol.js';
import { invalid, isObject, type FeedFactory, type PublishOutcome, type TopicSpec } from './feed.js';

const QUEUE = 'tasks/mandelbrot';
const STATE = 'jobs/mandelbrot';
/** Tiles per side. */
const GRID = 8;
const ITERATIONS = 256;
const SIZES = { min: 64, max: 1024 };
/** The 64 characters of a tile's runs; a character's position is its value. */
const TILE_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

/** A job's view, as published. */
interface View {
  x: number;
  y: number;
  zoom: number;
  size: number;
}

/** Why `runs` is not a tile of `pixels` pixels; undefined when it is one. */
function tileFault(runs: Json, pixels: number): string | undefined {
  if (typeof runs !== 'string' || runs.length % 2 !== 0) return 'a tile is a string of character pairs';
  let count = 0;
  for (let index = 0; index < runs.length; index += 2) {
    const length = TILE_ALPHABET.indexOf(runs[index + 1]);
    if (TILE_ALPHABET.indexOf(runs[index]) < 0 || length < 0) return `character ${index} is not in the tile alphabet`;
    count += length + 1;
  }
  return count === pixels ? undefined : `the runs cover ${count} pixels, not ${pixels}`;
}

function readView(data: Json): View | string {
  if (!isObject(data)) return 'data must be {"x", "y", "zoom", "size"}';
  const { x, y, zoom, size } = data;
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 4 || Math.abs(y) > 4) {
    return '"x" and "y" must be numbers from -4 to 4';
  }
  if (typeof zoom !== 'number' || !(zoom > 0) || zoom > 1e12) return '"zoom" must be a number above 0, at most 1e12';
  if (typeof size !== 'number' || !Number.isInteger(size) || size % GRID !== 0 || size < SIZES.min || size > SIZES.max) {
    return `"size" must be a multiple of ${GRID} from ${SIZES.min} to ${SIZES.max}`;
  }
  return { x, y, zoom, size };
}

export const mandelbrotFeed: FeedFactory = (context) => {
  const { broker, tasks } = context;
  /** Job updates read the state, then patch it (one patch, or several in order): one update at a time. */
  let updates: Promise<unknown> = Promise.resolve();
  const update = (change: (state: { [key: string]: Json }) => Json | Json[]): Promise<unknown> => {
    updates = updates.then(async () => {
      const { data } = await broker.state(STATE);
      const patches = change(isObject(data) ? data : {});
      for (const patch of Array.isArray(patches) ? patches : [patches]) await broker.patch(STATE, patch);
    }).catch(context.report);
    return updates;
  };
  const count = (state: { [key: string]: Json }, field: string): number => {
    const value = state[field];
    return typeof value === 'number' ? value : 0;
  };

  const runTile = (job: number, tile: number, view: View): void => {
    const side = view.size / GRID;
    const input = { job, tile, grid: GRID, iterations: ITERATIONS, ...view };
    tasks.submit(QUEUE, input, { validate: (output) => tileFault(output, side * side) }).then(
      (runs) => update((state) => (state.job === job ? [{ done: count(state, 'done') + 1, tiles: { [tile]: runs } }] : [])),
      () => update((state) => (state.job === job ? [{ failed: count(state, 'failed') + 1 }] : [])),
    );
  };

  const start = async (data: Json): Promise<PublishOutcome> => {
    const view = readView(data);
    if (typeof view === 'string') return invalid(view);
    let job = 0;
    let refusal: string | undefined;
    await update((state) => {
      const finished = count(state, 'done') + count(state, 'failed');
      if (finished < count(state, 'total')) {
        refusal = `a job is running (${finished} of ${count(state, 'total')} tiles finished): publish again when it ends`;
        return [];
      }
      job = count(state, 'job') + 1;
      // Two patches: a merge patch cannot both drop the old tiles and start the new ones.
      return [{ tiles: null }, { job, ...view, grid: GRID, iterations: ITERATIONS, total: GRID * GRID, done: 0, failed: 0, tiles: {} }];
    });
    if (refusal) return invalid(refusal);
    for (let tile = 0; tile < GRID * GRID; tile++) runTile(job, tile, view);
    return { pos: await broker.position(QUEUE) };
  };

  const queueSpec: TopicSpec = { kind: 'event', taskQueue: true, publish: start };
  const stateSpec: TopicSpec = { kind: 'state' };
  const stopWatching = tasks.onWorkersChanged((topic, workers) => {
    if (topic === QUEUE) void update(() => ({ workers }));
  });
  void update(() => ({ job: 0, total: 0, done: 0, failed: 0, workers: 0, tiles: {} }));
  return {
    name: 'mandelbrot',
    resolve: (topic) => (topic === QUEUE ? queueSpec : topic === STATE ? stateSpec : undefined),
    stop: stopWatching,
  };
};
