/**
 * One element's view of a connection (SPEC 3.2): the messages it wants
 * (`topic`, `match`), the value it reads from them (`select`), and whether
 * that value is live or stale. It knows nothing of the DOM: it tells its host.
 */
import type { WsErrorDetail } from './errors.js';
import type { ConnectionSubscriber } from './connection.js';
import type { MatchCondition } from './condition.js';
import { MISSING, selectPath, type PathSegment } from './path.js';
import { isAtOrBefore, type Position } from './protocol.js';

export type BindingState = 'waiting' | 'live' | 'stale';

/** A binding's parsed configuration. */
export interface BindingConfig {
  topic?: string;
  select: readonly PathSegment[];
  conditions: readonly MatchCondition[];
  since?: Position;
  history?: number;
  /** ms without a message before the value is stale; 0: never. */
  staleAfter?: number;
}

/** What a binding reports to its element. */
export interface BindingHost {
  /** A message yielded a value: `data` is what `select` read, `message` the whole message. */
  bindingValue(value: unknown, data: unknown, message: unknown): void;
  bindingState(state: BindingState): void;
  bindingFailed(detail: WsErrorDetail): void;
}

/** Filters, selects and tracks freshness for one element. */
export class Binding implements ConnectionSubscriber {
  readonly topic: string | undefined;
  readonly conditions: readonly MatchCondition[];
  readonly since: Position | undefined;
  readonly history: number | undefined;
  readonly #select: readonly PathSegment[];
  readonly #staleAfter: number;
  #mark: Position | undefined;
  #hasValue: boolean;
  #open = false;
  #confirmed: boolean;
  #fresh = true;
  #wasReset = false;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastValueAt = 0;
  #reported: BindingState | undefined;

  readonly #host: BindingHost;

  constructor(config: BindingConfig, host: BindingHost, hasValue: boolean) {
    this.#host = host;
    this.topic = config.topic;
    this.conditions = config.conditions;
    this.since = config.since;
    this.history = config.history;
    this.#select = config.select;
    this.#staleAfter = config.staleAfter ?? 0;
    this.#mark = config.since;
    this.#hasValue = hasValue;
    this.#confirmed = config.topic === undefined;
  }

  /** Reads the selected value out of `data`; `MISSING` when the path does not resolve. */
  read(data: unknown): unknown {
    return this.#select.length === 0 ? data : selectPath(data, this.#select);
  }

  deliver(data: unknown, message: unknown, pos?: Position): void {
    if (pos !== undefined && isAtOrBefore(pos, this.#mark)) return;
    if (pos !== undefined) this.#mark = pos;
    const value = this.read(data);
    if (value === MISSING) return;
    this.#hasValue = true;
    this.#fresh = true;
    this.#wasReset = false;
    this.#watchFreshness();
    this.#host.bindingValue(value, data, message ?? data);
    this.#report();
  }

  linkChanged(open: boolean): void {
    this.#open = open;
    if (!open && this.topic !== undefined) this.#confirmed = false;
    this.#report();
  }

  topicChanged(change: 'subscribed' | 'reset'): void {
    if (change === 'subscribed') this.#confirmed = true;
    else this.#wasReset = true;
    this.#report();
  }

  topicFailed(detail: WsErrorDetail): void {
    this.#host.bindingFailed(detail);
  }

  /** Stops the stale timer; the binding is being replaced or its element left. */
  dispose(): void {
    clearTimeout(this.#staleTimer);
  }

  /** The position of the last event this element applied (topic mode), else its `since`. */
  get position(): Position | undefined {
    return this.#mark;
  }

  /** The binding's state now. */
  get state(): BindingState {
    if (!this.#hasValue) return 'waiting';
    return this.#open && this.#confirmed && this.#fresh && !this.#wasReset ? 'live' : 'stale';
  }

  /** Notes a value's time; one timer per element re-arms itself, so a firehose does not reset a timer per message. */
  #watchFreshness(): void {
    if (this.#staleAfter <= 0) return;
    this.#lastValueAt = Date.now();
    this.#staleTimer ??= setTimeout(() => this.#checkFreshness(), this.#staleAfter);
  }

  #checkFreshness(): void {
    const left = this.#lastValueAt + this.#staleAfter - Date.now();
    this.#staleTimer = left > 0 ? setTimeout(() => this.#checkFreshness(), left) : undefined;
    if (left > 0) return;
    this.#fresh = false;
    this.#report();
  }

  #report(): void {
    const state = this.state;
    if (state === this.#reported) return;
    this.#reported = state;
    this.#host.bindingState(state);
  }
}
