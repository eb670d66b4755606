/**
 * What `<ws-sparkline>` draws (SPEC 3.6): the last N numeric values, and
 * the polyline points that scale them into a box, as pure functions.
 */

/** A value as a finite number (numbers, and strings that are one), else undefined. */
export function numericValue(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** The last `limit` values, oldest first. */
export class RecentValues {
  readonly values: number[] = [];

  constructor(public limit: number) {}

  push(value: number): void {
    this.values.push(value);
    if (this.values.length > this.limit) this.values.splice(0, this.values.length - this.limit);
  }
}

/**
 * The `points` of a polyline drawing `values` in a `width` × `height` box: x spaced evenly over `slots` positions
 * (so the line fills up from the left), y from `min` (bottom) to `max` (top), defaulting to the values' own range;
 * values outside are clamped. A flat line sits in the middle.
 */
export function polylinePoints(values: readonly number[], slots: number, width: number, height: number, min?: number, max?: number): string {
  const low = min ?? Math.min(...values);
  const high = max ?? Math.max(...values);
  const span = high - low;
  const step = slots > 1 ? width / (slots - 1) : 0;
  const y = (value: number): number => {
    if (!(span > 0)) return height / 2;
    return height - (Math.min(Math.max(value, low), high) - low) / span * height;
  };
  return values.map((value, index) => `${round(index * step)},${round(y(value))}`).join(' ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
