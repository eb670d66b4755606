import { ElementBase } from '../core/element-base.js';
import { guarded, numberAttribute, reflectAttributes } from '../core/attributes.js';
import type { Connection, PublishOutcome } from '../core/connection.js';
import { ConnectionController } from '../core/controller.js';
import type { WsErrorDetail } from '../core/errors.js';
import { emit, reportConfigFault, type WsAckDetail, type WsSentDetail } from '../core/events.js';
import { controlFields, formFields, parseData, publishId } from '../core/payload.js';
import type { Json, MessageId } from '../core/protocol.js';

interface Waiting { form: HTMLFormElement | undefined; timer: ReturnType<typeof setTimeout> }

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
 * @attr keep - Do not reset the form on the ack.
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

  #connection: Connection | undefined;
  readonly #waiting = new Map<MessageId, Waiting>();
  #listenedTypes: string[] = [];
  #debounceTimer: ReturnType<typeof setTimeout> | undefined;
  #throttledUntil = 0;
  readonly #controller = new ConnectionController(this, {
    attach: (connection) => this.#attach(connection),
    detach: (connection) => this.#detach(connection),
    fault: (message) => this.#showFault(message),
  });
  readonly #onAction = (event: Event): void => guarded(() => this.#act(event), (message) => this.#showFault(message));
  readonly #onAck = (event: Event): void => this.#settle((event as CustomEvent<PublishOutcome>).detail, true);
  readonly #onRefused = (event: Event): void => this.#settle((event as CustomEvent<PublishOutcome>).detail, false);

  connectedCallback(): void {
    guarded(() => {
      this.#listen();
      this.#controller.hostConnected();
    }, (message) => this.#showFault(message));
  }

  disconnectedCallback(): void {
    this.#listen([]);
    this.#controller.hostDisconnected();
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.isConnected) return;
    guarded(() => (name === 'on' ? this.#listen() : this.#controller.update()), (message) => this.#showFault(message));
  }

  #listen(types = this.#actionTypes()): void {
    for (const type of this.#listenedTypes) this.removeEventListener(type, this.#onAction);
    this.#listenedTypes = types;
    for (const type of types) this.addEventListener(type, this.#onAction);
  }

  #actionTypes(): string[] {
    const on = this.getAttribute('on')?.trim();
    return on ? on.split(/\s+/) : ['submit', 'click'];
  }

  #attach(connection: Connection): void {
    this.#connection = connection;
    if (connection.receiveOnly) return this.#showFault('cannot send on an SSE source (receive-only)');
    this.removeAttribute('state');
    connection.addEventListener('ack', this.#onAck);
    connection.addEventListener('publish-error', this.#onRefused);
  }

  #detach(connection: Connection): void {
    connection.removeEventListener('ack', this.#onAck);
    connection.removeEventListener('publish-error', this.#onRefused);
    if (this.#connection === connection) this.#connection = undefined;
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
    const sendNow = (): void => this.#sendPayload(fields, form ?? undefined);
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

  #sendPayload(fields: Record<string, unknown>, form: HTMLFormElement | undefined): void {
    let data: Record<string, unknown>;
    try {
      data = { ...parseData(this.getAttribute('data')), ...fields };
    } catch (error) {
      return this.#showFault((error as Error).message);
    }
    const connection = this.#connection;
    if (!connection) return this.#showFault('has no connection to send on');
    if (connection.receiveOnly) return this.#showFault('cannot send on an SSE source (receive-only)');
    this.removeAttribute('state');
    const topic = this.getAttribute('topic');
    if (topic === null) {
      connection.send(data);
      return emit<WsSentDetail>(this, 'ws-sent', { data });
    }
    const id = publishId();
    this.#wait(id, form);
    connection.publish({ type: 'publish', topic, data: data as Json, id });
    emit<WsSentDetail>(this, 'ws-sent', { data, id });
  }

  #wait(id: MessageId, form: HTMLFormElement | undefined): void {
    const timeout = numberAttribute(this, 'ack-timeout', 10000);
    const timer = setTimeout(() => {
      this.#connection?.cancelPublish(id);
      this.#finish(id);
      emit<WsErrorDetail>(this, 'ws-error', { kind: 'timeout', message: `no ack within ${timeout} ms`, id });
    }, timeout);
    this.#waiting.set(id, { form, timer });
    this.setAttribute('pending', '');
  }

  #settle(outcome: PublishOutcome, acked: boolean): void {
    const waiting = this.#finish(outcome.id);
    if (!waiting) return;
    if (!acked) {
      return emit<WsErrorDetail>(this, 'ws-error', {
        kind: 'server', message: outcome.message ?? 'publish refused', code: outcome.code, id: outcome.id,
      });
    }
    if (!this.hasAttribute('keep')) waiting.form?.reset();
    emit<WsAckDetail>(this, 'ws-ack', { id: outcome.id, pos: outcome.pos ?? '' });
  }

  #finish(id: MessageId): Waiting | undefined {
    const waiting = this.#waiting.get(id);
    if (!waiting) return undefined;
    clearTimeout(waiting.timer);
    this.#waiting.delete(id);
    this.toggleAttribute('pending', this.#waiting.size > 0);
    return waiting;
  }

  #showFault(message: string): void {
    this.setAttribute('state', 'error');
    reportConfigFault(this, message);
  }
}

reflectAttributes(WsSendElement, ['src', 'source', 'topic', 'data']);

declare global {
  interface HTMLElementTagNameMap {
    'ws-send': WsSendElement;
  }
}
