/** What `<ws-sparkline>` draws: numeric values kept, and the polyline points that scale them into its box. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { numericValue, polylinePoints, RecentValues } from '../../src/core/sparkline.js';

test('numbers and numeric strings are values; anything else is not', () => {
  assert.equal(numericValue(3.5), 3.5);
  assert.equal(numericValue(' 42 '), 42);
  for (const value of ['', 'high', null, undefined, {}, [], NaN, Infinity, true]) assert.equal(numericValue(value), undefined, JSON.stringify(value));
});

test('only the last `limit` values are kept, oldest first', () => {
  const recent = new RecentValues(3);
  for (const value of [1, 2, 3, 4, 5]) recent.push(value);
  assert.deepEqual(recent.values, [3, 4, 5]);
});

test('points spread over the slots from the left, the lowest value at the bottom and the highest at the top', () => {
  assert.equal(polylinePoints([0, 5, 10], 3, 100, 30), '0,30 50,15 100,0');
  assert.equal(polylinePoints([0, 10], 5, 100, 30), '0,30 25,0', 'a line that has not filled its slots starts at the left');
});

test('min and max fix the scale and clamp values outside it; a flat line sits in the middle', () => {
  assert.equal(polylinePoints([-5, 50, 100], 3, 100, 30, 0, 50), '0,30 50,0 100,0');
  assert.equal(polylinePoints([7, 7, 7], 3, 100, 30), '0,15 50,15 100,15');
});
