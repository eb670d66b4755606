/**
 * Gives an element its connection: the one its `source` names, or the shared
 * implicit one for its `src` (SPEC 3). Elements hold a controller and never
 * touch sockets; when `src` or `source` changes, `update()` moves them.
 */
import type { Connection } from './connection.js';
import { ConfigError, errorMessage, type WsErrorDetail } from './errors.js';
import { emit } from './events.js';
import { registry } from './registry.js';
import { resolveEndpoint, splitSources } from './url.js';

/** What a `<ws-source>` offers the elements that name it. */
export interface ConnectionOwner extends HTMLElement {
  /** The source's connection; undefined while it is disconnected or misconfigured. */
  readonly connection: Connection | undefined;
}

/** What the controller tells its element. */
export interface ConnectionClient {
  /** The element now uses `connection` (its configuration is good). */
  attach(connection: Connection): void;
  /** The element stops using `connection`. */
  detach(connection: Connection): void;
  /** A configuration fault, with a message naming it and the offending value. */
  fault(message: string): void;
}

const sourceListeners = new Set<() => void>();

/** Called by `<ws-source>` when it appears, leaves or replaces its connection. */
export function sourcesChanged(): void {
  for (const listener of [...sourceListeners]) listener();
}

/** Resolves the configured URLs of `src` against the document. */
export function resolveSources(src: string, transport?: 'ws' | 'sse'): string[] {
  const urls = splitSources(src).map((part) => resolveEndpoint(part, document.baseURI, transport));
  if (urls.length === 0) throw new ConfigError(`src "${src}" names no URL`);
  return urls;
}

/** Finds the connection for one element and keeps it current. */
export class ConnectionController {
  #current: Connection | undefined;
  #implicit = false;
  #listening = false;
  readonly #onSourcesChanged = (): void => this.update();
  /** An implicit connection has no `<ws-source>` to report its faults (a full queue, a stray server error): its users do. */
  readonly #onConnectionError = (event: Event): void => emit<WsErrorDetail>(this.#host, 'ws-error', (event as CustomEvent<WsErrorDetail>).detail);

  readonly #host: HTMLElement;
  readonly #client: ConnectionClient;

  constructor(host: HTMLElement, client: ConnectionClient) {
    this.#host = host;
    this.#client = client;
  }

  hostConnected(): void {
    this.#listen(true);
    this.update();
  }

  hostDisconnected(): void {
    this.#listen(false);
    this.#use(undefined, false);
  }

  /** Re-reads `source` and `src`; moves the element if they now name another connection. */
  update(): void {
    // Attribute callbacks of an upgrade come before `hostConnected`: the element connects only once that runs.
    if (!this.#host.isConnected || !this.#listening) return;
    const sourceId = this.#host.getAttribute('source');
    if (sourceId !== null) return this.#useSource(sourceId);
    const src = this.#host.getAttribute('src');
    if (src === null || src.trim() === '') return this.#faulted('needs a src or a source attribute');
    try {
      const urls = resolveSources(src);
      if (this.#implicit && this.#current?.urls.join(' ') === urls.join(' ')) return;
      this.#use(registry.acquire(urls), true);
    } catch (error) {
      this.#faulted(errorMessage(error));
    }
  }

  #useSource(id: string): void {
    const owner = findSource(this.#host, id);
    // A misconfigured source is a fault of every element that names it, so a status shows its `error` too.
    if (owner?.getAttribute('state') === 'error') return this.#faulted(`<ws-source> with id "${id}" is in error`);
    if (owner) return this.#use(owner.connection, false);
    this.#use(undefined, false);
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => this.update(), { once: true });
      return;
    }
    this.#client.fault(`no <ws-source> with id "${id}"`);
  }

  #faulted(message: string): void {
    this.#use(undefined, false);
    this.#client.fault(message);
  }

  #use(next: Connection | undefined, implicit: boolean): void {
    const previous = this.#current;
    if (previous === next) {
      if (implicit && next) registry.release(next);
      return;
    }
    if (previous) {
      this.#client.detach(previous);
      if (this.#implicit) {
        previous.removeEventListener('error', this.#onConnectionError);
        registry.release(previous);
      }
    }
    this.#current = next;
    this.#implicit = implicit;
    if (!next) return;
    if (implicit) next.addEventListener('error', this.#onConnectionError);
    this.#client.attach(next);
  }

  #listen(on: boolean): void {
    if (on === this.#listening) return;
    this.#listening = on;
    if (on) sourceListeners.add(this.#onSourcesChanged);
    else sourceListeners.delete(this.#onSourcesChanged);
  }
}

/** Looks the id up in the element's root node, then the document (SPEC 3). */
function findSource(host: HTMLElement, id: string): ConnectionOwner | undefined {
  const root = host.getRootNode() as Document | ShadowRoot;
  const found = root.getElementById?.(id) ?? document.getElementById(id);
  return found?.localName === 'ws-source' ? (found as ConnectionOwner) : undefined;
}
