import { ElementBase } from '../core/element-base.js';
import type { Politeness } from '../core/announcer.js';
import { guarded, numberAttribute, reflectAttributes } from '../core/attributes.js';
import { Binding, type BindingConfig, type BindingState } from '../core/binding.js';
import type { Connection } from '../core/connection.js';
import { ConnectionController } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import { errorMessage, type WsErrorDetail } from '../core/errors.js';
import { emit, reportConfigFault, type WsUpdateDetail } from '../core/events.js';
import type { FormatOptions, Formatter } from '../core/format.js';
import { MISSING, parsePath } from '../core/path.js';
import { clearContent, insertEntries, writeFragment, writeText } from '../core/render.js';
import { formatText } from '../core/text.js';
import type { TemplateRenderer } from '../template/compile.js';
import { DEFAULT_ENTRY_LIMIT, scheduler, type FrameTarget, type FrameWork } from '../core/scheduler.js';

type Mode = 'replace' | 'append' | 'prepend' | 'html';
const MODES: readonly Mode[] = ['replace', 'append', 'prepend', 'html'];

/** Attributes whose change rebuilds the binding; `src` and `source` move the connection instead. */
const CONFIG_ATTRIBUTES = [
  'topic', 'select', 'match', 'format', 'locale', 'currency', 'digits', 'mode', 'limit',
  'stale-after', 'announce', 'announce-every', 'history', 'since',
];

interface BindSettings {
  binding: BindingConfig;
  /** The author's `<template>` child, rendered with the value as context (each entry, in append/prepend). */
  template: HTMLTemplateElement | undefined;
  locale: string | undefined;
  /** The value formatter; undefined while the Intl formats load, or when they refused the settings. */
  format: Formatter | undefined;
  /** Settles once `format` is known: the formatter, or undefined after a fault. */
  formatReady: Promise<Formatter | undefined>;
  timeDependent: boolean;
  mode: Mode;
  limit: number;
  announce: Politeness | undefined;
  announceEvery: number;
}

/** A loader that imports a module the first time it is asked for, and hands back that same promise after. */
function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** The template compiler (and lit-html), only for pages that use a `<template>` child. */
const loadTemplates = lazily(() => import('../template/compile.js'));

/** The Intl formats, only for elements that use one (`text` needs none). */
const loadFormats = lazily(() => import('../core/format.js'));

/** The `match` parser, once the first element with a `match` has loaded it. */
let parseMatch: typeof import('../core/match.js').parseMatch | undefined;

/** Loads the `match` parser, only for pages that use `match` (testing conditions is always there, in the router). */
const loadMatchParser = lazily(async () => {
  parseMatch = (await import('../core/match.js')).parseMatch;
});

/** The screen-reader announcer, only for elements with `announce`. */
const loadAnnouncer = lazily(() => import('../core/announcer.js'));

/** The HTML sanitizer (setHTML, or DOMPurify where the browser lacks it), only for pages that use mode="html". */
const loadSanitizer = lazily(() => import('../core/sanitize-html.js').then(({ loadHtmlSanitizer }) => loadHtmlSanitizer()));

/** Attributes that only the Intl formats read; an element that sets one has them checked. */
const FORMAT_ATTRIBUTES = ['locale', 'currency', 'digits'];

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
 * @attr mode - replace (default), append, prepend or html (sanitized).
 * @attr limit - append/prepend: keep the newest N entries.
 * @attr stale-after - ms without a message after which the element is stale.
 * @attr announce - polite or assertive: read updates to screen readers, paced by `announce-every`.
 * @attr announce-every - ms between announcements (default 5000).
 * @attr history - Topic mode: also receive up to N latest past events on joining.
 * @attr since - Topic mode: the position the children were rendered at; subscribe from there.
 * @attr state - Reflected: waiting, live, stale or error.
 * @attr stale - Reflected: present exactly when the state is stale.
 * @attr data-trend - Reflected: up, down or same when a numeric value changes.
 * @fires ws-update - After the DOM was written; detail `{value, previous}`.
 * @fires ws-error - A configuration fault (kind `config`) or a refused subscription; detail `{kind, message, code?, topic?}`.
 * @cssstate waiting - No value yet.
 * @cssstate live - Has a value, its connection is open, its subscription confirmed and it is fresh.
 * @cssstate stale - Has a value that is not live: silent too long, disconnected or reset.
 * @cssstate error - A configuration fault.
 */
export class WsBindElement extends ElementBase implements FrameTarget {
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
  readonly #controller = new ConnectionController(this, {
    attach: (connection) => this.#attach(connection),
    detach: (connection) => this.#detach(connection),
    fault: (message) => {
      this.#sourceFault = message;
      this.#report(message);
    },
  });
  #settings: BindSettings | undefined;
  #binding: Binding | undefined;
  #connection: Connection | undefined;
  #configFault: string | undefined;
  #sourceFault: string | undefined;
  #linkFault: string | undefined;
  #bindingState: BindingState = 'waiting';
  #latestValue: unknown;
  #latestMessage: unknown;
  #latestData: unknown = MISSING;
  #renderedValue: unknown;
  #hasContent = false;
  #renderPending = false;
  #renderer: Promise<TemplateRenderer | undefined> | undefined;
  #templateWatch: MutationObserver | undefined;
  #trend: string | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  /** The latest selected value (updated at once, even while rendering waits). */
  get value(): unknown {
    return this.#latestValue;
  }

  /** The latest message this element accepted. */
  get message(): unknown {
    return this.#latestMessage;
  }

  connectedCallback(): void {
    guarded(() => {
      this.#hasContent ||= this.hasAttribute('since');
      this.#afterMatchParser(() => {
        this.#configure();
        this.#controller.hostConnected();
        this.#showState();
      });
    }, (message) => this.#fault(message));
  }

  disconnectedCallback(): void {
    guarded(() => {
      this.#controller.hostDisconnected();
      scheduler.cancel(this);
      clearInterval(this.#clock);
      this.#templateWatch?.disconnect();
    }, (message) => this.#fault(message));
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    guarded(() => {
      if (name === 'src' || name === 'source') this.#controller.update();
      else this.#afterMatchParser(() => this.#configure());
    }, (message) => this.#fault(message));
  }

  /**
   * Runs `step` (guarded) now, or, for an element with a `match` before the parser has loaded, once it has: the element
   * waits unconfigured and unconnected meanwhile, so it never reads messages it cannot filter yet.
   */
  #afterMatchParser(step: () => void): void {
    const fault = (message: string): void => this.#fault(message);
    if (parseMatch || !this.getAttribute('match')?.trim()) return guarded(step, fault);
    loadMatchParser().then(
      () => this.isConnected && guarded(step, fault),
      (error: unknown) => fault(`could not load the match parser: ${errorMessage(error)}`),
    );
  }

  /** Parses every attribute; on a fault keeps the content and the old binding stops. */
  #configure(): void {
    let settings: BindSettings;
    try {
      settings = this.#readSettings();
    } catch (error) {
      this.#settings = undefined;
      this.#unbind();
      return this.#fault(errorMessage(error));
    }
    this.#settings = settings;
    this.#configFault = undefined;
    this.#loadFormatter(settings);
    if (settings.mode === 'html') void loadSanitizer();
    this.#renderer = settings.template ? this.#compile(settings.template, settings.locale) : undefined;
    this.#watchTemplate(settings.template);
    this.#restartClock();
    this.#rebind();
    this.#reselect();
    this.#showState();
  }

  #readSettings(): BindSettings {
    const mode = (this.getAttribute('mode') || 'replace') as Mode;
    if (!MODES.includes(mode)) throw new Error(`unknown mode "${mode}" (expected one of ${MODES.join(', ')})`);
    const format = this.getAttribute('format') ?? undefined;
    const announceAttr = this.getAttribute('announce');
    if (announceAttr !== null && announceAttr !== 'polite' && announceAttr !== 'assertive') {
      throw new Error(`unknown announce "${announceAttr}" (expected polite or assertive)`);
    }
    const topic = this.getAttribute('topic') ?? undefined;
    const locale = this.getAttribute('locale') || this.closest('[lang]')?.getAttribute('lang') || undefined;
    const template = [...this.children].find(
      (child): child is HTMLTemplateElement => child instanceof HTMLTemplateElement && !child.hasAttribute('each'),
    );
    return {
      template: mode === 'html' ? undefined : template,
      locale,
      binding: {
        topic,
        select: parsePath(this.getAttribute('select') ?? ''),
        conditions: parseMatch?.(this.getAttribute('match') ?? '') ?? [],
        since: this.getAttribute('since') ?? undefined,
        history: numberAttribute(this, 'history', 0) || undefined,
        staleAfter: numberAttribute(this, 'stale-after', 0),
      },
      format: undefined,
      formatReady: Promise.resolve(undefined),
      timeDependent: format === 'relative',
      mode,
      limit: numberAttribute(this, 'limit', 0) || DEFAULT_ENTRY_LIMIT,
      announce: announceAttr ?? undefined,
      announceEvery: numberAttribute(this, 'announce-every', 5000),
    };
  }

  /**
   * Gives the settings their formatter: `text` at once, any other after the Intl formats load; a format, locale, currency
   * or digits they refuse is a fault of these settings only (newer ones may already have replaced them).
   */
  #loadFormatter(settings: BindSettings): void {
    const format = this.getAttribute('format') || 'text';
    if (format === 'text' && !FORMAT_ATTRIBUTES.some((name) => this.hasAttribute(name))) {
      settings.format = formatText;
      settings.formatReady = Promise.resolve(formatText);
      return;
    }
    const digits = this.getAttribute('digits');
    const options: FormatOptions = {
      format,
      locale: settings.locale,
      currency: this.getAttribute('currency') ?? undefined,
      digits: digits === null ? undefined : Number(digits),
    };
    settings.formatReady = loadFormats().then(({ createFormatter }) => {
      settings.format = createFormatter(options);
      return settings.format;
    }).catch((error: unknown) => {
      if (this.#settings === settings) this.#fault(errorMessage(error));
      return undefined;
    });
  }

  // ---- connection ------------------------------------------------------------

  #attach(connection: Connection): void {
    this.#connection = connection;
    this.#sourceFault = undefined;
    this.#rebind();
    this.#showState();
  }

  #detach(connection: Connection): void {
    if (this.#connection !== connection) return;
    this.#unbind();
    this.#connection = undefined;
  }

  /** Builds a binding for the current settings and connection; the new one joins before the old leaves. */
  #rebind(): void {
    const connection = this.#connection;
    const settings = this.#settings;
    const previous = this.#binding;
    this.#binding = undefined;
    this.#linkFault = undefined;
    if (connection && settings) {
      if (settings.binding.topic !== undefined && connection.receiveOnly) {
        this.#linkFault = `topic "${settings.binding.topic}" needs a WebSocket source: SSE is raw mode only`;
        this.#report(this.#linkFault);
      } else {
        const binding = new Binding(settings.binding, {
          bindingValue: (value, data, message) => this.#accept(value, data, message),
          bindingState: (state) => this.#stateChanged(state),
          bindingFailed: (detail) => this.#failed(detail),
        }, this.#hasContent || this.#latestData !== MISSING);
        this.#binding = binding;
        connection.add(binding);
      }
    }
    if (previous) {
      previous.dispose();
      connection?.remove(previous);
    }
  }

  #unbind(): void {
    if (!this.#binding) return;
    this.#binding.dispose();
    this.#connection?.remove(this.#binding);
    this.#binding = undefined;
  }

  // ---- values ----------------------------------------------------------------

  #accept(value: unknown, data: unknown, message: unknown): void {
    this.#trend = trendOf(value, this.#latestValue) ?? this.#trend;
    this.#latestValue = value;
    this.#latestMessage = message;
    this.#latestData = data;
    this.#queue(value);
  }

  /** A new `select` re-renders the last message. */
  #reselect(): void {
    if (this.#latestData === MISSING || !this.#binding) return;
    const value = this.#binding.read(this.#latestData);
    if (value === MISSING || value === this.#latestValue) return;
    this.#latestValue = value;
    this.#queue(value);
  }

  #queue(value: unknown): void {
    this.#renderPending = true;
    const mode = this.#settings?.mode ?? 'replace';
    if (mode === 'append' || mode === 'prepend') scheduler.add(this, value, this.#settings?.limit);
    else scheduler.set(this, value);
  }

  /** `format="relative"` text ages: rewrite it every second (no `ws-update`: the value did not change). */
  #restartClock(): void {
    clearInterval(this.#clock);
    const settings = this.#settings;
    if (!settings?.timeDependent || settings.mode !== 'replace') return;
    this.#clock = setInterval(() => {
      if (this.#hasContent && this.#latestData !== MISSING && !document.hidden && settings.format) {
        writeText(this, settings.format(this.#renderedValue));
      }
    }, 1000);
  }

  /**
   * Writes one frame's work; called by the scheduler.
   * @internal
   */
  renderFrame(work: FrameWork): void {
    this.#renderPending = false;
    const settings = this.#settings;
    if (!settings) return;
    if (settings.mode === 'html') return void this.#renderHtml(work);
    if (this.#renderer) return void this.#renderTemplate(work, this.#renderer);
    if (settings.format) return this.#renderText(work, settings.format);
    // The first frames after a change of format wait for the Intl formats, in order.
    void settings.formatReady.then((format) => {
      if (format && this.#settings === settings) this.#renderText(work, format);
    });
  }

  #renderText(work: FrameWork, format: Formatter): void {
    this.#write(work, format, (value) => writeText(this, format(value)));
  }

  /** Writes a frame: its entries, each made by `entry` (append/prepend), or its latest value through `replace`. */
  #write(work: FrameWork, entry: (value: unknown) => string | Node, replace: (value: unknown) => void): void {
    const { mode = 'replace', limit = DEFAULT_ENTRY_LIMIT } = this.#settings ?? {};
    const previous = this.#renderedValue;
    let value: unknown;
    if (mode === 'append' || mode === 'prepend') {
      if (work.entries.length === 0) return;
      if (!this.#hasContent) clearContent(this);
      insertEntries(this, work.entries.map(entry), mode, limit);
      value = work.entries[work.entries.length - 1];
    } else {
      if (!work.hasLatest) return;
      value = work.latest;
      replace(value);
    }
    this.#written(value, previous);
  }

  /** A change to the template's content recompiles it, as an attribute change would. */
  #watchTemplate(template: HTMLTemplateElement | undefined): void {
    this.#templateWatch?.disconnect();
    if (!template) return;
    this.#templateWatch = new MutationObserver(() => this.#afterMatchParser(() => this.#configure()));
    this.#templateWatch.observe(template.content, { childList: true, subtree: true, characterData: true, attributes: true });
  }

  /** Compiles the author's template; a bad path or format in it is a configuration fault. */
  async #compile(template: HTMLTemplateElement, locale: string | undefined): Promise<TemplateRenderer | undefined> {
    const { compileTemplate } = await loadTemplates();
    try {
      return compileTemplate(template, locale);
    } catch (error) {
      this.#fault(`template error: ${errorMessage(error)}`);
      return undefined;
    }
  }

  async #renderTemplate(work: FrameWork, compiled: Promise<TemplateRenderer | undefined>): Promise<void> {
    const [renderer, { renderTemplate, renderEntry }] = await Promise.all([compiled, loadTemplates()]);
    if (renderer) this.#write(work, (value) => renderEntry(renderer, value), (value) => renderTemplate(this, renderer, value));
  }

  async #renderHtml(work: FrameWork): Promise<void> {
    const sanitize = await loadSanitizer();
    // html mode only ever replaces, so `String` never makes an entry.
    this.#write(work, String, (value) => writeFragment(this, sanitize(String(value ?? ''))));
  }

  #written(value: unknown, previous: unknown): void {
    this.#hasContent = true;
    this.#renderedValue = value;
    if (this.#trend && this.dataset.trend !== this.#trend) this.dataset.trend = this.#trend;
    this.#showState();
    emit<WsUpdateDetail>(this, 'ws-update', { value, previous });
    const { announce: politeness, announceEvery } = this.#settings ?? {};
    if (politeness) void loadAnnouncer().then(({ announce }) => announce(this, politeness, announceEvery ?? 5000));
  }

  // ---- state -----------------------------------------------------------------

  /** The state shows with the DOM write it belongs to, so `live` never shows an old value. */
  #stateChanged(state: BindingState): void {
    this.#bindingState = state;
    if (!this.#renderPending) this.#showState();
  }

  #showState(): void {
    const faulty = this.#configFault ?? this.#sourceFault ?? this.#linkFault;
    const state = faulty === undefined ? this.#bindingState : 'error';
    // Runs after every render: touch the DOM only when the state changed.
    if (this.getAttribute('state') === state) return;
    reflectState(this, this.#internals, state);
    this.toggleAttribute('stale', state === 'stale');
  }

  #failed(detail: WsErrorDetail): void {
    emit(this, 'ws-error', detail);
  }

  /** An attribute fault: keep the content, show `error`, tell the page. */
  #fault(message: string): void {
    this.#configFault = message;
    this.#report(message);
  }

  /** Shows the current faults and dispatches `ws-error` (kind `config`) for this one. */
  #report(message: string): void {
    this.#showState();
    reportConfigFault(this, message);
  }
}

/** up, down or same between two numeric values; undefined otherwise. */
function trendOf(value: unknown, previous: unknown): string | undefined {
  if (typeof value !== 'number' || typeof previous !== 'number') return undefined;
  return value > previous ? 'up' : value < previous ? 'down' : 'same';
}

reflectAttributes(WsBindElement, ['src', 'source', 'topic', 'select', 'match', 'format', 'mode', 'limit', 'stale-after', 'since']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-bind': WsBindElement;
  }
}
