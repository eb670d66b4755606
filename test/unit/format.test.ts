import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createFormatter, FORMATS, isTimeDependent, type FormatOptions } from '../../src/core/format.js';
import { ConfigError } from '../../src/core/errors.js';

/** Formats with plain spaces, since Intl separates some parts with (narrow) no-break spaces. */
function show(options: FormatOptions, value: unknown, now?: number): string {
  return createFormatter(options)(value, now).replace(/\s/g, ' ');
}

const US = { locale: 'en-US' };
const NOON = Date.UTC(2024, 0, 15, 12);

test('text prints strings as is, scalars via String, nothing for null, JSON for objects', () => {
  assert.equal(show({}, 'a <b>'), 'a <b>');
  assert.equal(show({ format: 'text' }, 12.5), '12.5');
  assert.equal(show({ format: '' }, false), 'false');
  assert.equal(show({}, null), '');
  assert.equal(show({}, undefined), '');
  assert.equal(show({}, { a: [1, 'x'] }), '{"a":[1,"x"]}');
  assert.equal(show({}, [1, 2]), '[1,2]');
});

test('number uses Intl with digits as the fraction digits', () => {
  assert.equal(show({ format: 'number', ...US }, 1234.5), '1,234.5');
  assert.equal(show({ format: 'number', ...US, digits: 2 }, 1234.5), '1,234.50');
  assert.equal(show({ format: 'number', ...US, digits: 0 }, 2.6), '3');
  assert.equal(show({ format: 'number', ...US }, '12.5'), '12.5');
  assert.equal(show({ format: 'number', locale: 'de-DE', digits: 2 }, 1234.5), '1.234,50');
});

test('percent takes a fraction', () => {
  assert.equal(show({ format: 'percent', ...US }, 0.05), '5%');
  assert.equal(show({ format: 'percent', ...US, digits: 1 }, 0.1234), '12.3%');
  assert.equal(show({ format: 'percent', ...US }, '-0.5'), '-50%');
});

test('currency defaults to USD and follows the currency code', () => {
  assert.equal(show({ format: 'currency', ...US }, 12.5), '$12.50');
  assert.equal(show({ format: 'currency', ...US, currency: 'EUR' }, -3), '-€3.00');
  assert.equal(show({ format: 'currency', ...US, currency: 'jpy' }, 1234.5), '¥1,235');
  assert.equal(show({ format: 'currency', ...US, digits: 0 }, 12.5), '$13');
  assert.equal(show({ format: 'currency', locale: 'de-DE', currency: 'EUR' }, 1234.5), '1.234,50 €');
});

test('numeric formats print what is not a number as text, never NaN', () => {
  for (const format of ['number', 'percent', 'currency', 'bytes']) {
    assert.equal(show({ format, ...US }, 'abc'), 'abc', format);
    assert.equal(show({ format, ...US }, '12px'), '12px', format);
    assert.equal(show({ format, ...US }, ''), '', format);
    assert.equal(show({ format, ...US }, null), '', format);
    assert.equal(show({ format, ...US }, true), 'true', format);
    assert.equal(show({ format, ...US }, { a: 1 }), '{"a":1}', format);
    assert.equal(show({ format, ...US }, '0x10'), '0x10', format);
  }
});

test('date, time and datetime read ms since epoch or a date string', () => {
  const utc = { ...US, timeZone: 'UTC' };
  assert.equal(show({ format: 'date', ...utc }, NOON), 'Jan 15, 2024');
  assert.equal(show({ format: 'time', ...utc }, NOON), '12:00:00 PM');
  assert.equal(show({ format: 'datetime', ...utc }, '2024-01-15T12:00:00Z'), 'Jan 15, 2024, 12:00:00 PM');
  // Numbers are always ms: no guessing that a small number means seconds.
  assert.equal(show({ format: 'datetime', ...utc }, 1_700_000_000), 'Jan 20, 1970, 4:13:20 PM');
  assert.equal(show({ format: 'date', locale: 'de-DE', timeZone: 'UTC' }, NOON), '15.01.2024');
});

test('invalid dates are printed as text', () => {
  for (const format of ['date', 'time', 'datetime', 'relative']) {
    assert.equal(show({ format, ...US }, 'not a date'), 'not a date', format);
    assert.equal(show({ format, ...US }, { at: 1 }), '{"at":1}', format);
    assert.equal(show({ format, ...US }, 1e20), '100000000000000000000', format);
    assert.equal(show({ format, ...US }, null), '', format);
  }
});

test('relative picks the unit from the distance to now', () => {
  const relative = (offset: number) => show({ format: 'relative', ...US }, NOON + offset, NOON);
  assert.equal(relative(0), 'now');
  assert.equal(relative(-1000), '1 second ago');
  assert.equal(relative(59_700), 'in 1 minute');
  assert.equal(relative(-30 * 60_000), '30 minutes ago');
  assert.equal(relative(3 * 3_600_000), 'in 3 hours');
  assert.equal(relative(-86_400_000), 'yesterday');
  assert.equal(relative(5 * 86_400_000), 'in 5 days');
  assert.equal(relative(-90 * 86_400_000), '3 months ago');
  assert.equal(relative(5 * 365 * 86_400_000), 'in 5 years');
  assert.equal(show({ format: 'relative', ...US }, '2024-01-15T11:58:00Z', NOON), '2 minutes ago');
  assert.equal(show({ format: 'relative', locale: 'de-DE' }, NOON - 3 * 3_600_000, NOON), 'vor 3 Stunden');
});

test('relative is the only format that depends on the time', () => {
  assert.equal(isTimeDependent('relative'), true);
  for (const format of FORMATS.filter((name) => name !== 'relative')) assert.equal(isTimeDependent(format), false);
  assert.equal(isTimeDependent(undefined), false);
});

test('bytes uses 1000-based units', () => {
  const bytes = (value: unknown, digits?: number) => show({ format: 'bytes', ...US, digits }, value);
  assert.equal(bytes(12), '12 byte');
  assert.equal(bytes(1500), '1.5 kB');
  assert.equal(bytes('1500'), '1.5 kB');
  assert.equal(bytes(12_000_000), '12 MB');
  assert.equal(bytes(999_960), '1 MB');
  assert.equal(bytes(3.2e12), '3.2 TB');
  assert.equal(bytes(5e18), '5,000 PB');
  assert.equal(bytes(-2500), '-2.5 kB');
  assert.equal(bytes(1500, 2), '1.50 kB');
  assert.equal(show({ format: 'bytes', locale: 'de-DE' }, 1500), '1,5 kB');
});

test('json prints compact JSON', () => {
  assert.equal(show({ format: 'json' }, { a: [1, 'x'], b: null }), '{"a":[1,"x"],"b":null}');
  assert.equal(show({ format: 'json' }, 'text'), '"text"');
  assert.equal(show({ format: 'json' }, 3), '3');
  assert.equal(show({ format: 'json' }, undefined), '');
});

test('formatters never throw, whatever the value', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const format of FORMATS) {
    const formatter = createFormatter({ format, ...US });
    for (const value of [cyclic, 10n, Symbol('s'), NaN, Infinity, -0, [], {}, '', '   ']) {
      assert.equal(typeof formatter(value, NOON), 'string', `${format} of ${inspect(value)}`);
    }
  }
});

test('configuration faults name the offending value', () => {
  const faults: [FormatOptions, string][] = [
    [{ format: 'money' }, '"money"'],
    [{ format: 'Number' }, '"Number"'],
    [{ format: 'currency', currency: 'EURO' }, '"EURO"'],
    [{ format: 'currency', currency: '$' }, '"$"'],
    [{ format: 'number', locale: 'en_US' }, '"en_US"'],
    [{ format: 'number', locale: '!!' }, '"!!"'],
    [{ format: 'number', digits: 2.5 }, '"2.5"'],
    [{ format: 'number', digits: -1 }, '"-1"'],
    [{ format: 'number', digits: 21 }, '"21"'],
    [{ format: 'number', digits: NaN }, '"NaN"'],
    [{ format: 'date', timeZone: 'Mars/Base' }, '"Mars/Base"'],
  ];
  for (const [options, named] of faults) {
    assert.throws(() => createFormatter(options), (error: unknown) =>
      error instanceof ConfigError && error.message.includes(named), `expected ${JSON.stringify(options)} to be rejected`);
  }
});

test('every listed format can be built', () => {
  assert.deepEqual([...FORMATS], ['text', 'number', 'percent', 'currency', 'date', 'time', 'datetime', 'relative', 'bytes', 'json']);
  for (const format of FORMATS) assert.equal(typeof createFormatter({ format }), 'function');
});
