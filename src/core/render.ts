/**
 * The DOM writes of `<ws-bind>` (SPEC 3.2 `mode`): text set as text, sanitized
 * HTML, and entries appended or prepended with a limit. A table of named
 * functions, so adding a mode is adding a row.
 */

/** The element's own content, without `<template>` children. */
function contentNodes(host: Element): ChildNode[] {
  return [...host.childNodes].filter((node) => !(node instanceof HTMLTemplateElement));
}

/** Replaces the content with one text node (reusing it when it is already the only one). */
export function writeText(host: Element, text: string): void {
  const nodes = contentNodes(host);
  const only = nodes.length === 1 ? nodes[0] : undefined;
  if (only instanceof Text) {
    if (only.data !== text) only.data = text;
    return;
  }
  for (const node of nodes) node.remove();
  host.append(text);
}

/** Replaces the content with an already sanitized fragment. */
export function writeFragment(host: Element, fragment: DocumentFragment): void {
  for (const node of contentNodes(host)) node.remove();
  host.append(fragment);
}

/** Removes the placeholder before the first entry goes in. */
export function clearContent(host: Element): void {
  for (const node of contentNodes(host)) node.remove();
}

/** Inserts one frame's entries in a single DOM write, newest at the end or the start, then trims to `limit`. */
export function insertEntries(host: Element, texts: readonly string[], where: 'append' | 'prepend', limit: number): void {
  const fragment = document.createDocumentFragment();
  const ordered = where === 'append' ? texts : [...texts].reverse();
  for (const text of ordered) {
    const entry = document.createElement('div');
    entry.textContent = text;
    fragment.append(entry);
  }
  if (where === 'append') host.append(fragment);
  else host.insertBefore(fragment, contentNodes(host)[0] ?? null);
  const nodes = contentNodes(host);
  const excess = nodes.length - limit;
  if (excess <= 0) return;
  const dropped = where === 'append' ? nodes.slice(0, excess) : nodes.slice(nodes.length - excess);
  for (const node of dropped) node.remove();
}
