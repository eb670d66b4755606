/**
 * The DOM writes of `<ws-bind>` (SPEC 3.2 `mode`): a table of named writers,
 * one per mode, so adding a mode is adding a row. Text is set as text, HTML
 * goes in only through the sanitizer, and entries are appended or prepended
 * with a limit.
 */
import { html } from 'lit/html.js';
import { renderEntry, renderTemplate, type TemplateRenderer } from '../template/compile.js';
import { keyedList } from '../template/keyed-list.js';
import { clearContent, insertEntries, replaceContent, writeText } from './content.js';
import { sanitizeHtml } from './sanitize-html.js';
import { formatText } from './text.js';
import type { FrameWork } from './scheduler.js';

/** What a writer writes with: the element, how a value becomes text, and the author's template, if any. */
export interface View {
  readonly host: HTMLElement;
  /** The value as display text (`format`). */
  text(value: unknown): string;
  readonly renderer: TemplateRenderer | undefined;
  /** What templates see as `$session`: the connection's session id. */
  readonly session: string | undefined;
  /** append/prepend: entries kept. */
  readonly limit: number;
  /** False while the placeholder is shown. */
  readonly hasContent: boolean;
}

/** A frame that had nothing to write for the element's mode. */
export const NOTHING: unique symbol = Symbol('nothing');

/**
 * Writes one frame's work; returns the value it wrote, `NOTHING`, or a promise of the value where the write finishes
 * later (HTML whose fallback sanitizer loads first); a failed write rejects.
 */
export type Writer = (view: View, work: FrameWork) => unknown;

/** One writer per `mode`. */
export const WRITERS = {
  replace: writeValue,
  append: (view, work) => writeEntries(view, work, 'append'),
  prepend: (view, work) => writeEntries(view, work, 'prepend'),
  /** The value is the object of entries: through the template (its `<template each=".">` keyed), or a line of text each. */
  keyed(view, work) {
    if (!work.hasLatest) return NOTHING;
    const entries = work.latest as Record<string, unknown>;
    renderTemplate(view.host, view.renderer ?? ((value) => lines(value as Record<string, unknown>, view)), entries, view);
    return entries;
  },
  /** The value is how many messages were accepted since the connection opened. */
  count: writeValue,
  html(view, work) {
    if (!work.hasLatest) return NOTHING;
    const value = work.latest;
    const write = (fragment: DocumentFragment): unknown => (replaceContent(view.host, fragment), value);
    const sanitized = sanitizeHtml(formatText(value));
    return sanitized instanceof Promise ? sanitized.then(write) : write(sanitized);
  },
} satisfies Record<string, Writer>;

/** The modes `mode` accepts. */
export type Mode = keyof typeof WRITERS;

/** The names `mode` accepts, for error messages. */
export const MODES = Object.keys(WRITERS) as Mode[];

/** True for the modes whose every message is an entry, not a replacement. */
export function addsEntries(mode: Mode): boolean {
  return mode === 'append' || mode === 'prepend';
}

/** The latest value, through the template or as text. */
function writeValue(view: View, work: FrameWork): unknown {
  if (!work.hasLatest) return NOTHING;
  if (view.renderer) renderTemplate(view.host, view.renderer, work.latest, view);
  else writeText(view.host, view.text(work.latest));
  return work.latest;
}

/** One `<div>` of text per entry, keyed, so an updated entry is rewritten in place. */
function lines(entries: Record<string, unknown>, view: View) {
  const keys = Object.keys(entries);
  return html`${keyedList({ items: keys, keyOf: (_key, index) => keys[index], template: (key) => html`<div>${view.text(entries[key as string])}</div>` })}`;
}

function writeEntries(view: View, work: FrameWork, where: 'append' | 'prepend'): unknown {
  if (work.entries.length === 0) return NOTHING;
  if (!view.hasContent) clearContent(view.host);
  const { renderer } = view;
  const entry = (value: unknown): string | Node => (renderer ? renderEntry(renderer, value, view) : view.text(value));
  insertEntries(view.host, work.entries.map(entry), where, view.limit);
  return work.entries[work.entries.length - 1];
}
