/**
 * The life of one `<ws-bind>` (SPEC 3.2), apart from its element: the
 * `Binding` on the current connection, the latest and rendered values, the
 * trend, the ageing of `relative` text, and the frames the scheduler hands
 * it, written through the mode's row in `render.ts`'s table. The element
 * reads attributes into `BindSettings` and reflects what this reports.
 */
import { Binding, type BindingConfig, type BindingState } from './binding.js';
import type { MatchCondition } from './condition.js';
import type { Connection } from './connection.js';
import { errorMessage, type WsErrorDetail } from './errors.js';
import type { Formatter } from './format.js';
import { KeyedEntries } from './keyed-entries.js';
import { MISSING, type PathSegment } from './path.js';
import type { Position } from './protocol.js';
import { addsEntries, NOTHING, WRITERS, type Mode, type View } from './render.js';
import { scheduler, type FrameTarget, type FrameWork } from './scheduler.js';
import { copyContent, replaceContent, writeText } from './content.js';
import type { TemplateRenderer } from '../template/compile.js';

/** What the element's attributes say, parsed. */
export interface BindSettings {
  binding: BindingConfig;
  mode: Mode;
  /** append/prepend: entries kept. */
  limit: number;
  format: Formatter;
  /** The author's `<template>`, compiled; undefined renders text. */
  renderer: TemplateRenderer | undefined;
  /** `format="relative"`: the text ages, so it is rewritten every second. */
  ages: boolean;
  /** `mode="keyed"`: the `key` paths (the first that resolves wins) and the `remove` conditions. */
  keys: PathSegment[][];
  remove: MatchCondition[];
  /** `first`: only the first message of each connection. */
  first: boolean;
  /** `clear-on="reconnect"`: back to the placeholder when the connection reopens. */
  clearOnReconnect: boolean;
}

/** What the controller tells its element. */
export interface BindEvents {
  /** The binding's state changed; shown with the DOM write it belongs to. */
  stateChanged(state: BindingState): void;
  /** A frame was written: `value` is now on the page. */
  written(value: unknown, previous: unknown): void;
  /** A refused subscription, or a write that failed. */
  failed(detail: WsErrorDetail): void;
  /** The settings cannot work on this connection (a topic on an SSE source); undefined clears it. */
  linkFault(message: string | undefined): void;
  /** A message yielded `value` (what `persist` keeps). */
  accepted?(value: unknown): void;
}

/** Binds one element to its connection and writes what arrives. */
export class BindController implements FrameTarget, View {
  readonly host: HTMLElement;
  readonly #events: BindEvents;
  #settings: BindSettings | undefined;
  #binding: Binding | undefined;
  #connection: Connection | undefined;
  #state: BindingState = 'waiting';
  #latestValue: unknown;
  #latestMessage: unknown;
  #latestData: unknown = MISSING;
  #renderedValue: unknown;
  /** False while the children are a placeholder; `since` makes them content from the start. */
  #hasContent = false;
  #renderPending = false;
  #trend: string | undefined;
  /** Where what `restore` showed was rendered: the first binding resumes from there. */
  #restoredAt: Position | undefined;
  #restored = false;
  #clock: ReturnType<typeof setInterval> | undefined;
  #connectionOpens: Connection | undefined;
  /** `mode="keyed"`: the entries so far. */
  #entries: KeyedEntries | undefined;
  /** `mode="count"`: messages accepted since the connection opened. */
  #count = 0;
  /** `first`: the message of this connection was taken. */
  #firstTaken = false;
  /** Copies of the placeholder, taken before the first write, for `clear-on="reconnect"`. */
  #placeholder: Node[] | undefined;
  /** A (re)open of the connection: `first` re-arms, `count` starts over, `clear-on="reconnect"` clears. */
  readonly #onOpen = (): void => {
    this.#firstTaken = false;
    this.#count = 0;
    if (this.#settings?.clearOnReconnect && this.#hasContent) this.#backToPlaceholder();
  };

  constructor(host: HTMLElement, events: BindEvents) {
    this.host = host;
    this.#events = events;
  }

  /** The latest selected value (updated at once, even while rendering waits). */
  get value(): unknown {
    return this.#latestValue;
  }

  /** The latest message accepted. */
  get message(): unknown {
    return this.#latestMessage;
  }

  /** waiting, live or stale. */
  get state(): BindingState {
    return this.#state;
  }

  /** up, down or same after a numeric change. */
  get trend(): string | undefined {
    return this.#trend;
  }

  get renderer(): TemplateRenderer | undefined {
    return this.#settings?.renderer;
  }

  get session(): string | undefined {
    return this.#connection?.session;
  }

  get limit(): number {
    return this.#settings?.limit ?? Infinity;
  }

  get hasContent(): boolean {
    return this.#hasContent;
  }

  /** True when every message adds an entry (append, prepend) rather than replacing the value. */
  get addsEntries(): boolean {
    return this.#settings !== undefined && addsEntries(this.#settings.mode);
  }

  /** The position of the last event shown (topic mode). */
  get position(): Position | undefined {
    return this.#binding?.position ?? this.#restoredAt;
  }

  /** Shows what `persist` kept (values, or entries oldest first) as stale until fresh data arrives; `pos` is where it was. */
  restore(values: readonly unknown[], pos: Position | undefined): void {
    this.#restoredAt = pos;
    this.#restored = values.length > 0;
    this.#state = this.#restored ? 'stale' : this.#state;
    for (const value of values) this.#accept(value, MISSING, undefined);
  }

  text(value: unknown): string {
    return this.#settings?.format(value) ?? '';
  }

  /** New settings (undefined: a fault; the old binding stops and the content stays). */
  configure(settings: BindSettings | undefined): void {
    const previous = this.#settings;
    this.#settings = settings;
    if (settings?.binding.since !== undefined) this.#hasContent = true;
    if (settings?.mode !== 'keyed') this.#entries = undefined;
    else if (!this.#entries || !sameEntries(previous, settings)) this.#entries = new KeyedEntries(settings.keys, settings.remove, settings.limit);
    this.#restartClock();
    this.#rebind();
    if (settings) this.#reselect();
  }

  /** The element now uses `connection`. */
  attach(connection: Connection): void {
    this.#connection = connection;
    this.#listenForOpens(connection);
    this.#rebind();
  }

  /** The element stops using `connection`. */
  detach(connection: Connection): void {
    if (this.#connection !== connection) return;
    this.#unbind();
    this.#listenForOpens(undefined);
    this.#connection = undefined;
  }

  /** The element left the page: nothing more is written. */
  stop(): void {
    scheduler.cancel(this);
    clearInterval(this.#clock);
    this.#clock = undefined;
  }

  /**
   * Writes one frame through the mode's writer; called by the scheduler.
   * @internal
   */
  renderFrame(work: FrameWork): void {
    this.#renderPending = false;
    const settings = this.#settings;
    if (!settings) return;
    const previous = this.#renderedValue;
    if (!this.#hasContent && settings.clearOnReconnect) this.#placeholder ??= copyContent(this.host);
    const written = WRITERS[settings.mode](this, work);
    if (!(written instanceof Promise)) return this.#written(written, previous);
    written.then(
      (value) => this.#settings === settings && this.#written(value, previous),
      (error: unknown) => this.#events.failed({ kind: 'config', message: errorMessage(error) }),
    );
  }

  // ---- binding -----------------------------------------------------------------

  /** Builds a binding for the current settings and connection; the new one joins before the old leaves. */
  #rebind(): void {
    const connection = this.#connection;
    const settings = this.#settings;
    const previous = this.#binding;
    this.#binding = undefined;
    const needsSocket = settings?.binding.topic !== undefined && connection?.receiveOnly;
    this.#events.linkFault(needsSocket ? `topic "${settings.binding.topic}" needs a WebSocket source: SSE is raw mode only` : undefined);
    if (connection && settings && !needsSocket) {
      // A new binding on the same topic resumes where the element is, so a replay shows nothing twice.
      const resumeAt = previous?.topic === settings.binding.topic ? previous?.position : undefined;
      const since = resumeAt ?? this.#restoredAt ?? settings.binding.since;
      this.#binding = new Binding({ ...settings.binding, since }, {
        bindingValue: (value, data, message) => {
          this.#accept(value, data, message);
          this.#events.accepted?.(value);
        },
        bindingState: (state) => this.#stateChanged(state),
        bindingFailed: (detail) => this.#events.failed(detail),
      }, this.#hasContent || this.#restored || this.#latestData !== MISSING);
      connection.add(this.#binding);
    }
    if (previous) this.#drop(previous, connection);
  }

  #unbind(): void {
    if (this.#binding) this.#drop(this.#binding, this.#connection);
    this.#binding = undefined;
  }

  #drop(binding: Binding, connection: Connection | undefined): void {
    binding.dispose();
    connection?.remove(binding);
  }

  // ---- values ------------------------------------------------------------------

  #accept(value: unknown, data: unknown, message: unknown): void {
    const settings = this.#settings;
    if (settings?.first) {
      if (this.#firstTaken) return;
      this.#firstTaken = true;
    }
    if (this.#entries) {
      if (!this.#entries.accept(value, data)) return;
      value = this.#entries.toObject();
    } else if (settings?.mode === 'count') {
      value = ++this.#count;
    }
    this.#trend = trendOf(value, this.#latestValue) ?? this.#trend;
    this.#latestValue = value;
    this.#latestMessage = message;
    this.#latestData = data;
    this.#queue(value);
  }

  /** A new `select` re-renders the last message. */
  #reselect(): void {
    const mode = this.#settings?.mode;
    if (this.#latestData === MISSING || !this.#binding || mode === 'keyed' || mode === 'count') return;
    const value = this.#binding.read(this.#latestData);
    if (value === MISSING || value === this.#latestValue) return;
    this.#latestValue = value;
    this.#queue(value);
  }

  #queue(value: unknown): void {
    this.#renderPending = true;
    const settings = this.#settings;
    if (settings && addsEntries(settings.mode)) scheduler.add(this, value, settings.limit);
    else scheduler.set(this, value);
  }

  #written(value: unknown, previous: unknown): void {
    if (value === NOTHING) return;
    this.#hasContent = true;
    this.#renderedValue = value;
    this.#events.written(value, previous);
  }

  #listenForOpens(connection: Connection | undefined): void {
    this.#connectionOpens?.removeEventListener('open', this.#onOpen);
    this.#connectionOpens = connection;
    connection?.addEventListener('open', this.#onOpen);
  }

  /** `clear-on="reconnect"`: the placeholder again, no value, and a fresh binding that waits for one. */
  #backToPlaceholder(): void {
    scheduler.cancel(this);
    this.#renderPending = false;
    replaceContent(this.host, (this.#placeholder ?? []).map((node) => node.cloneNode(true)));
    this.#hasContent = false;
    this.#latestData = MISSING;
    this.#latestValue = this.#latestMessage = this.#renderedValue = undefined;
    if (this.#entries && this.#settings) this.#entries = new KeyedEntries(this.#settings.keys, this.#settings.remove, this.#settings.limit);
    this.#rebind();
  }

  /** `format="relative"` text ages: rewrite it every second (no `ws-update`: the value did not change). */
  #restartClock(): void {
    clearInterval(this.#clock);
    this.#clock = undefined;
    const settings = this.#settings;
    if (!settings?.ages || settings.mode !== 'replace' || settings.renderer) return;
    this.#clock = setInterval(() => {
      if (this.#hasContent && this.#latestData !== MISSING && !document.hidden) writeText(this.host, settings.format(this.#renderedValue));
    }, 1000);
  }

  /** The state shows with the DOM write it belongs to, so `live` never shows an old value. */
  #stateChanged(state: BindingState): void {
    this.#state = state;
    if (!this.#renderPending) this.#events.stateChanged(state);
  }
}

/** Whether two keyed settings keep the same entries (same keys, removal and limit). */
function sameEntries(previous: BindSettings | undefined, next: BindSettings): boolean {
  return previous?.mode === 'keyed' && previous.limit === next.limit
    && JSON.stringify([previous.keys, previous.remove]) === JSON.stringify([next.keys, next.remove]);
}

/** up, down or same between two numeric values; undefined otherwise. */
function trendOf(value: unknown, previous: unknown): string | undefined {
  if (typeof value !== 'number' || typeof previous !== 'number') return undefined;
  return value > previous ? 'up' : value < previous ? 'down' : 'same';
}
