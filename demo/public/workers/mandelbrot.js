/**
 * The demo's `<ws-worker>` module: renders one tile of a Mandelbrot job
 * (server/feeds/mandelbrot.ts) and returns its palette indices, row by row,
 * run-length encoded as character pairs (index, run length − 1) of the
 * 64-character tile alphabet. Index 0 is inside the set.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

/** The palette index of one point: 0 inside the set, else 1–63 by escape time. */
function paletteIndex(re, im, iterations) {
  let zr = 0;
  let zi = 0;
  for (let n = 0; n < iterations; n++) {
    const zr2 = zr * zr;
    const zi2 = zi * zi;
    if (zr2 + zi2 > 4) return 1 + (n % 63);
    zi = 2 * zr * zi + im;
    zr = zr2 - zi2 + re;
  }
  return 0;
}

export default async function renderTile({ tile, grid, iterations, x, y, zoom, size }, { signal, progress }) {
  const side = size / grid;
  const scale = 3 / (zoom * size);
  const left = (tile % grid) * side;
  const top = Math.floor(tile / grid) * side;
  let runs = '';
  let current = -1;
  let length = 0;
  for (let row = 0; row < side; row++) {
    if (signal.aborted) throw signal.reason;
    const im = y + (top + row - size / 2) * scale;
    for (let column = 0; column < side; column++) {
      const index = paletteIndex(x + (left + column - size / 2) * scale, im, iterations);
      if (index === current && length < ALPHABET.length) {
        length++;
        continue;
      }
      if (length > 0) runs += ALPHABET[current] + ALPHABET[length - 1];
      current = index;
      length = 1;
    }
    if (row % 8 === 7) progress((row + 1) / side);
  }
  return runs + ALPHABET[current] + ALPHABET[length - 1];
}
