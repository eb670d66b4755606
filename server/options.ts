/**
 * The reference server's settings (SPEC section 5): one table that gives
 * every option its default, its command-line flag and its help text, so
 * `createServer` and `npm run server -- --help` never disagree.
 */

/** Every setting of the reference server; `createServer` fills the ones left out from {@link DEFAULT_OPTIONS}. */
export interface ServerOptions {
  /** TCP port; 0 picks any free port. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** URL path of the WebSocket endpoint. */
  path: string;
  /** Largest accepted frame in bytes; a larger one closes the connection with 1009. */
  maxFrame: number;
  /** Topics one connection may subscribe to at once (then `too-many-subscriptions`). */
  maxSubscriptions: number;
  /** Publishes per second per connection, refilled into a token bucket (then `rate-limited`). */
  publishRate: number;
  /** Size of that token bucket: how many publishes may come at once. */
  publishBurst: number;
  /** Bytes that may wait for a client that is behind (unsent on its socket plus gathered for it) before it is closed with 1013. */
  maxBuffer: number;
  /** Events kept per event topic for `since` replay and `history`. */
  history: number;
  /** Milliseconds a dropped connection's session waits to be resumed. */
  resumeWindow: number;
  /** Least milliseconds outgoing messages are gathered into one frame (0 = one event-loop turn); a client behind gets longer windows by itself. */
  packMs: number;
  /** Allowed `Origin` headers; empty allows any. */
  origin: string[];
  /** Token every connection must present (`auth` frame or `token=` query); none: open. */
  token?: string;
  /** HS256 secret (at least 32 bytes) that signs the JWTs clients present (SPEC 4.5). */
  jwtSecret?: string;
  /** Path of a PEM public key (RSA: RS256, P-256: ES256) that verifies the JWTs clients present. */
  jwtPublicKey?: string;
  /** The `aud` a JWT must carry; none: not checked. */
  jwtAudience?: string;
  /** The `iss` a JWT must carry; none: not checked. */
  jwtIssuer?: string;
  /** With `jwtSecret`: a URL path that signs a 60 s demo token for any `?name=` (demos only: anyone gets one). */
  demoTokenPath?: string;
  /** `firehose` updates per second. */
  firehoseRate: number;
  /** Distinct keys the `firehose` updates. */
  firehoseKeys: number;
  /** Milliseconds between `clock` ticks. */
  clockInterval: number;
  /** Milliseconds between `ticker` patches. */
  tickerInterval: number;
  /** Milliseconds between `metrics` samples. */
  metricsInterval: number;
  /** Feeds to serve, by name; the default serves them all. */
  feeds: string[];
  /** Extra event topics that only the server publishes to (embedders, tests). */
  topics: string[];
  /** `redis://host:port` of a Redis (7 or later) that instances share topics and sessions through; none: in memory. */
  redis?: string;
  /** Milliseconds a worker has for one attempt at a task before it goes back to the queue. */
  taskDeadline: number;
  /** Attempts a task gets (worker gone, failed, deadline passed) before it fails for good. */
  taskAttempts: number;
  /** Tasks that may wait per `tasks/<name>` queue; then `submit` rejects. */
  maxQueuedTasks: number;
}

/** The defaults SPEC section 5 gives. */
export const DEFAULT_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  port: 8787,
  host: '127.0.0.1',
  path: '/feeds',
  maxFrame: 65536,
  maxSubscriptions: 100,
  publishRate: 20,
  publishBurst: 40,
  maxBuffer: 1048576,
  history: 100,
  resumeWindow: 30000,
  packMs: 0,
  origin: [],
  token: undefined,
  jwtSecret: undefined,
  jwtPublicKey: undefined,
  jwtAudience: undefined,
  jwtIssuer: undefined,
  demoTokenPath: undefined,
  firehoseRate: 1000,
  firehoseKeys: 1000,
  clockInterval: 1000,
  tickerInterval: 500,
  metricsInterval: 1000,
  feeds: ['clock', 'ticker', 'metrics', 'chat', 'inbox', 'votes', 'faces', 'firehose', 'tasks', 'mandelbrot'],
  topics: [],
  redis: undefined,
  taskDeadline: 30000,
  taskAttempts: 3,
  maxQueuedTasks: 10000,
});

/** How one option is written on the command line. */
export interface OptionFlag {
  name: keyof ServerOptions;
  flag: string;
  kind: 'number' | 'string' | 'list';
  help: string;
}

/** Every option's flag, in the order `--help` lists them. */
export const OPTION_FLAGS: readonly OptionFlag[] = [
  { name: 'port', flag: 'port', kind: 'number', help: 'TCP port (0: any free port)' },
  { name: 'host', flag: 'host', kind: 'string', help: 'interface to listen on' },
  { name: 'path', flag: 'path', kind: 'string', help: 'URL path of the WebSocket endpoint' },
  { name: 'maxFrame', flag: 'max-frame', kind: 'number', help: 'largest frame in bytes, then close 1009' },
  { name: 'maxSubscriptions', flag: 'max-subscriptions', kind: 'number', help: 'topics per connection, then too-many-subscriptions' },
  { name: 'publishRate', flag: 'publish-rate', kind: 'number', help: 'publishes per second per connection, then rate-limited' },
  { name: 'publishBurst', flag: 'publish-burst', kind: 'number', help: 'publishes allowed at once (token bucket size)' },
  { name: 'maxBuffer', flag: 'max-buffer', kind: 'number', help: 'bytes waiting for a client that is behind (unsent plus gathered), then close 1013' },
  { name: 'history', flag: 'history', kind: 'number', help: 'events kept per topic for replay' },
  { name: 'resumeWindow', flag: 'resume-window', kind: 'number', help: 'ms a dropped session can be resumed' },
  { name: 'packMs', flag: 'pack-ms', kind: 'number', help: 'least ms messages are packed into one frame (0: one event-loop turn; longer by itself while a client is behind)' },
  { name: 'origin', flag: 'origin', kind: 'list', help: 'allowed Origin (repeat or comma-separate; none: any)' },
  { name: 'token', flag: 'token', kind: 'string', help: 'token clients must present (none: open)' },
  { name: 'jwtSecret', flag: 'jwt-secret', kind: 'string', help: 'HS256 secret (≥ 32 bytes) of the JWTs clients present' },
  { name: 'jwtPublicKey', flag: 'jwt-public-key', kind: 'string', help: 'PEM file of the RS256/ES256 key of the JWTs' },
  { name: 'jwtAudience', flag: 'jwt-audience', kind: 'string', help: 'aud a JWT must carry (none: not checked)' },
  { name: 'jwtIssuer', flag: 'jwt-issuer', kind: 'string', help: 'iss a JWT must carry (none: not checked)' },
  { name: 'demoTokenPath', flag: 'demo-token-path', kind: 'string', help: 'with --jwt-secret: URL path signing 60 s demo tokens' },
  { name: 'firehoseRate', flag: 'firehose-rate', kind: 'number', help: 'firehose updates per second' },
  { name: 'firehoseKeys', flag: 'firehose-keys', kind: 'number', help: 'distinct firehose keys' },
  { name: 'clockInterval', flag: 'clock-interval', kind: 'number', help: 'ms between clock ticks' },
  { name: 'tickerInterval', flag: 'ticker-interval', kind: 'number', help: 'ms between ticker patches' },
  { name: 'metricsInterval', flag: 'metrics-interval', kind: 'number', help: 'ms between metrics samples' },
  { name: 'feeds', flag: 'feeds', kind: 'list', help: 'feeds to serve (repeat or comma-separate)' },
  { name: 'topics', flag: 'topic', kind: 'list', help: 'extra server-published event topic (repeatable)' },
  { name: 'redis', flag: 'redis', kind: 'string', help: 'redis://host:port to share topics and sessions with other instances' },
  { name: 'taskDeadline', flag: 'task-deadline', kind: 'number', help: 'ms a worker has for one task attempt' },
  { name: 'taskAttempts', flag: 'task-attempts', kind: 'number', help: 'attempts per task before it fails for good' },
  { name: 'maxQueuedTasks', flag: 'max-queued-tasks', kind: 'number', help: 'tasks waiting per tasks/<name> queue, then submit rejects' },
];

/** Fills the options left out with their defaults, checks the numbers and reads a lone string as a one-item list. */
export function resolveOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  const options: ServerOptions = { ...DEFAULT_OPTIONS, ...withoutUndefined(partial) };
  const fields = options as unknown as Record<string, unknown>;
  for (const { name, flag, kind } of OPTION_FLAGS) {
    const value = fields[name];
    if (kind === 'list' && typeof value === 'string') fields[name] = [value];
    if (kind === 'number' && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`--${flag} must be a number ≥ 0, got ${String(value)}`);
    }
  }
  if (options.redis !== undefined && !/^rediss?:\/\/[^/]/.test(options.redis)) {
    throw new RangeError(`--redis must be a redis://host:port URL, got "${options.redis}"`);
  }
  return options;
}

function withoutUndefined(partial: Partial<ServerOptions>): Partial<ServerOptions> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
}
