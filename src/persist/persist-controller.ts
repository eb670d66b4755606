/**
 * `persist` on `<ws-bind>` (SPEC 3.2): keeps what the element shows — its
 * last value, or its entries up to `limit` — and its topic position, under
 * the page's path and the element's `id`; shows it again, as stale, on the
 * next load before the element subscribes (from the kept position). Writes
 * at most once a second, and on `pagehide`. Data it cannot read is dropped
 * with one `ws-error`; a refused write is one `ws-error`, and rendering goes on.
 */
import type { BindController } from '../core/bind-controller.js';
import { ConfigError, errorMessage, type WsErrorDetail } from '../core/errors.js';
import { emit } from '../core/events.js';
import { isPosition, type Position } from '../core/protocol.js';
import { localStore, sessionStore, type KeptStore } from './storage.js';

/** The shape of what is kept; data of another version is dropped. */
const SCHEMA = 1;

/** How often, at most, one element's data is written, in ms. */
const WRITE_EVERY = 1000;

/** What is kept of one element. */
interface KeptRecord {
  v: typeof SCHEMA;
  /** The value, or the entries oldest first. */
  values: unknown[];
  pos?: Position;
}

/** The store an element's `persist` names; undefined when it keeps nothing. Throws the `config` faults. */
export function storeFor(element: HTMLElement): KeptStore | undefined {
  const persist = element.getAttribute('persist');
  if (persist === null) return undefined;
  if (!element.id) throw new ConfigError('persist needs an id to keep the content under');
  if (persist === '' || persist === 'session') return sessionStore;
  if (persist === 'local') return localStore;
  throw new ConfigError(`unknown persist "${persist}" (expected session or local)`);
}

function readRecord(data: unknown): KeptRecord | undefined {
  const record = data as KeptRecord | null;
  if (typeof record !== 'object' || record === null || record.v !== SCHEMA || !Array.isArray(record.values)) return undefined;
  return record.pos === undefined || (typeof record.pos === 'string' && isPosition(record.pos)) ? record : undefined;
}

/** Keeps one `<ws-bind>`'s content across loads. */
export class PersistController {
  readonly #host: HTMLElement;
  readonly #bind: BindController;
  readonly #ready: () => void;
  #store: KeptStore | undefined;
  #values: unknown[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #dirty = false;
  #loaded = false;
  #refused = false;
  readonly #onPageHide = (): void => this.#write();

  /** `ready` connects the element, once what was kept is shown. */
  constructor(host: HTMLElement, bind: BindController, ready: () => void) {
    this.#host = host;
    this.#bind = bind;
    this.#ready = ready;
  }

  /** Shows what was kept (the first time only), then lets the element connect. */
  hostConnected(store: KeptStore | undefined): void {
    this.#store = store;
    if (store) addEventListener('pagehide', this.#onPageHide);
    if (!store || this.#loaded) return this.#ready();
    this.#loaded = true;
    store.read(this.#key).then(
      (data) => this.#restore(data),
      (error: unknown) => this.#restore(error),
    ).finally(() => this.#host.isConnected && this.#ready());
  }

  hostDisconnected(): void {
    removeEventListener('pagehide', this.#onPageHide);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) this.#write();
  }

  /** The element accepted `value`: kept, and written within a second. */
  accepted(value: unknown): void {
    if (!this.#store) return;
    this.#values.push(value);
    const keep = this.#bind.addsEntries ? this.#bind.limit : 1;
    if (this.#values.length > keep) this.#values.splice(0, this.#values.length - keep);
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, WRITE_EVERY);
  }

  /** Page path and element id: another page's element of the same id keeps its own. */
  get #key(): string {
    return `ws-bind ${location.pathname} ${this.#host.id}`;
  }

  #restore(data: unknown): void {
    if (data === undefined) return;
    const record = readRecord(data);
    if (record) return this.#bind.restore((this.#values = record.values), record.pos);
    void this.#store?.remove(this.#key).catch(() => undefined);
    this.#fail({ kind: 'parse', message: `persist: dropped what was kept for #${this.#host.id}: ${data instanceof Error ? errorMessage(data) : 'not data of this version'}` });
  }

  #write(): void {
    if (!this.#store || !this.#dirty) return;
    this.#dirty = false;
    const record: KeptRecord = { v: SCHEMA, values: this.#values, pos: this.#bind.position };
    this.#store.write(this.#key, record).catch((error: unknown) => {
      // One report, not one a second: the page goes on rendering either way.
      if (this.#refused) return;
      this.#refused = true;
      this.#fail({ kind: 'config', message: `persist: the browser refused to keep #${this.#host.id}: ${errorMessage(error)}` });
    });
  }

  #fail(detail: WsErrorDetail): void {
    emit<WsErrorDetail>(this.#host, 'ws-error', detail);
  }
}
