/**
 * What `<ws-send>` sends for a user action (SPEC 3.3): a form's fields, a
 * control's `{name: value}` or a clicked button's `name`/`value`, merged over
 * the JSON of its `data` attribute.
 */
import { ConfigError } from './errors.js';

type Fields = Record<string, unknown>;

/** A form's fields as an object; repeated names become arrays. */
export function formFields(form: HTMLFormElement, submitter?: HTMLElement | null): Fields {
  const fields: Fields = {};
  for (const [name, value] of new FormData(form, submitter ?? undefined)) {
    const text = typeof value === 'string' ? value : value.name;
    const existing = fields[name];
    if (existing === undefined) fields[name] = text;
    else fields[name] = Array.isArray(existing) ? [...(existing as unknown[]), text] : [existing, text];
  }
  return fields;
}

/** A named control's or button's `{name: value}`; empty when it has no name. */
export function controlFields(control: Element | null): Fields {
  if (!control) return {};
  const name = control.getAttribute('name');
  if (!name) return {};
  const input = control as HTMLInputElement;
  const value = input.type === 'checkbox' || input.type === 'radio' ? (input.checked ? input.value : null) : input.value;
  return { [name]: value ?? control.getAttribute('value') };
}

/** Parses the `data` attribute; throws ConfigError naming the bad JSON. */
export function parseData(text: string | null): Fields {
  if (text === null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`data is not valid JSON: ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`data must be a JSON object: ${text}`);
  }
  return parsed as Fields;
}

/** A random publish id (128 bits), unique to this page; `getRandomValues` works on insecure origins too, unlike `randomUUID`. */
export function publishId(): string {
  return Array.from(crypto.getRandomValues(new Uint32Array(4)), (part) => part.toString(36).padStart(7, '0')).join('');
}
