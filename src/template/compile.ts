/**
 * Author templates (SPEC 3.2): a `<template>` child of `<ws-bind>` becomes a
 * lit-html template whose parts read the selected value. `{{ path }}` in text
 * is text, in an attribute it interpolates, `?attr` toggles, `.prop` sets a
 * property, `{{ path | format:arg }}` formats, and a nested
 * `<template each="path" key="path">` repeats with keyed DOM moves. Paths are
 * looked up, never evaluated, so no `eval` or `new Function` is needed.
 */
import { html, render, type TemplateResult } from 'lit/html.js';
import { repeat } from 'lit/directives/repeat.js';
import { createFormatter, formatText } from '../core/format.js';
import { MISSING, parsePath, selectPath } from '../core/path.js';
import { clearContent } from '../core/content.js';

/** Renders a compiled template for one context value. */
export type TemplateRenderer = (context: unknown) => TemplateResult;

/** Per host, the marker lit renders before; a host without one (or whose content was replaced) starts a fresh render. */
const renderEnds = new WeakMap<HTMLElement, Comment>();

/** Writes a compiled template for `context` into `host`'s light DOM, replacing the placeholder the first time. */
export function renderTemplate(host: HTMLElement, renderer: TemplateRenderer, context: unknown): void {
  let end = renderEnds.get(host);
  if (!end?.isConnected) {
    clearContent(host);
    end = host.appendChild(document.createComment(''));
    renderEnds.set(host, end);
  }
  render(renderer(context), host, { renderBefore: end });
}

/**
 * One append/prepend entry (SPEC 3.2): the template rendered once for `context`. A template of one element is that
 * element; anything else is held in a `<div>`, so each entry is one element and `limit` counts entries.
 */
export function renderEntry(renderer: TemplateRenderer, context: unknown): Element {
  const holder = document.createElement('div');
  render(renderer(context), holder);
  const only = holder.firstElementChild;
  // lit's marker comments and the template's indentation do not count as content beside the element.
  const besides = [...holder.childNodes].filter((node) => node !== only && !(node instanceof Comment) && node.textContent?.trim());
  return only && holder.childElementCount === 1 && besides.length === 0 ? only : holder;
}

type Evaluate = (context: unknown) => unknown;

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
/** The attribute a binding sits in, read from the markup before it: prefix, name. */
const OPEN_ATTRIBUTE = /\s([.?]?)([^\s"'>/=]+)\s*=\s*["']?[^"']*$/;
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href']);
const EACH_MARK = '@each';

/** Compiles an author template; throws ConfigError (from the path and format parsers) naming a bad path or format. */
export function compileTemplate(template: HTMLTemplateElement, locale?: string): TemplateRenderer {
  const content = template.content.cloneNode(true) as DocumentFragment;
  const lists = [...content.querySelectorAll<HTMLTemplateElement>('template[each]')].map((nested, index) => {
    nested.replaceWith(`{{${EACH_MARK}${index}}}`);
    return compileList(nested, locale);
  });
  const holder = document.createElement('div');
  holder.append(content);
  const parts = holder.innerHTML.split(EXPRESSION);
  const strings: string[] = [];
  const values: Evaluate[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 0) return void strings.push(part);
    const before = strings[strings.length - 1] ?? '';
    const expression = decodeEntities(part.trim());
    values.push(expression.startsWith(EACH_MARK) ? lists[Number(expression.slice(EACH_MARK.length))] : compileExpression(expression, before, locale));
  });
  // lit caches by the identity of this array, built once per template.
  const templateStrings = Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray;
  return (context) => html(templateStrings, ...values.map((value) => value(context)));
}

/** A nested `<template each key>`: a keyed repeat over an array or an object's entries. */
function compileList(nested: HTMLTemplateElement, locale?: string): Evaluate {
  const itemsPath = parsePath(nested.getAttribute('each') ?? '');
  const keyAttribute = nested.getAttribute('key');
  const keyPath = keyAttribute === null ? undefined : parsePath(keyAttribute);
  const item = compileTemplate(nested, locale);
  return (context) => {
    const items = lookup(context, itemsPath);
    if (Array.isArray(items)) {
      const key = (entry: unknown, index: number) => (keyPath ? String(lookup(entry, keyPath)) : index);
      return repeat(items, key, (entry) => item(entry));
    }
    if (typeof items !== 'object' || items === null) return '';
    const entries = Object.entries(items as Record<string, unknown>).map(([key, value]) => ({ key, value }));
    return repeat(entries, (entry) => entry.key, (entry) => item(entry));
  };
}

/** `path`, `.`, `path | format` or `path | format:arg`, for the binding kind its position implies. */
function compileExpression(expression: string, before: string, locale?: string): Evaluate {
  const [pathText = '', pipe] = expression.split('|').map((piece) => piece.trim());
  const path = pathText === '.' ? [] : parsePath(pathText);
  const format = pipe === undefined ? undefined : pipeFormatter(pipe, locale);
  const attribute = OPEN_ATTRIBUTE.exec(before);
  const raw = attribute !== null && attribute[1] !== '';
  const isUrl = attribute !== null && !raw && URL_ATTRIBUTES.has(attribute[2].toLowerCase());
  return (context) => {
    const value = lookup(context, path);
    if (format) return format(value);
    if (raw) return value;
    const text = formatText(value);
    return isUrl && /^\s*javascript:/i.test(text) ? '' : text;
  };
}

/** `currency:EUR` sets the currency; `number:2` (any numeric argument) sets the digits. */
function pipeFormatter(pipe: string, locale?: string): (value: unknown) => string {
  const [format, argument] = pipe.split(':').map((piece) => piece.trim());
  const digits = argument !== undefined && /^\d+$/.test(argument) ? Number(argument) : undefined;
  const currency = digits === undefined ? argument : undefined;
  return createFormatter({ format, locale, currency, digits });
}

function lookup(context: unknown, path: ReturnType<typeof parsePath>): unknown {
  const value = path.length === 0 ? context : selectPath(context, path);
  return value === MISSING ? undefined : value;
}

/** Expressions inside attributes come back from serialization with entities. */
function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
