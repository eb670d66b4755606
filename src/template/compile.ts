/**
 * Author templates (SPEC 3.2): a `<template>` child of `<ws-bind>` becomes a
 * lit-html template whose parts read the selected value. `{{ path }}` in text
 * is text, in an attribute it interpolates, `?attr` toggles, `.prop` sets a
 * property, `{{ path | format:arg }}` formats, `{{ a == b }}` (or `!=`)
 * compares two paths, `$session` or a quoted string, and a nested
 * `<template each="path" key="path">` repeats with keyed DOM moves. Paths are
 * looked up, never evaluated, so no `eval` or `new Function` is needed.
 * `$session` is the connection's session id, so a page can mark its own entry
 * (`?data-mine="{{ key == $session }}"`).
 *
 * Two kinds of attribute are bound whole rather than piece by piece: URL
 * attributes, whose complete value is checked against the URL policy (a
 * refused value leaves the attribute out), and `style`, whose declarations
 * are written through the CSSOM. Bindings that would let data become code
 * (event handler attributes, `srcdoc`, `.innerHTML`) are template errors.
 */
import { html, nothing, render, type TemplateResult } from 'lit/html.js';
import { ConfigError } from '../core/errors.js';
import { createFormatter, formatText } from '../core/format.js';
import { MISSING, parsePath, selectPath } from '../core/path.js';
import { clearContent } from '../core/content.js';
import { keyedList } from './keyed-list.js';
import { STYLE_ATTRIBUTES, STYLE_BINDING_ATTRIBUTE, cssomStyle, splitDeclarations } from './style-binding.js';
import { URL_ATTRIBUTES, isAllowedUrl, isUrlAttribute } from './url-policy.js';

/** What a template sees besides its value: `$session`, the `welcome` id of the element's connection. */
export interface TemplateEnv { readonly session?: string }

/** Renders a compiled template for one context value. */
export type TemplateRenderer = (context: unknown, env?: TemplateEnv) => TemplateResult;

/** Per host, the marker lit renders before; a host without one (or whose content was replaced) starts a fresh render. */
const renderEnds = new WeakMap<HTMLElement, Comment>();

/** Writes a compiled template for `context` into `host`'s light DOM, replacing the placeholder the first time. */
export function renderTemplate(host: HTMLElement, renderer: TemplateRenderer, context: unknown, env?: TemplateEnv): void {
  let end = renderEnds.get(host);
  if (!end?.isConnected) {
    clearContent(host);
    end = host.appendChild(document.createComment(''));
    renderEnds.set(host, end);
  }
  render(renderer(context, env), host, { renderBefore: end });
}

/**
 * One append/prepend entry (SPEC 3.2): the template rendered once for `context`. A template of one element is that
 * element; anything else is held in a `<div>`, so each entry is one element and `limit` counts entries.
 */
export function renderEntry(renderer: TemplateRenderer, context: unknown, env?: TemplateEnv): Element {
  const holder = document.createElement('div');
  render(renderer(context, env), holder);
  const only = holder.firstElementChild;
  // lit's marker comments and the template's indentation do not count as content beside the element.
  const besides = [...holder.childNodes].filter((node) => node !== only && !(node instanceof Comment) && node.textContent?.trim());
  return only && holder.childElementCount === 1 && besides.length === 0 ? only : holder;
}

type Evaluate = (context: unknown, env?: TemplateEnv) => unknown;

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
/** The attribute a binding sits in, read from the markup before it: prefix, name. */
const OPEN_ATTRIBUTE = /\s([.?]?)([^\s"'>/=]+)\s*=\s*["']?[^"']*$/;
/** Stands in the markup for a part compiled apart (a nested list, a whole attribute), by its index. */
const PART_MARK = '@part';
/** Elements whose content is raw text, where lit cannot place a binding. */
const RAW_TEXT_ELEMENTS = 'script, style, textarea, title';
/** Properties that would parse their value as markup or navigate to it. */
const UNSAFE_PROPERTIES = new Set(['innerhtml', 'outerhtml', 'srcdoc', ...URL_ATTRIBUTES]);

/**
 * Compiles an author template; throws ConfigError naming what is wrong: an unknown pipe, a bad path, an unclosed
 * `{{`, a bad `each`, or a binding where data could become code.
 */
export function compileTemplate(template: HTMLTemplateElement, locale?: string): TemplateRenderer {
  const content = template.content.cloneNode(true) as DocumentFragment;
  const separate: Evaluate[] = [];
  const mark = (evaluate: Evaluate): string => `{{${PART_MARK}${separate.push(evaluate) - 1}}}`;
  for (const nested of content.querySelectorAll<HTMLTemplateElement>('template[each]')) {
    nested.replaceWith(mark(compileList(nested, locale)));
  }
  for (const raw of content.querySelectorAll(RAW_TEXT_ELEMENTS)) {
    if (raw.textContent?.includes('{{')) throw new ConfigError(`a binding inside <${raw.localName}> is not supported`);
  }
  for (const element of content.querySelectorAll('*')) {
    const styles = [...element.attributes].filter((attribute) => STYLE_ATTRIBUTES.has(attribute.name));
    for (const attribute of element.attributes) {
      const whole = STYLE_ATTRIBUTES.has(attribute.name) ? undefined : compileWholeAttribute(element.localName, attribute, locale);
      if (whole) attribute.value = mark(whole);
    }
    if (styles.length === 0) continue;
    // Moved to an attribute no parser applies as style, so neither lit's parse nor this one meets a `style` attribute.
    const style = compileStyle(styles.map((attribute) => attribute.value).join(';'), locale);
    styles.forEach((attribute) => element.removeAttribute(attribute.name));
    element.setAttribute(STYLE_BINDING_ATTRIBUTE, mark(style));
  }
  // Serialized from a <template>, whose content stays inert: no style attribute is applied, no image loads.
  const holder = document.createElement('template');
  holder.content.append(content);
  const parts = holder.innerHTML.split(EXPRESSION);
  const strings: string[] = [];
  const values: Evaluate[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 0) return void strings.push(checkClosed(part));
    const before = strings[strings.length - 1] ?? '';
    const expression = decodeEntities(part.trim());
    values.push(expression.startsWith(PART_MARK) ? separate[Number(expression.slice(PART_MARK.length))] : compileExpression(expression, before, locale));
  });
  // lit caches by the identity of this array, built once per template.
  const templateStrings = Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray;
  return (context, env) => html(templateStrings, ...values.map((value) => value(context, env)));
}

/** A nested `<template each key>`: a keyed list over an array (by `key`, else position) or an object's entries (by name). */
function compileList(nested: HTMLTemplateElement, locale?: string): Evaluate {
  const each = nested.getAttribute('each')?.trim() ?? '';
  if (each === '') throw new ConfigError('<template each> needs a path to the items ("." for the value itself)');
  const itemsPath = each === '.' ? [] : parsePath(each);
  const keyAttribute = nested.getAttribute('key');
  if (keyAttribute !== null && keyAttribute.trim() === '') throw new ConfigError(`<template each="${each}"> has an empty key`);
  const keyPath = keyAttribute === null ? undefined : parsePath(keyAttribute.trim());
  const template = compileTemplate(nested, locale);
  return (context, env) => {
    const items = lookup(context, itemsPath);
    const itemTemplate = (item: unknown) => template(item, env);
    if (Array.isArray(items)) {
      const keyOf = (entry: unknown, index: number): string => (keyPath ? String(lookup(entry, keyPath)) : String(index));
      return keyedList({ items, keyOf, template: itemTemplate });
    }
    const entries = typeof items === 'object' && items !== null
      ? Object.entries(items as Record<string, unknown>).map(([key, value]) => ({ key, value }))
      : [];
    return keyedList({ items: entries, keyOf: (_entry, index) => entries[index].key, template: itemTemplate });
  };
}

/**
 * A URL attribute with a binding, compiled as one part checked whole against the URL policy. Undefined for attributes
 * lit binds piece by piece; throws for a binding where data could become code.
 */
function compileWholeAttribute(tag: string, attribute: Attr, locale?: string): Evaluate | undefined {
  const { name, value } = attribute;
  if (!value.includes('{{')) return undefined;
  if (name.startsWith('on') || name === 'srcdoc') throw new ConfigError(`the ${name} attribute cannot take a binding ("${value}")`);
  if (name.startsWith('.') && UNSAFE_PROPERTIES.has(name.slice(1))) {
    throw new ConfigError(`the ${name.slice(1)} property cannot take a binding ("${value}"); bind URLs as attributes`);
  }
  if (!isUrlAttribute(tag, name)) return undefined;
  const joined = compileInterpolation(value, locale);
  return (context, env) => {
    const url = joined(context, env);
    return isAllowedUrl(url, document.baseURI) ? url : nothing;
  };
}

/** A `style` (or `data-ws-style`) attribute, bound or not: its declarations, each value interpolated, written through the CSSOM. */
function compileStyle(text: string, locale?: string): Evaluate {
  const declarations = splitDeclarations(text).map(({ name, value }) => ({ name, value: compileInterpolation(value, locale) }));
  return (context, env) => cssomStyle(new Map(declarations.map(({ name, value }) => [name, value(context, env) || undefined])));
}

/** Text with `{{ }}` bindings, rendered to one string for a context. */
function compileInterpolation(text: string, locale?: string): (context: unknown, env?: TemplateEnv) => string {
  const pieces = text.split(EXPRESSION).map((piece, index) =>
    index % 2 === 0 ? checkClosed(piece) : compileText(piece.trim(), locale));
  return (context, env) => pieces.map((piece) => (typeof piece === 'string' ? piece : piece(context, env))).join('');
}

/** Static text between bindings must hold no `{{` that never closes. */
function checkClosed(text: string): string {
  const open = text.indexOf('{{');
  if (open >= 0) throw new ConfigError(`unclosed placeholder "${text.slice(open, open + 30)}" (expected }})`);
  return text;
}

/** `path`, `.`, `path | format` or `path | format:arg`, as text. */
function compileText(expression: string, locale?: string): (context: unknown, env?: TemplateEnv) => string {
  const [valueText = '', pipe] = expression.split('|').map((piece) => piece.trim());
  const value = compileValue(valueText);
  const format = pipe === undefined ? formatText : pipeFormatter(pipe, locale);
  return (context, env) => format(value(context, env));
}

/** An expression for the binding kind its position implies: raw for `.prop` and `?attr`, text anywhere else. */
function compileExpression(expression: string, before: string, locale?: string): Evaluate {
  const attribute = OPEN_ATTRIBUTE.exec(before);
  const raw = attribute !== null && attribute[1] !== '';
  return !raw || expression.includes('|') ? compileText(expression, locale) : compileValue(expression);
}

/** A comparison `a == b` or `a != b` (true or false), else one operand. */
function compileValue(expression: string): Evaluate {
  const comparison = /^(.*?)\s*([!=])=\s*(.*)$/.exec(expression);
  if (!comparison) return compileOperand(expression);
  const [, left, operator, right] = comparison;
  const [a, b] = [compileOperand(left), compileOperand(right)];
  return (context, env) => (a(context, env) === b(context, env)) === (operator === '=');
}

/** `$session`, a string in quotes, or a path (`.` for the value itself). */
function compileOperand(text: string): Evaluate {
  if (text === '$session') return (_context, env) => env?.session;
  if (/^(["']).*\1$/.test(text)) return () => text.slice(1, -1);
  const path = text === '.' ? [] : parsePath(text);
  return (context) => lookup(context, path);
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
