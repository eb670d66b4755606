/**
 * The Compute page's drawing: it keeps the `jobs/mandelbrot` state from the
 * source's messages and paints each finished tile (palette indices,
 * run-length encoded by the worker module) onto the canvas as it arrives.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
/** Palette index 0 is inside the set (black); 1–63 a blue-to-gold ramp by escape time. */
const PALETTE = Array.from({ length: 64 }, (_, index) => {
  if (index === 0) return [0, 0, 0];
  const t = index / 63;
  return [Math.round(255 * t ** 0.6), Math.round(200 * t), Math.round(255 * (1 - t) ** 0.5)];
});

const canvas = document.getElementById('mandelbrot');
const context = canvas.getContext('2d');
const state = { tiles: {} };

function drawTile(index, runs) {
  const side = state.size / state.grid;
  const image = context.createImageData(side, side);
  let pixel = 0;
  for (let at = 0; at < runs.length; at += 2) {
    const [r, g, b] = PALETTE[ALPHABET.indexOf(runs[at])];
    for (let n = ALPHABET.indexOf(runs[at + 1]); n >= 0; n--, pixel += 4) image.data.set([r, g, b, 255], pixel);
  }
  context.putImageData(image, (index % state.grid) * side, Math.floor(index / state.grid) * side);
}

function apply(change) {
  if (change.tiles === null) {
    state.tiles = {};
    context.clearRect(0, 0, canvas.width, canvas.height);
  }
  const { tiles, ...rest } = change;
  Object.assign(state, rest);
  if (state.size && canvas.width !== state.size) canvas.width = canvas.height = state.size;
  for (const [index, runs] of Object.entries(tiles ?? {})) {
    state.tiles[index] = runs;
    drawTile(Number(index), runs);
  }
}

document.getElementById('feeds').addEventListener('ws-message', (event) => {
  const { topic, data } = event.detail;
  if (topic === 'jobs/mandelbrot' && data && typeof data === 'object') apply(data);
});

const worker = document.getElementById('worker');
const showWorker = () => {
  document.getElementById('worker-state').textContent = worker.getAttribute('state') ?? 'idle';
  document.getElementById('worker-done').textContent = worker.getAttribute('done') ?? '0';
};
new MutationObserver(showWorker).observe(worker, { attributes: true, attributeFilter: ['state', 'done'] });
document.getElementById('pause').addEventListener('change', (event) => {
  worker.paused = event.target.checked;
});
