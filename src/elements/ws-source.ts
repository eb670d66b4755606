import { ElementBase } from '../core/element-base.js';
import { numberAttribute, reflectAttributes } from '../core/attributes.js';
import { Connection, type ConnectionOptions, type ConnectionState } from '../core/connection.js';
import { resolveSources, sourcesChanged } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import { ConfigError } from '../core/errors.js';
import { emit } from '../core/events.js';
import { Faults } from '../core/faults.js';
import { GRACE_PERIOD } from '../core/registry.js';
import { createTabTransport } from '../tabs/tab-link.js';

/** Attributes whose change replaces the connection; `token` alone is used from the next (re)connect. */
const CONNECTION_ATTRIBUTES = [
  'src', 'transport', 'heartbeat', 'heartbeat-message', 'queue', 'min-delay', 'max-delay', 'max-retries', 'token-param',
  'token-url', 'hello', 'share',
];

/** Every default of `<ws-source>`'s attributes. */
const DEFAULTS = { transport: 'ws', minDelay: 500, maxDelay: 10000, maxRetries: Infinity, queue: 1000 } as const;

/** Connection events forwarded as the element's own. */
const FORWARDED: Record<string, string> = {
  open: 'ws-open',
  close: 'ws-close',
  error: 'ws-error',
};

/**
 * One connection, named by `id` and shared by every element whose `source`
 * names it. It reconnects with backoff and jitter, fails over between the
 * URLs in `src`, and reflects the connection's state.
 *
 * @attr src - One or more endpoint URLs separated by spaces, tried in turn on reconnect.
 * @attr transport - ws (default) or sse (receive-only, raw mode).
 * @attr token - Topic mode: sent in the first frame as `{"type":"auth","token":T}`; a change is sent at once as a fresh `auth` and used for every later connect.
 * @attr token-param - Puts `token` in the URL query under this name instead (for raw servers).
 * @attr hello - JSON sent first after every (re)open, before queued sends (gateways that expect a join message).
 * @attr token-url - Fetches the token (the body, or JSON `{"token"}`) before every (re)connect and again before its JWT `exp`.
 * @attr heartbeat - ms between pings; a connection silent for twice that is replaced.
 * @attr heartbeat-message - Raw mode: the text sent as a ping.
 * @attr queue - Raw sends kept while offline (default 1000).
 * @attr min-delay - First reconnect delay in ms (default 500).
 * @attr max-delay - Longest reconnect delay in ms (default 10000).
 * @attr max-retries - Reconnect attempts before `failed` (default unlimited).
 * @attr share - `tabs`: every tab of this origin with the same `src` and `share="tabs"` uses one socket, held by a shared worker.
 * @attr state - Reflected: connecting, open, reconnecting, failed, closed or error.
 * @fires ws-open - The connection opened (in topic mode: `welcome` arrived).
 * @fires ws-close - The connection closed; detail `{code, reason, willRetry, retryIn}`.
 * @fires ws-message - A message arrived; detail `{data, topic?}`.
 * @fires ws-error - A fault; detail `{kind, message, code?, topic?, id?}`.
 * @fires ws-state - The state changed; detail `{state}`.
 * @cssstate connecting - Opening for the first time.
 * @cssstate open - Connected (topic mode: welcomed).
 * @cssstate reconnecting - Dropped and retrying.
 * @cssstate failed - Retries exhausted, or a close that is not retried (1008).
 * @cssstate closed - Closed on purpose.
 * @cssstate error - A configuration fault.
 */
export class WsSourceElement extends ElementBase {
  static observedAttributes = [...CONNECTION_ATTRIBUTES, 'token'];

  declare src: string | null;
  declare token: string | null;
  declare transport: string | null;

  readonly #internals = attachInternals(this);
  readonly #faults = new Faults(this, () => {
    this.#showState();
    sourcesChanged();
  });
  #current: Connection | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The connection this source owns, for the elements that name it.
   * @internal
   */
  get connection(): Connection | undefined {
    return this.#current;
  }

  /** connecting, open, reconnecting, failed, closed or error. */
  get state(): ConnectionState | 'error' {
    return this.#faults.any ? 'error' : (this.#current?.state ?? 'closed');
  }

  /** The session id from the server's `welcome` (topic mode). */
  get session(): string | undefined {
    return this.#current?.session;
  }

  /** The URL in use. */
  get url(): string {
    return this.#current?.url ?? '';
  }

  /** Sends data (objects as JSON); queued while not open. */
  send(data: unknown): void {
    void this.#current?.send(data);
  }

  /** Connects again now, also after `failed`, `closed` or a 1008 close. */
  reconnect(): void {
    this.#current?.reconnect();
  }

  /** Closes on purpose; `reconnect()` opens again. */
  close(): void {
    this.#current?.close();
  }

  connectedCallback(): void {
    clearTimeout(this.#closeTimer);
    this.#faults.guard(() => {
      if (!this.#current) this.#replaceConnection();
    });
  }

  disconnectedCallback(): void {
    // A grace period, so moving the source within the page does not reconnect.
    this.#closeTimer = setTimeout(() => this.#dropConnection(), GRACE_PERIOD);
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    this.#faults.guard(() => {
      if (name === 'token' && this.#current) this.#current.setToken(next ?? undefined);
      else this.#replaceConnection();
    });
  }

  #replaceConnection(): void {
    this.#dropConnection();
    const options = this.#readOptions();
    this.#faults.set('config', undefined);
    const connection = new Connection(options);
    for (const [type, event] of Object.entries(FORWARDED)) {
      connection.addEventListener(type, (e) => emit(this, event, (e as CustomEvent).detail));
    }
    connection.messageListener = (detail) => emit(this, 'ws-message', detail);
    connection.addEventListener('state', () => this.#showState());
    this.#current = connection;
    connection.start();
    this.#showState();
    sourcesChanged();
  }

  #dropConnection(): void {
    const connection = this.#current;
    if (!connection) return;
    this.#current = undefined;
    connection.close();
    sourcesChanged();
  }

  #readOptions(): ConnectionOptions {
    const src = this.getAttribute('src');
    if (src === null || src.trim() === '') throw new ConfigError('needs a src attribute');
    const transport = this.getAttribute('transport') || DEFAULTS.transport;
    if (transport !== 'ws' && transport !== 'sse') throw new ConfigError(`unknown transport "${transport}" (expected ws or sse)`);
    const share = this.getAttribute('share');
    if (share !== null && share !== 'tabs') throw new ConfigError(`unknown share "${share}" (expected tabs)`);
    if (share && transport === 'sse') throw new ConfigError('share="tabs" needs a WebSocket source, not sse');
    const options: ConnectionOptions = {
      urls: resolveSources(src, transport),
      transport,
      minDelay: numberAttribute(this, 'min-delay', DEFAULTS.minDelay),
      maxDelay: numberAttribute(this, 'max-delay', DEFAULTS.maxDelay),
      maxRetries: numberAttribute(this, 'max-retries', DEFAULTS.maxRetries),
      queue: numberAttribute(this, 'queue', DEFAULTS.queue),
      heartbeat: numberAttribute(this, 'heartbeat', 0),
      heartbeatMessage: this.getAttribute('heartbeat-message') ?? undefined,
      token: this.getAttribute('token') ?? undefined,
      tokenParam: this.getAttribute('token-param') ?? undefined,
      tokenUrl: this.getAttribute('token-url') ?? undefined,
      hello: readHello(this.getAttribute('hello')),
    };
    if (share) options.createTransport = (handlers) => createTabTransport(handlers, options);
    return options;
  }

  #showState(): void {
    const state = this.state;
    if (this.getAttribute('state') === state) return;
    reflectState(this, this.#internals, state);
    emit(this, 'ws-state', { state });
  }
}

/** `hello` as the compact JSON text to send; invalid JSON is a configuration fault. */
function readHello(text: string | null): string | undefined {
  if (text === null) return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    throw new ConfigError(`hello is not JSON: ${text}`);
  }
}

reflectAttributes(WsSourceElement, ['src', 'token', 'transport']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-source': WsSourceElement;
  }
}
