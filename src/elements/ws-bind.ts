import { ElementBase } from '../core/element-base.js';
import { announce, type Politeness } from '../core/announcer.js';
import { numberAttribute, reflectAttributes } from '../core/attributes.js';
import { BindController, type BindSettings } from '../core/bind-controller.js';
import { ConnectionController } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { emit, type WsUpdateDetail } from '../core/events.js';
import { Faults } from '../core/faults.js';
import { createFormatter, isTimeDependent } from '../core/format.js';
import { parseMatch } from '../core/match.js';
import { whileParsing } from '../core/parsing.js';
import { parsePath } from '../core/path.js';
import { MODES, type Mode } from '../core/render.js';
import { DEFAULT_ENTRY_LIMIT } from '../core/scheduler.js';
import { compileTemplate, type TemplateRenderer } from '../template/compile.js';
import { PersistController, storeFor } from '../persist/persist-controller.js';
import type { KeptStore } from '../persist/storage.js';

/** Attributes whose change rebuilds the binding; `src` and `source` move the connection instead. */
const CONFIG_ATTRIBUTES = [
  'topic', 'select', 'match', 'format', 'locale', 'currency', 'digits', 'mode', 'limit',
  'stale-after', 'announce', 'announce-every', 'history', 'since', 'key', 'remove', 'first', 'clear-on', 'template',
  'persist',
];

/** Every default of `<ws-bind>`'s attributes. */
const DEFAULTS = { mode: 'replace', format: 'text', announceEvery: 5000 } as const;

/**
 * Renders what arrives on a connection into its own light DOM: a value
 * selected from each matching message, formatted, as text (or sanitized HTML),
 * replacing or adding entries. Children are a placeholder until the first value;
 * a `<template>` child is rendered with the value as its context (in append or
 * prepend mode, once per entry).
 *
 * @attr src - Endpoint URL (ws:, wss:, http:, https: or relative); one implicit connection per URL is shared.
 * @attr source - The id of a `<ws-source>` to use instead of `src`.
 * @attr topic - Subscribe to this topic with the topic protocol; without it the element is in raw mode.
 * @attr select - Path into the message (`a.b`, `a[0].b`, `a["x y"]`); in topic mode into the event data or the state.
 * @attr match - Whitespace-separated `path=value` conditions that a message must all meet.
 * @attr format - text, number, percent, currency, date, time, datetime, relative, bytes or json.
 * @attr locale - Locale for `format` (default: the nearest `lang`, else the browser's).
 * @attr currency - ISO 4217 code for `format="currency"`.
 * @attr digits - Fraction digits for number formats.
 * @attr mode - replace (default), append, prepend, html (sanitized), keyed (one entry per `key`) or count (messages since the connection opened).
 * @attr key - mode="keyed": the path of each message's key; several paths separated by spaces, the first that resolves wins.
 * @attr remove - mode="keyed": `path=value` conditions (as `match`) of a message that deletes its key's entry.
 * @attr first - Accept only the first message of each connection (a raw server's greeting), re-armed when it is replaced.
 * @attr clear-on - reconnect: return to the placeholder when the connection reopens.
 * @attr template - The id of a `<template>` elsewhere in the document to render with, instead of a child.
 * @attr limit - append/prepend: keep the newest N entries; keyed: keep the N most recently updated.
 * @attr stale-after - ms without a message after which the element is stale.
 * @attr announce - polite or assertive: read updates to screen readers, paced by `announce-every`.
 * @attr announce-every - ms between announcements (default 5000).
 * @attr history - Topic mode: also receive up to N latest past events on joining.
 * @attr since - Topic mode: the position the children were rendered at; subscribe from there.
 * @attr persist - Keep what is shown (and the topic position) under the element's `id`: `session` (default, this tab) or `local` (every tab); shown as stale on the next load.
 * @attr state - Reflected: waiting, live, stale or error.
 * @attr stale - Reflected: present exactly when the state is stale.
 * @attr data-trend - Reflected: up, down or same when a numeric value changes.
 * @fires ws-update - After the DOM was written; detail `{value, previous}`.
 * @fires ws-error - A configuration fault (kind `config`), a refused subscription or a connection fault; detail `{kind, message, code?, topic?, id?}`.
 * @cssstate waiting - No value yet.
 * @cssstate live - Has a value, its connection is open, its subscription confirmed and it is fresh.
 * @cssstate stale - Has a value that is not live: silent too long, disconnected or reset.
 * @cssstate error - A configuration fault.
 */
export class WsBindElement extends ElementBase {
  static observedAttributes = ['src', 'source', ...CONFIG_ATTRIBUTES];

  declare src: string | null;
  declare source: string | null;
  declare topic: string | null;
  declare select: string | null;
  declare match: string | null;
  declare format: string | null;
  declare mode: string | null;
  declare limit: string | null;
  declare staleAfter: string | null;
  declare since: string | null;

  readonly #internals = attachInternals(this);
  readonly #faults = new Faults(this, () => this.#showState());
  readonly #bind = new BindController(this, {
    stateChanged: () => this.#showState(),
    written: (value, previous) => this.#written(value, previous),
    failed: (detail) => emit(this, 'ws-error', detail),
    linkFault: (message) => this.#faults.set('link', message),
    accepted: (value) => this.#persist.accepted(value),
  });
  readonly #connection = new ConnectionController(this, {
    attach: (connection) => {
      this.#faults.set('source', undefined);
      this.#bind.attach(connection);
    },
    detach: (connection) => this.#bind.detach(connection),
    fault: (message) => this.#faults.set('source', message),
  });
  readonly #persist = new PersistController(this, this.#bind, () => this.#connection.hostConnected());
  /** Where `persist` keeps the content, as last configured. */
  #keptIn: KeptStore | undefined;
  /** The `<template>` the settings were read with, so a template parsed later is noticed. */
  #template: HTMLTemplateElement | undefined;
  #templateWatch: MutationObserver | undefined;
  #stopParsingWatch: (() => void) | undefined;
  #politeness: Politeness | undefined;
  #announceEvery: number = DEFAULTS.announceEvery;

  /** The latest selected value (updated at once, even while rendering waits). */
  get value(): unknown {
    return this.#bind.value;
  }

  /** The latest message this element accepted. */
  get message(): unknown {
    return this.#bind.message;
  }

  connectedCallback(): void {
    this.#faults.guard(() => {
      this.#configure();
      this.#persist.hostConnected(this.#keptIn);
      // Children the parser adds after the start tag (a `<template>`) are read when they arrive.
      this.#stopParsingWatch = whileParsing(this, () => this.#faults.guard(() => this.#findTemplate() !== this.#template && this.#configure()));
      this.#showState();
    });
  }

  disconnectedCallback(): void {
    this.#faults.guard(() => {
      this.#connection.hostDisconnected();
      this.#persist.hostDisconnected();
      this.#bind.stop();
      this.#templateWatch?.disconnect();
      this.#stopParsingWatch?.();
    });
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    this.#faults.guard(() => (name === 'src' || name === 'source' ? this.#connection.update() : this.#configure()));
  }

  /** Reads every attribute; on a fault the content stays and the old binding stops. */
  #configure(): void {
    let settings: BindSettings | undefined;
    try {
      settings = this.#readSettings();
      this.#faults.set('config', undefined);
    } catch (error) {
      this.#faults.set('config', errorMessage(error));
    }
    this.#bind.configure(settings);
    this.#showState();
  }

  #readSettings(): BindSettings {
    const mode = this.getAttribute('mode') || DEFAULTS.mode;
    if (!(MODES as string[]).includes(mode)) throw new ConfigError(`unknown mode "${mode}" (expected one of ${MODES.join(', ')})`);
    const politeness = this.getAttribute('announce');
    if (politeness !== null && politeness !== 'polite' && politeness !== 'assertive') {
      throw new ConfigError(`unknown announce "${politeness}" (expected polite or assertive)`);
    }
    this.#politeness = politeness ?? undefined;
    this.#announceEvery = numberAttribute(this, 'announce-every', DEFAULTS.announceEvery);
    const locale = this.getAttribute('locale') || this.closest('[lang]')?.getAttribute('lang') || undefined;
    const format = this.getAttribute('format') || DEFAULTS.format;
    const digits = this.getAttribute('digits');
    const template = this.#watchTemplate(mode === 'html' ? undefined : this.#findTemplate());
    this.#keptIn = storeFor(this);
    return {
      binding: {
        topic: this.getAttribute('topic') ?? undefined,
        select: parsePath(this.getAttribute('select') ?? ''),
        conditions: parseMatch(this.getAttribute('match') ?? ''),
        since: this.getAttribute('since') ?? undefined,
        history: numberAttribute(this, 'history', 0) || undefined,
        staleAfter: numberAttribute(this, 'stale-after', 0),
      },
      mode: mode as Mode,
      limit: numberAttribute(this, 'limit', 0) || DEFAULT_ENTRY_LIMIT,
      format: createFormatter({
        format,
        locale,
        currency: this.getAttribute('currency') ?? undefined,
        digits: digits === null ? undefined : Number(digits),
      }),
      renderer: template ? compileChild(template, locale) : undefined,
      ages: isTimeDependent(format),
      ...this.#readKeyed(mode),
      first: this.hasAttribute('first'),
      clearOnReconnect: this.#readClearOn(),
    };
  }

  #readKeyed(mode: string): Pick<BindSettings, 'keys' | 'remove'> {
    const key = this.getAttribute('key')?.trim() ?? '';
    if (mode === 'keyed' && key === '') throw new ConfigError('mode="keyed" needs a key attribute (the path of each entry\'s key)');
    return { keys: key === '' ? [] : key.split(/\s+/).map(parsePath), remove: parseMatch(this.getAttribute('remove') ?? '') };
  }

  #readClearOn(): boolean {
    const clearOn = this.getAttribute('clear-on');
    if (clearOn !== null && clearOn !== 'reconnect') throw new ConfigError(`unknown clear-on "${clearOn}" (expected reconnect)`);
    return clearOn === 'reconnect';
  }

  /** The `<template>` named by `template`, else the first `<template>` child. */
  #findTemplate(): HTMLTemplateElement | undefined {
    const id = this.getAttribute('template');
    if (id !== null) {
      const root = this.getRootNode() as Document | ShadowRoot;
      const found = root.getElementById?.(id) ?? document.getElementById(id);
      if (found instanceof HTMLTemplateElement) return found;
      // One parsed later is read when it arrives (the parse watch); after parsing, a missing one is a fault.
      if (document.readyState === 'loading') return undefined;
      throw new ConfigError(`template "${id}" names no <template> in this document`);
    }
    return [...this.children].find(
      (child): child is HTMLTemplateElement => child instanceof HTMLTemplateElement && !child.hasAttribute('each'),
    );
  }

  /** A change to the template's content (also the parser filling it) reconfigures, as an attribute change would. */
  #watchTemplate(template: HTMLTemplateElement | undefined): HTMLTemplateElement | undefined {
    if (template === this.#template) return template;
    this.#template = template;
    this.#templateWatch?.disconnect();
    if (!template) return template;
    this.#templateWatch = new MutationObserver(() => this.#faults.guard(() => this.#configure()));
    this.#templateWatch.observe(template.content, { childList: true, subtree: true, characterData: true, attributes: true });
    return template;
  }

  #written(value: unknown, previous: unknown): void {
    const trend = this.#bind.trend;
    if (trend && this.dataset.trend !== trend) this.dataset.trend = trend;
    this.#showState();
    emit<WsUpdateDetail>(this, 'ws-update', { value, previous });
    if (this.#politeness) announce(this, this.#politeness, this.#announceEvery);
  }

  #showState(): void {
    const state = this.#faults.any ? 'error' : this.#bind.state;
    // Runs after every render: touch the DOM only when the state changed.
    if (this.getAttribute('state') === state) return;
    reflectState(this, this.#internals, state);
    this.toggleAttribute('stale', state === 'stale');
  }
}

/** Compiles the author's template; a bad path, pipe or `each` in it is a configuration fault naming the template. */
function compileChild(template: HTMLTemplateElement, locale: string | undefined): TemplateRenderer {
  try {
    return compileTemplate(template, locale);
  } catch (error) {
    throw new ConfigError(`template error: ${errorMessage(error)}`);
  }
}

reflectAttributes(WsBindElement, ['src', 'source', 'topic', 'select', 'match', 'format', 'mode', 'limit', 'stale-after', 'since']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-bind': WsBindElement;
  }
}
