/**
 * Endpoint URLs (SPEC 3, `src`): splitting a failover list and resolving
 * each entry to the scheme its transport needs.
 */
import { ConfigError } from './errors.js';

/** The transport that will open the URL: WebSocket or `EventSource`. */
export type Transport = 'ws' | 'sse';

/** Scheme to use for each accepted input scheme, per transport. */
const SCHEME_MAP: Record<Transport, Record<string, string>> = {
  ws: { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' },
  sse: { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' },
};

/** Splits a `src` attribute into its URLs (several, separated by whitespace, mean failover). */
export function splitSources(src: string): string[] {
  return src.split(/\s+/).filter((part) => part !== '');
}

/**
 * Resolves one endpoint URL against `base` (document.baseURI): ws:/wss: as is, http:/https: → ws:/wss:, relative
 * resolved with the scheme mapped. transport 'sse' maps the other way (ws→http, wss→https). The fragment is dropped,
 * since the WebSocket constructor refuses URLs that carry one. Throws ConfigError naming the value for an empty or
 * unparsable URL or another scheme (e.g. "ftp://x", "http://[bad").
 */
export function resolveEndpoint(src: string, base: string, transport: Transport = 'ws'): string {
  const text = src.trim();
  if (text === '') throw new ConfigError(`empty endpoint URL "${src}"`);
  const url = parseUrl(text, base);
  if (!url) throw new ConfigError(`unparsable endpoint URL "${src}"`);
  const scheme = SCHEME_MAP[transport][url.protocol];
  if (!scheme) {
    throw new ConfigError(`unsupported scheme "${url.protocol}" in endpoint URL "${src}" (use ws:, wss:, http: or https:)`);
  }
  url.protocol = scheme;
  url.hash = '';
  return url.href;
}

/** Parses `text` against `base`, ignoring a base that is itself unparsable (about:blank-like documents). */
function parseUrl(text: string, base: string): URL | null {
  try {
    return new URL(text, isParsable(base) ? base : undefined);
  } catch {
    return null;
  }
}

function isParsable(base: string): boolean {
  try {
    new URL(base);
    return true;
  } catch {
    return false;
  }
}
