/**
 * The keyed repeat behind `<template each key>` (SPEC 3.2): one lit part per
 * key, kept across renders. A reorder moves only the items outside the
 * longest run already in order, and moves them with `moveBefore` where the
 * browser has it, so focus, text selection, playing media and iframes inside
 * a moved item survive; elsewhere with `insertBefore`.
 *
 * lit's own `repeat` cannot do this: it moves parts through
 * `insertPart`, which always calls `insertBefore`, and offers no hook.
 */
import { noChange, type TemplateResult } from 'lit/html.js';
import { Directive, PartType, directive, type ChildPart, type PartInfo } from 'lit/directive.js';
import { insertPart, removePart, setChildPartValue } from 'lit/directive-helpers.js';

/** What the list renders: the items, their keys, and the template for one item. */
export interface KeyedItems<T> {
  items: readonly T[];
  keyOf: (item: T, index: number) => string;
  template: (item: T) => TemplateResult;
}

class KeyedListDirective extends Directive {
  /** The parts rendered last time, by key, in DOM order. */
  #parts = new Map<string, ChildPart>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('keyedList belongs where content goes, not in an attribute');
  }

  render(list: KeyedItems<unknown>): unknown[] {
    return list.items.map(list.template);
  }

  override update(container: ChildPart, [list]: [KeyedItems<unknown>]): typeof noChange {
    const keys = distinctKeys(list.items.map(list.keyOf));
    const wanted = new Set(keys);
    const previous = this.#parts;
    const stayingOrder: string[] = [];
    for (const [key, part] of previous) {
      if (wanted.has(key)) stayingOrder.push(key);
      else removeItem(part);
    }
    const oldPosition = new Map(stayingOrder.map((key, position) => [key, position]));
    const inPlace = longestIncreasingRun(keys.map((key) => oldPosition.get(key) ?? -1));
    const next = new Map<string, ChildPart>();
    // From the end, so the item after the current one is always where it belongs.
    let after: ChildPart | undefined;
    for (let index = keys.length - 1; index >= 0; index--) {
      let part = previous.get(keys[index]);
      if (!part) part = insertPart(container, after);
      else if (!inPlace.has(index)) moveItem(container, part, after);
      setChildPartValue(part, list.template(list.items[index]));
      next.set(keys[index], part);
      after = part;
    }
    this.#parts = new Map([...next].reverse());
    return noChange;
  }
}

/** Renders items keyed, moving existing DOM on a reorder (see the module comment). */
export const keyedList = directive(KeyedListDirective);

/** Keys made distinct: a repeated key gets its occurrence number, so no item is dropped or rendered twice. */
function distinctKeys(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count === 0 ? key : `${key}\u0000${count}`;
  });
}

/** Removes an item's DOM, both of its markers included (`removePart` leaves the end marker). */
function removeItem(part: ChildPart): void {
  const end = part.endNode as ChildNode | null;
  removePart(part);
  end?.remove();
}

/** Moves an item's nodes, markers included, before `after` (or to the end of the list). */
function moveItem(container: ChildPart, part: ChildPart, after: ChildPart | undefined): void {
  const reference = after ? after.startNode : container.endNode;
  const parent = part.startNode?.parentNode;
  if (!parent) return;
  const nodes: Node[] = [];
  for (let node: Node | null = part.startNode; node; node = node === part.endNode ? null : node.nextSibling) nodes.push(node);
  // moveBefore keeps the moved subtree's state; insertBefore removes and re-inserts it (focus is lost).
  const atomic = typeof parent.moveBefore === 'function';
  for (const node of nodes) {
    if (atomic) parent.moveBefore(node, reference);
    else parent.insertBefore(node, reference);
  }
}

/**
 * The indices of a longest strictly increasing run of `positions` (skipping -1, new items): the items already in
 * order relative to each other, which need not move.
 */
function longestIncreasingRun(positions: readonly number[]): Set<number> {
  const tails: number[] = [];
  const before: number[] = [];
  positions.forEach((position, index) => {
    if (position < 0) return;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (positions[tails[middle]] < position) low = middle + 1;
      else high = middle;
    }
    before[index] = low > 0 ? tails[low - 1] : -1;
    tails[low] = index;
  });
  const run = new Set<number>();
  for (let index = tails.length > 0 ? tails[tails.length - 1] : -1; index >= 0; index = before[index]) run.add(index);
  return run;
}
