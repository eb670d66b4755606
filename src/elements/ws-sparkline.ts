import { ElementBase } from '../core/element-base.js';
import { numberAttribute, reflectAttributes } from '../core/attributes.js';
import { Binding, type BindingState } from '../core/binding.js';
import type { Connection } from '../core/connection.js';
import { ConnectionController } from '../core/controller.js';
import { attachInternals, reflectState } from '../core/element-state.js';
import { errorMessage, type WsErrorDetail } from '../core/errors.js';
import { emit } from '../core/events.js';
import { Faults } from '../core/faults.js';
import { parseMatch } from '../core/match.js';
import { parsePath } from '../core/path.js';
import { scheduler, type FrameTarget } from '../core/scheduler.js';
import { numericValue, polylinePoints, RecentValues } from '../core/sparkline.js';

/** Attributes whose change rebuilds the binding; `src` and `source` move the connection instead. */
const CONFIG_ATTRIBUTES = ['topic', 'select', 'match', 'points', 'min', 'max', 'history'];
const DEFAULT_POINTS = 60;
/** The drawing's own coordinates; the SVG stretches them to the element's box. */
const WIDTH = 100;
const HEIGHT = 30;
const SVG = 'http://www.w3.org/2000/svg';

/**
 * Draws the trend of a live number: keeps the last `points` numeric values
 * selected from what arrives and draws them as an SVG line in `currentColor`
 * that fills the element's box, redrawn at most once per frame. The SVG's
 * `<title>` gives the latest value to screen readers.
 *
 * @attr src - Endpoint URL; one implicit connection per URL is shared.
 * @attr source - The id of a `<ws-source>` to use instead of `src`.
 * @attr topic - Subscribe to this topic with the topic protocol; without it the element is in raw mode.
 * @attr select - Path to the number in each message (as `<ws-bind>`'s `select`).
 * @attr match - Whitespace-separated `path=value` conditions that a message must all meet.
 * @attr points - How many recent values to draw (default 60).
 * @attr min - The value at the bottom (default: the lowest drawn).
 * @attr max - The value at the top (default: the highest drawn).
 * @attr history - Topic mode: start with up to N latest past events.
 * @attr state - Reflected: waiting, live, stale or error.
 * @fires ws-error - A configuration fault (kind `config`), the first non-numeric value (kind `parse`), or a refused subscription.
 * @csspart line - The SVG polyline.
 * @cssstate waiting - No value yet.
 * @cssstate live - Drawing live values.
 * @cssstate stale - Disconnected or reset: the line is not current.
 * @cssstate error - A configuration fault.
 */
export class WsSparklineElement extends ElementBase implements FrameTarget {
  static observedAttributes = ['src', 'source', ...CONFIG_ATTRIBUTES];

  declare src: string | null;
  declare source: string | null;
  declare topic: string | null;
  declare select: string | null;
  declare points: string | null;
  declare min: string | null;
  declare max: string | null;

  readonly #internals = attachInternals(this);
  readonly #faults = new Faults(this, () => this.#showState());
  readonly #values = new RecentValues(DEFAULT_POINTS);
  readonly #root = this.attachShadow({ mode: 'open' });
  readonly #svg = document.createElementNS(SVG, 'svg');
  readonly #title = document.createElementNS(SVG, 'title');
  readonly #line = document.createElementNS(SVG, 'polyline');
  #binding: Binding | undefined;
  #connection: Connection | undefined;
  #state: BindingState = 'waiting';
  #range: { min?: number; max?: number } = {};
  /** One `ws-error` for non-numeric values per configuration, not one per message. */
  #reportedNonNumeric = false;
  readonly #controller = new ConnectionController(this, {
    attach: (connection) => {
      this.#faults.set('source', undefined);
      this.#connection = connection;
      this.#bind();
    },
    detach: (connection) => {
      if (this.#connection !== connection) return;
      this.#unbind();
      this.#connection = undefined;
    },
    fault: (message) => this.#faults.set('source', message),
  });

  constructor() {
    super();
    const style = document.createElement('style');
    style.textContent = ':host{display:inline-block;width:6em;height:1.5em;vertical-align:middle}svg{display:block;width:100%;height:100%;overflow:visible}';
    this.#svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.#svg.setAttribute('preserveAspectRatio', 'none');
    this.#svg.setAttribute('role', 'img');
    this.#line.setAttribute('part', 'line');
    for (const [name, value] of [['fill', 'none'], ['stroke', 'currentColor'], ['stroke-width', '1.5'], ['vector-effect', 'non-scaling-stroke']]) {
      this.#line.setAttribute(name, value);
    }
    this.#svg.append(this.#title, this.#line);
    this.#root.append(style, this.#svg);
  }

  /** The values drawn, oldest first. */
  get values(): readonly number[] {
    return this.#values.values;
  }

  connectedCallback(): void {
    this.#faults.guard(() => {
      this.#configure();
      this.#controller.hostConnected();
    });
  }

  disconnectedCallback(): void {
    this.#faults.guard(() => {
      this.#controller.hostDisconnected();
      scheduler.cancel(this);
    });
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    this.#faults.guard(() => (name === 'src' || name === 'source' ? this.#controller.update() : this.#configure()));
  }

  /** Draws the values kept; called by the scheduler at most once per frame. */
  renderFrame(): void {
    const values = this.#values.values;
    this.#line.setAttribute('points', values.length > 0 ? polylinePoints(values, this.#values.limit, WIDTH, HEIGHT, this.#range.min, this.#range.max) : '');
    const latest = values.at(-1);
    this.#title.textContent = latest === undefined ? '' : String(latest);
    this.#showState();
  }

  #configure(): void {
    this.#unbind();
    try {
      const number = (name: string): number | undefined => {
        const value = numericValue(this.getAttribute(name));
        if (this.hasAttribute(name) && value === undefined) throw new Error(`${name} "${this.getAttribute(name)}" is not a number`);
        return value;
      };
      this.#range = { min: number('min'), max: number('max') };
      this.#values.limit = Math.max(2, Math.floor(numberAttribute(this, 'points', DEFAULT_POINTS)));
      this.#binding = new Binding({
        topic: this.getAttribute('topic') ?? undefined,
        select: parsePath(this.getAttribute('select') ?? ''),
        conditions: parseMatch(this.getAttribute('match') ?? ''),
        history: numberAttribute(this, 'history', 0) || undefined,
      }, {
        bindingValue: (value) => this.#received(value),
        bindingState: (state) => {
          this.#state = state;
          this.#showState();
        },
        bindingFailed: (detail) => emit<WsErrorDetail>(this, 'ws-error', detail),
      }, this.#values.values.length > 0);
      this.#reportedNonNumeric = false;
      this.#faults.set('config', undefined);
    } catch (error) {
      this.#faults.set('config', errorMessage(error));
    }
    this.#bind();
    scheduler.set(this, undefined);
  }

  #received(value: unknown): void {
    const number = numericValue(value);
    if (number !== undefined) {
      this.#values.push(number);
      scheduler.set(this, undefined);
      return;
    }
    if (this.#reportedNonNumeric) return;
    this.#reportedNonNumeric = true;
    emit<WsErrorDetail>(this, 'ws-error', { kind: 'parse', message: `ignoring non-numeric values (first: ${JSON.stringify(value)})` });
  }

  #bind(): void {
    if (this.#binding && this.#connection) this.#connection.add(this.#binding);
  }

  #unbind(): void {
    if (!this.#binding) return;
    this.#connection?.remove(this.#binding);
    this.#binding.dispose();
    this.#binding = undefined;
  }

  #showState(): void {
    const state = this.#faults.any ? 'error' : this.#state;
    if (this.getAttribute('state') !== state) reflectState(this, this.#internals, state);
  }
}

reflectAttributes(WsSparklineElement, ['src', 'source', 'topic', 'select', 'points', 'min', 'max']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-sparkline': WsSparklineElement;
  }
}
