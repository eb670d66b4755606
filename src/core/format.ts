/**
 * Value formats (SPEC 3.2, `format`): what an HTML author expects each named
 * format to print, built on `Intl`. A formatter is built once per binding
 * (Intl objects are costly to create) and never throws while formatting:
 * input it cannot format is printed with the `text` format instead.
 */
import { ConfigError } from './errors.js';
import { formatJson, formatText } from './text.js';

export { formatText };

/** Every format name `format` accepts. */
export const FORMATS = [
  'text', 'number', 'percent', 'currency', 'date', 'time', 'datetime', 'relative', 'bytes', 'json',
] as const;

/** A format name `format` accepts. */
export type Format = (typeof FORMATS)[number];

/** How to format: the format name (default `text`, also when empty), a BCP 47 `locale` (default: the runtime's), an ISO 4217
 * `currency` (default USD), fraction `digits` (0–20), and a `timeZone` for dates (default: the runtime's). */
export interface FormatOptions { format?: string; locale?: string; currency?: string; digits?: number; timeZone?: string }

/** Turns a selected value into display text; `now` (ms since epoch, default Date.now()) is for `relative`. */
export type Formatter = (value: unknown, now?: number) => string;

interface Settings { locale: string | undefined; currency: string; digits: number | undefined; timeZone: string | undefined }

/** Builds the formatter of one format from validated settings. */
const BUILDERS: Record<string, (settings: Settings) => Formatter> = {
  text: () => formatText,
  number: (settings) => numberFormatter(settings, {}),
  percent: (settings) => numberFormatter(settings, { style: 'percent' }),
  currency: (settings) => numberFormatter(settings, { style: 'currency', currency: settings.currency }),
  date: (settings) => dateFormatter(settings, { dateStyle: 'medium' }),
  time: (settings) => dateFormatter(settings, { timeStyle: 'medium' }),
  datetime: (settings) => dateFormatter(settings, { dateStyle: 'medium', timeStyle: 'medium' }),
  relative: relativeFormatter,
  bytes: bytesFormatter,
  json: () => formatJson,
};

/**
 * Builds a formatter; throws ConfigError naming an unknown format, an invalid currency code or an invalid locale or
 * digits. Intl objects are built once per formatter (never per call). What each format prints:
 * - `text`: strings as is; numbers and booleans via String; null/undefined → ''; objects and arrays → JSON.
 * - `number`: Intl.NumberFormat with `digits` as both minimum and maximum fraction digits.
 * - `percent`: the value is a fraction (0.05 → 5%). `currency`: in `currency` (default USD).
 *   Numbers and numeric strings ("12.5") count as numbers; anything else is printed with `text`, never as "NaN".
 * - `date` / `time` / `datetime`: the value is ms since epoch (a number; no guessing at seconds) or a string Date can
 *   parse; medium date style, medium time style, or both. An invalid date is printed with `text`.
 * - `relative`: like "3 minutes ago" or "in 2 hours", in seconds, minutes, hours, days, months or years by distance.
 * - `bytes`: 1000-based units, e.g. "1.5 kB", "12 MB" (one fraction digit unless `digits` is given).
 * - `json`: compact JSON.
 */
export function createFormatter(options: FormatOptions): Formatter {
  const format = options.format || 'text';
  const build = Object.hasOwn(BUILDERS, format) ? BUILDERS[format] : undefined;
  if (!build) throw new ConfigError(`unknown format "${format}" (expected one of ${FORMATS.join(', ')})`);
  return guard(build(validateSettings(options)));
}

/** True for formats whose output changes as time passes (relative), so the element re-renders. */
export function isTimeDependent(format: string | undefined): boolean {
  return format === 'relative';
}

function validateSettings(options: FormatOptions): Settings {
  const locale = options.locale || undefined;
  if (locale !== undefined) check(() => Intl.getCanonicalLocales(locale), `invalid locale "${locale}"`);
  const digits = options.digits;
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 0 && digits <= 20)) {
    throw new ConfigError(`invalid digits "${digits}" (expected a whole number from 0 to 20)`);
  }
  const currency = options.currency || 'USD';
  if (!/^[A-Za-z]{3}$/.test(currency)) throw new ConfigError(`invalid currency "${currency}" (expected a code like USD)`);
  const timeZone = options.timeZone || undefined;
  if (timeZone !== undefined) check(() => new Intl.DateTimeFormat(undefined, { timeZone }), `invalid time zone "${timeZone}"`);
  return { locale, currency, digits, timeZone };
}

/** Runs an Intl constructor for its validation, turning its RangeError into a ConfigError. */
function check(construct: () => unknown, message: string): void {
  try {
    construct();
  } catch {
    throw new ConfigError(message);
  }
}

/** Falls back to `text` should Intl reject a value, so rendering never throws. */
function guard(formatter: Formatter): Formatter {
  return (value, now) => {
    try {
      return formatter(value, now);
    } catch {
      return formatText(value);
    }
  };
}

function digitOptions(digits: number | undefined): Intl.NumberFormatOptions {
  return digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
}

function numberFormatter(settings: Settings, style: Intl.NumberFormatOptions): Formatter {
  const intl = new Intl.NumberFormat(settings.locale, { ...style, ...digitOptions(settings.digits) });
  return (value) => {
    const number = toNumber(value);
    return number === undefined ? formatText(value) : intl.format(number);
  };
}

/** A finite number, or the number a plain numeric string ("12.5", "-3e2") spells; undefined otherwise. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Ms since epoch from a number (always ms) or a string Date can parse; undefined when not a valid date. */
function toTime(value: unknown): number | undefined {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? time : undefined;
}

function dateFormatter(settings: Settings, style: Intl.DateTimeFormatOptions): Formatter {
  const intl = new Intl.DateTimeFormat(settings.locale, { ...style, timeZone: settings.timeZone });
  return (value) => {
    const time = toTime(value);
    return time === undefined ? formatText(value) : intl.format(time);
  };
}

/** Each unit `relative` may pick, with its length in ms and how many of it before the next unit takes over. */
const RELATIVE_UNITS: readonly { unit: Intl.RelativeTimeFormatUnit; ms: number; below: number }[] = [
  { unit: 'second', ms: 1000, below: 60 },
  { unit: 'minute', ms: 60_000, below: 60 },
  { unit: 'hour', ms: 3_600_000, below: 24 },
  { unit: 'day', ms: 86_400_000, below: 30 },
  { unit: 'month', ms: 2_592_000_000, below: 12 },
  { unit: 'year', ms: 31_536_000_000, below: Infinity },
];

function relativeFormatter(settings: Settings): Formatter {
  const intl = new Intl.RelativeTimeFormat(settings.locale, { numeric: 'auto' });
  return (value, now = Date.now()) => {
    const time = toTime(value);
    if (time === undefined) return formatText(value);
    const distance = time - now;
    // Rounding decides the unit, so 59.7 s reads "in 1 minute" rather than "in 60 seconds"; years take everything else.
    const { unit, ms } = RELATIVE_UNITS.find((step) => Math.abs(Math.round(distance / step.ms)) < step.below)!;
    return intl.format(Math.round(distance / ms), unit);
  };
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

function bytesFormatter(settings: Settings): Formatter {
  const fraction = settings.digits ?? 1;
  const digits = settings.digits === undefined ? { maximumFractionDigits: 1 } : digitOptions(settings.digits);
  // One Intl object per unit, made when first needed: most values stay within one or two units.
  const intls = new Map<string, Intl.NumberFormat>();
  const intlFor = (unit: string) => {
    let intl = intls.get(unit);
    if (!intl) {
      intl = new Intl.NumberFormat(settings.locale, { style: 'unit', unit, unitDisplay: 'short', ...digits });
      intls.set(unit, intl);
    }
    return intl;
  };
  return (value) => {
    const number = toNumber(value);
    if (number === undefined) return formatText(value);
    const power = bytePower(Math.abs(number), fraction);
    return intlFor(BYTE_UNITS[power]).format(number / 1000 ** power);
  };
}

/** The power of 1000 to print `size` in: the largest whose amount, once rounded, is at least 1 and below 1000. */
function bytePower(size: number, fraction: number): number {
  let power = 0;
  while (power < BYTE_UNITS.length - 1 && Number((size / 1000 ** power).toFixed(fraction)) >= 1000) power++;
  return power;
}
