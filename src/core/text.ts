/**
 * The `text` and `json` formats (SPEC 3.2): what every `<ws-bind>` needs
 * without Intl, so the Intl formats in `format.ts` can load only when an
 * element asks for one.
 */

/** The `text` format: strings as is; numbers/booleans via String; null/undefined → ''; objects/arrays → JSON. */
export function formatText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return formatJson(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects went to formatJson above
  return String(value);
}

/** The `json` format: compact JSON; '' for undefined, and `text` for what JSON cannot encode (cycles, bigints). */
export function formatJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects take the branch before
    return typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
  }
}
