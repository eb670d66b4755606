import { ElementBase } from '../core/element-base.js';
import { numberAttribute, reflectAttributes } from '../core/attributes.js';
import type { Connection } from '../core/connection.js';
import { ConnectionController } from '../core/controller.js';
import { errorMessage, type WsErrorDetail } from '../core/errors.js';
import { emit, type WsAckDetail, type WsSentDetail } from '../core/events.js';
import { Faults } from '../core/faults.js';
import { controlFields, formFields, parseData, publishId } from '../core/payload.js';
import type { Json } from '../core/protocol.js';
import { PublishError } from '../core/topic-session.js';

/** Every default of `<ws-send>`'s attributes. */
const DEFAULTS = { on: ['submit', 'click'], ackTimeout: 10000 } as const;

/**
 * Sends what the user does: a submitted form, a clicked button or a changed
 * control. In topic mode it publishes with a random id, re-sent unchanged
 * after a reconnect, and waits for the server's `ack`.
 *
 * @attr src - Endpoint URL whose shared connection to send on.
 * @attr source - The id of the `<ws-source>` to send on.
 * @attr topic - Publish to this topic; without it the payload itself is sent (raw mode).
 * @attr data - JSON object merged under every payload.
 * @attr on - Events to listen for on descendants (default: submit for forms, click otherwise).
 * @attr debounce - ms of quiet before sending (the latest action wins).
 * @attr throttle - Send at most once per this many ms.
 * @attr keep - Field names kept when the form is reset after a send (empty: the form is not reset at all).
 * @attr ack-timeout - ms to wait for the ack (default 10000).
 * @attr pending - Reflected: present while waiting for an ack.
 * @attr state - Reflected: error on a configuration fault.
 * @fires ws-sent - A payload was handed to the connection; detail `{data, id?}`.
 * @fires ws-ack - The server stored the publish; detail `{id, pos}`.
 * @fires ws-error - Bad `data`, a server error for the publish (kind `server`) or no ack in time (kind `timeout`).
 */
export class WsSendElement extends ElementBase {
  static observedAttributes = ['src', 'source', 'on'];

  declare src: string | null;
  declare source: string | null;
  declare topic: string | null;
  declare data: string | null;

  readonly #faults = new Faults(this, () => this.#showState());
  #connection: Connection | undefined;
  /** Publishes waiting for their ack. */
  #pending = 0;
  #listenedTypes: string[] = [];
  #debounceTimer: ReturnType<typeof setTimeout> | undefined;
  #throttledUntil = 0;
  readonly #controller = new ConnectionController(this, {
    attach: (connection) => this.#attach(connection),
    detach: (connection) => {
      if (this.#connection === connection) this.#connection = undefined;
    },
    fault: (message) => this.#faults.set('source', message),
  });
  readonly #onAction = (event: Event): void => this.#faults.guard(() => this.#act(event));

  connectedCallback(): void {
    this.#faults.guard(() => {
      this.#listen();
      this.#controller.hostConnected();
    });
  }

  disconnectedCallback(): void {
    this.#listen([]);
    this.#controller.hostDisconnected();
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    this.#faults.guard(() => (name === 'on' ? this.#listen() : this.#controller.update()));
  }

  #listen(types = this.#actionTypes()): void {
    for (const type of this.#listenedTypes) this.removeEventListener(type, this.#onAction);
    this.#listenedTypes = types;
    for (const type of types) this.addEventListener(type, this.#onAction);
  }

  #actionTypes(): string[] {
    const on = this.getAttribute('on')?.trim();
    return on ? on.split(/\s+/) : [...DEFAULTS.on];
  }

  #attach(connection: Connection): void {
    this.#connection = connection;
    this.#faults.set('source', undefined);
    this.#faults.set('link', connection.receiveOnly ? 'cannot send on an SSE source (receive-only)' : undefined);
  }

  /** Turns one user action into a send, respecting the default listeners, debounce and throttle. */
  #act(event: Event): void {
    const target = event.target instanceof Element ? event.target : null;
    const form = event.type === 'submit' ? (target as HTMLFormElement) : target?.closest('form');
    if (event.type === 'submit') event.preventDefault();
    // Without `on`, a click inside a form is left to the form's own submit.
    if (event.type === 'click' && !this.hasAttribute('on') && form) return;
    const fields = form && event.type === 'submit'
      ? formFields(form, (event as SubmitEvent).submitter)
      : controlFields(target?.closest('button, input, select, textarea') ?? null);
    const sendNow = (): void => this.#faults.guard(() => this.#send(fields, form ?? undefined));
    const debounce = numberAttribute(this, 'debounce', 0);
    if (debounce > 0) {
      clearTimeout(this.#debounceTimer);
      this.#debounceTimer = setTimeout(sendNow, debounce);
      return;
    }
    const throttle = numberAttribute(this, 'throttle', 0);
    if (throttle > 0) {
      if (Date.now() < this.#throttledUntil) return;
      this.#throttledUntil = Date.now() + throttle;
    }
    sendNow();
  }

  #send(fields: Record<string, unknown>, form: HTMLFormElement | undefined): void {
    const data = { ...parseData(this.getAttribute('data')), ...fields };
    const connection = this.#connection;
    if (!connection) throw new Error('has no connection to send on');
    if (connection.receiveOnly) throw new Error('cannot send on an SSE source (receive-only)');
    this.#faults.set('config', undefined);
    const topic = this.getAttribute('topic');
    if (topic === null) {
      // A raw server sends no ack: the form is done once the frame is handed to an open socket.
      void connection.send(data).then((handed) => handed && this.#reset(form));
      return emit<WsSentDetail>(this, 'ws-sent', { data });
    }
    const id = publishId();
    const acked = connection.publish({ type: 'publish', topic, data: data as Json, id }, numberAttribute(this, 'ack-timeout', DEFAULTS.ackTimeout));
    this.#setPending(+1);
    emit<WsSentDetail>(this, 'ws-sent', { data, id });
    acked.then(
      (pos) => {
        this.#setPending(-1);
        this.#reset(form);
        emit<WsAckDetail>(this, 'ws-ack', { id, pos });
      },
      (error: unknown) => {
        this.#setPending(-1);
        const kind = error instanceof PublishError ? error.kind : 'server';
        const code = error instanceof PublishError ? error.code : undefined;
        emit<WsErrorDetail>(this, 'ws-error', { kind, message: errorMessage(error), id, ...(code !== undefined ? { code } : {}) });
      },
    );
  }

  /** Resets the form after a send, keeping the fields `keep` names (`keep` with no names keeps them all). */
  #reset(form: HTMLFormElement | undefined): void {
    const keep = this.getAttribute('keep');
    if (!form || keep === '') return;
    const names = keep?.trim().split(/\s+/) ?? [];
    const kept = [...form.elements].filter((control): control is HTMLInputElement => names.includes((control as HTMLInputElement).name));
    const values = kept.map((control) => [control.value, control.checked] as const);
    form.reset();
    kept.forEach((control, index) => {
      [control.value, control.checked] = values[index];
    });
  }

  #setPending(change: number): void {
    this.#pending += change;
    this.toggleAttribute('pending', this.#pending > 0);
  }

  #showState(): void {
    if (this.#faults.any) this.setAttribute('state', 'error');
    else this.removeAttribute('state');
  }
}

reflectAttributes(WsSendElement, ['src', 'source', 'topic', 'data']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-send': WsSendElement;
  }
}
