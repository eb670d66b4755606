/**
 * The command line: `npm run server -- --port 8787 --host 127.0.0.1 …`.
 * Every option of `createServer` is a flag; `--help` lists them with their
 * defaults.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, OPTION_FLAGS, type ServerOptions } from './options.js';
import { createServer } from './server.js';

function usage(): string {
  const lines = OPTION_FLAGS.map(({ name, flag, kind, help }) => {
    const value = DEFAULT_OPTIONS[name];
    const shown = Array.isArray(value) ? value.join(',') || 'none' : (value ?? 'none');
    const argument = kind === 'number' ? ' N' : ' VALUE';
    return `  ${`--${flag}${argument}`.padEnd(26)} ${help} (default: ${String(shown)})`;
  });
  return ['Usage: npm run server -- [options]', '', 'Options:', ...lines, `  ${'--help'.padEnd(26)} show this help`].join('\n');
}

/** Reads the flags into options; throws naming a flag whose value is not a number. */
function readFlags(argv: string[]): Partial<ServerOptions> | 'help' {
  const config = Object.fromEntries(
    OPTION_FLAGS.map(({ flag, kind }) => [flag, { type: 'string' as const, multiple: kind === 'list' }]),
  );
  const { values } = parseArgs({ args: argv, options: { ...config, help: { type: 'boolean' } }, strict: true });
  if (values.help) return 'help';
  const options: Record<string, unknown> = {};
  for (const { name, flag, kind } of OPTION_FLAGS) {
    const raw = (values as Record<string, string | string[] | undefined>)[flag];
    if (raw === undefined) continue;
    if (kind === 'list') options[name] = (raw as string[]).flatMap((item) => item.split(',')).filter(Boolean);
    else if (kind === 'string') options[name] = raw;
    else options[name] = readNumber(flag, raw as string);
  }
  return options;
}

function readNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new RangeError(`--${flag} must be a number ≥ 0, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  let flags: Partial<ServerOptions> | 'help';
  try {
    flags = readFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
  if (flags === 'help') {
    console.log(usage());
    return;
  }
  const server = await createServer(flags).catch((error: Error) => {
    console.error(`ws-bind server: ${error.message}`);
    process.exit(1);
  });
  console.log(`ws-bind reference server on ${server.url}`);
  const shutdown = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
