/**
 * An element's own content, as `<ws-bind>` writes it: everything in its
 * light DOM except `<template>` children, which are configuration.
 */

/** The element's own content, without `<template>` children. */
function contentNodes(host: Element): ChildNode[] {
  return [...host.childNodes].filter((node) => !(node instanceof HTMLTemplateElement));
}

/** Copies of the content as it is now (the placeholder, before the first write), to put back later. */
export function copyContent(host: Element): Node[] {
  return contentNodes(host).map((node) => node.cloneNode(true));
}

/** Replaces the content with one text node; a lone text node (the common case under a firehose) is rewritten in place. */
export function writeText(host: Element, text: string): void {
  const only = host.firstChild;
  if (only instanceof Text && only === host.lastChild) {
    if (only.data !== text) only.data = text;
    return;
  }
  clearContent(host);
  host.append(text);
}

/** Replaces the content with `nodes`. */
export function replaceContent(host: Element, nodes: DocumentFragment | readonly Node[]): void {
  clearContent(host);
  if (nodes instanceof DocumentFragment) host.append(nodes);
  else host.append(...nodes);
}

/** Removes the content (the placeholder, or what was rendered), keeping `<template>` children. */
export function clearContent(host: Element): void {
  for (const node of contentNodes(host)) node.remove();
}

/** The entries `limit` counts: element children other than `<template>` (whitespace between them is not one). */
function entryElements(host: Element): Element[] {
  return [...host.children].filter((child) => !(child instanceof HTMLTemplateElement));
}

/**
 * Inserts one frame's entries in a single DOM write, newest at the end or the start, then trims to `limit`. A text
 * becomes a `<div>` holding it as text; a node (a rendered template) is inserted as is.
 */
export function insertEntries(host: Element, entries: readonly (string | Node)[], where: 'append' | 'prepend', limit: number): void {
  const fragment = document.createDocumentFragment();
  const ordered = where === 'append' ? entries : [...entries].reverse();
  for (const entry of ordered) {
    if (typeof entry !== 'string') {
      fragment.append(entry);
      continue;
    }
    const holder = document.createElement('div');
    holder.textContent = entry;
    fragment.append(holder);
  }
  if (where === 'append') host.append(fragment);
  else host.insertBefore(fragment, contentNodes(host)[0] ?? null);
  const kept = entryElements(host);
  const excess = kept.length - limit;
  if (excess <= 0) return;
  const dropped = where === 'append' ? kept.slice(0, excess) : kept.slice(kept.length - excess);
  for (const node of dropped) node.remove();
}
