import { ElementBase } from '../core/element-base.js';
import type { Connection } from '../core/connection.js';
import { ConnectionController } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import type { WsCloseDetail } from '../core/events.js';
import { Faults } from '../core/faults.js';

/** The label of each state, each overridable through the slot of that name; the others (failed, closed, offline) say "Offline". */
const LABELS: Record<string, string> = {
  open: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

/** The shadow root's styles, shared by every `<ws-status>` (created on first use: there is no CSSOM on a server). */
let statusSheet: CSSStyleSheet | undefined;

/** The dot's colour follows `state`; `state$=connecting` also matches `reconnecting`. */
const STYLE = `:host{display:inline-flex;align-items:center;gap:.4em}
[part=dot]{width:.6em;height:.6em;border-radius:50%;background:#999}
:host([state=open]) [part=dot]{background:#2a2}
:host([state$=connecting]) [part=dot]{background:#d90}
:host([state=failed]) [part=dot],:host([state=error]) [part=dot]{background:#c22}`;

/**
 * Shows a connection's state as a dot and a label ("Live", "Connecting…",
 * "Reconnecting in 3 s", "Offline"), announced through `role="status"` on
 * state changes only, with a retry button once the connection has failed.
 *
 * @attr src - Endpoint URL whose shared connection to show.
 * @attr source - The id of the `<ws-source>` to show.
 * @attr state - Reflected: the connection's state (connecting, open, reconnecting, failed, closed) or error.
 * @fires ws-error - A configuration fault (kind `config`).
 * @csspart dot - The coloured dot.
 * @csspart label - The text.
 * @csspart retry - The retry button shown when the connection failed.
 * @slot open - Text while live (default "Live").
 * @slot connecting - Text while connecting (default "Connecting…").
 * @slot reconnecting - Text while reconnecting (default "Reconnecting in N s").
 * @slot failed - Text when retries are exhausted (default "Offline").
 * @slot closed - Text when closed on purpose (default "Offline").
 * @slot offline - Text while the browser is offline (default "Offline").
 * @slot error - Text on a configuration fault (default "Error").
 * @cssstate open - Live.
 * @cssstate connecting - Connecting.
 * @cssstate reconnecting - Dropped and retrying.
 * @cssstate failed - Retries exhausted.
 * @cssstate closed - Closed on purpose.
 * @cssstate error - A configuration fault.
 */
export class WsStatusElement extends ElementBase {
  static observedAttributes = ['src', 'source'];

  readonly #internals = attachInternals(this);
  readonly #root = this.attachShadow({ mode: 'open' });
  readonly #slotElement = document.createElement('slot');
  readonly #countdown = document.createElement('span');
  readonly #retry = document.createElement('button');
  #connection: Connection | undefined;
  readonly #faults = new Faults(this, () => this.#render());
  #retryAt = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #controller = new ConnectionController(this, {
    attach: (connection) => this.#attach(connection),
    detach: (connection) => this.#detach(connection),
    fault: (message) => this.#faults.set('source', message),
  });
  readonly #refresh = (): void => this.#render();
  readonly #onClose = (event: Event): void => {
    const { willRetry, retryIn } = (event as CustomEvent<WsCloseDetail>).detail;
    this.#retryAt = willRetry ? Date.now() + retryIn : 0;
    this.#render();
  };

  constructor() {
    super();
    const dot = document.createElement('span');
    dot.part.add('dot');
    const label = document.createElement('span');
    label.part.add('label');
    this.#countdown.setAttribute('aria-hidden', 'true');
    label.append(this.#slotElement);
    this.#retry.part.add('retry');
    this.#retry.type = 'button';
    this.#retry.textContent = 'Retry';
    this.#retry.addEventListener('click', () => this.#connection?.reconnect());
    // A constructed sheet, not a <style> element: a CSP without 'unsafe-inline' for styles allows it.
    if (!statusSheet) {
      statusSheet = new CSSStyleSheet();
      statusSheet.replaceSync(STYLE);
    }
    this.#root.adoptedStyleSheets = [statusSheet];
    this.#root.append(dot, label);
  }

  connectedCallback(): void {
    this.#faults.guard(() => {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'status');
      addEventListener('online', this.#refresh);
      addEventListener('offline', this.#refresh);
      this.#controller.hostConnected();
      this.#render();
    });
  }

  disconnectedCallback(): void {
    removeEventListener('online', this.#refresh);
    removeEventListener('offline', this.#refresh);
    clearInterval(this.#ticker);
    this.#controller.hostDisconnected();
  }

  attributeChangedCallback(_name: string, previous: string | null, next: string | null): void {
    if (previous !== next && this.isConnected) this.#faults.guard(() => this.#controller.update());
  }

  /** The shown state: the connection's, or `error`. */
  get state(): string {
    return this.#faults.any ? 'error' : (this.#connection?.state ?? 'connecting');
  }

  #attach(connection: Connection): void {
    this.#faults.set('source', undefined);
    this.#connection = connection;
    connection.addEventListener('state', this.#refresh);
    connection.addEventListener('close', this.#onClose);
    this.#render();
  }

  #detach(connection: Connection): void {
    connection.removeEventListener('state', this.#refresh);
    connection.removeEventListener('close', this.#onClose);
    if (this.#connection === connection) this.#connection = undefined;
  }

  /** Updates dot, label and button; only a state change alters the announced text. */
  #render(): void {
    const state = this.state;
    if (this.getAttribute('state') !== state) reflectState(this, this.#internals, state);
    const offline = navigator.onLine === false && state !== 'open' && state !== 'error';
    const key = offline ? 'offline' : state;
    if (this.#slotElement.name !== key) {
      this.#slotElement.name = key;
      this.#slotElement.replaceChildren(LABELS[key] ?? 'Offline');
      if (key === 'reconnecting') this.#slotElement.append(this.#countdown);
    }
    if (state === 'failed') this.#root.append(this.#retry);
    else this.#retry.remove();
    this.#tick();
  }

  /** Counts the seconds until the next attempt while reconnecting. */
  #tick(): void {
    const seconds = Math.ceil((this.#retryAt - Date.now()) / 1000);
    const counting = this.state === 'reconnecting' && seconds > 0;
    this.#countdown.textContent = counting ? ` in ${seconds} s` : '…';
    if (counting && this.#ticker === undefined) this.#ticker = setInterval(() => this.#tick(), 250);
    if (!counting && this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ws-status': WsStatusElement;
  }
}
