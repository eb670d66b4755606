/**
 * `style="… {{ path }} …"` in a template (SPEC 3.2): each declaration is set
 * through the CSSOM (`style.setProperty`), never as a `style` attribute
 * string, so a page whose CSP has no `'unsafe-inline'` for styles works. A
 * value is set as one property's value, so a bound value holding `;` cannot
 * add declarations: the browser rejects it as that property's value.
 *
 * `data-ws-style` is the same binding under a name the page's HTML parser
 * does not treat as inline style: a strict CSP reports every `style`
 * attribute the parser meets, even inside a `<template>` where it is never
 * applied.
 */
import { noChange } from 'lit/html.js';
import { Directive, PartType, directive, type AttributePart, type PartInfo } from 'lit/directive.js';

/** Property name to value (with `!important` when the declaration had it); a value of undefined removes it. */
export type StyleDeclarations = ReadonlyMap<string, string | undefined>;

const IMPORTANT = /\s*!\s*important\s*$/i;

class CssomStyleDirective extends Directive {
  /** What this binding wrote last time, by property, so an unchanged value is not written again. */
  #written = new Map<string, string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ATTRIBUTE) throw new Error('cssomStyle belongs in an attribute');
  }

  render(_declarations: StyleDeclarations): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [declarations]: [StyleDeclarations]): typeof noChange {
    const { style } = part.element as HTMLElement | SVGElement;
    for (const name of this.#written.keys()) {
      if (declarations.get(name) === undefined) {
        style.removeProperty(name);
        this.#written.delete(name);
      }
    }
    for (const [name, value] of declarations) {
      if (value === undefined || this.#written.get(name) === value) continue;
      // A value the property refuses is ignored by setProperty: remove the old one first, so it does not stay.
      if (this.#written.has(name)) style.removeProperty(name);
      const important = IMPORTANT.test(value);
      style.setProperty(name, important ? value.replace(IMPORTANT, '') : value, important ? 'important' : '');
      this.#written.set(name, value);
    }
    return noChange;
  }
}

/** The attributes a template may write its style binding in. */
export const STYLE_ATTRIBUTES: ReadonlySet<string> = new Set(['style', 'data-ws-style']);

/** The attribute the compiled template carries the style binding in: one no parser applies as style. */
export const STYLE_BINDING_ATTRIBUTE = 'data-ws-style';

/** Binds an element's style to declarations written through the CSSOM (the attribute itself is never written). */
export const cssomStyle = directive(CssomStyleDirective);

/** One declaration of a `style` attribute as the author wrote it: a static property name and its value's text. */
export interface StyleDeclarationText {
  name: string;
  value: string;
}

/**
 * Splits a `style` attribute's text into declarations at the `;` that end them (not those inside parentheses,
 * quotes or `{{ }}`). Throws on a declaration without `:`, or with a binding in its property name.
 */
export function splitDeclarations(text: string): StyleDeclarationText[] {
  const declarations: StyleDeclarationText[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  const finish = (end: number): void => {
    const declaration = text.slice(start, end).trim();
    start = end + 1;
    if (declaration === '') return;
    const colon = declaration.indexOf(':');
    const name = colon < 0 ? '' : declaration.slice(0, colon).trim();
    if (name === '' || name.includes('{{')) throw new Error(`invalid style declaration "${declaration}" (expected property: value)`);
    declarations.push({ name: name.startsWith('--') ? name : name.toLowerCase(), value: declaration.slice(colon + 1).trim() });
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(' || (char === '{' && text[index + 1] === '{')) depth++;
    else if (char === ')' || (char === '}' && text[index + 1] === '}')) depth--;
    else if (char === ';' && depth <= 0) finish(index);
  }
  finish(text.length);
  return declarations;
}
