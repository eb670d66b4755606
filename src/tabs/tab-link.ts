/**
 * The tab's side of `share="tabs"` (SPEC 3.1): a transport whose link is a
 * port to the origin's shared worker instead of a socket, so the tab's
 * `Connection` works as with its own socket while the worker holds the one
 * socket for every tab. The worker starts from this library's own file, so
 * the one-file bundles need nothing else; that file, run as the worker,
 * becomes the host. Where `SharedWorker` is missing the tab keeps a socket
 * of its own.
 */
import type { ConnectionOptions } from '../core/connection.js';
import { createWebSocketTransport, type Transport, type TransportHandlers } from '../core/transport.js';
import { startHost } from './host.js';

/** tab → host: connect link `l` with these options, a frame on it, close it; a pong; the tab is leaving. */
export type TabMessage = { l: number; c: ConnectionOptions } | { l: number; t: string } | { l: number; x: 1 } | { p: 1 } | { bye: 1 };
/** host → tab: link `l` opened, a frame on it, it closed; a ping. */
export type HostMessage = { l: number; o: 1 } | { l: number; t: string } | { l: number; x: [code: number, reason: string] } | { p: 1 };

/** The worker's name: the host serves only workers started by this code. */
const WORKER_NAME = 'ws-bind';

const scope = globalThis as unknown as { SharedWorkerGlobalScope?: new () => unknown; name?: string; onconnect: null };
if (scope.SharedWorkerGlobalScope && globalThis instanceof scope.SharedWorkerGlobalScope && scope.name === WORKER_NAME) startHost(scope);

/** A classic script's element while it runs (the IIFE build); null in a module. */
const classicScript = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null);
/** This file's URL, captured at load: the worker runs the same file. */
const scriptUrl = classicScript?.src || import.meta.url;

/** How long a new shared worker has to say anything; a worker that stays silent is not a host (see `giveUp`). */
const HOST_TIMEOUT = 5000;

let port: MessagePort | undefined;
/** Set once the shared worker failed to load or never answered: from then on every link opens its own socket. */
let ownSockets = false;
const links = new Map<number, TransportHandlers>();
let nextLink = 0;

/** The port to the shared worker, started on first use; undefined where there is none to use. */
function workerPort(): MessagePort | undefined {
  if (port || ownSockets || typeof SharedWorker === 'undefined' || !scriptUrl) return port;
  const worker = new SharedWorker(scriptUrl, { type: classicScript ? 'classic' : 'module', name: WORKER_NAME });
  const opened = worker.port;
  let heard = false;
  // A script that failed to load, or that a bundler folded into code that cannot run in a worker: this tab's links
  // close, and their connections retry on sockets of their own.
  const giveUp = (): void => {
    if (heard || ownSockets) return;
    ownSockets = true;
    port = undefined;
    for (const [id, handlers] of links) {
      links.delete(id);
      handlers.close(1006, 'the shared worker did not start');
    }
  };
  // Not the worker's `error` event: the one-file bundles, run as the worker, report one after the host has started.
  setTimeout(giveUp, HOST_TIMEOUT);
  opened.onmessage = ({ data }: MessageEvent<HostMessage>) => {
    heard = true;
    if (!('l' in data)) return opened.postMessage({ p: 1 } satisfies TabMessage);
    const handlers = links.get(data.l);
    if ('t' in data) handlers?.message(data.t);
    else if ('o' in data) handlers?.open();
    else if (links.delete(data.l)) handlers?.close(...data.x);
  };
  addEventListener('pagehide', (event) => {
    opened.postMessage({ bye: 1 } satisfies TabMessage);
    // Back from the back/forward cache, the tab starts over on a fresh port: the host released the old one.
    if (event.persisted) port = undefined;
  });
  return (port = opened);
}

/** The transport of a `share="tabs"` connection: a link to the shared worker, or a socket of its own without one. */
export function createTabTransport(handlers: TransportHandlers, options: ConnectionOptions): Transport {
  const id = nextLink++;
  let own: Transport | undefined;
  let open = false;
  const post = (message: TabMessage): void => port?.postMessage(message);
  const linked: TransportHandlers = {
    open: () => {
      open = true;
      handlers.open();
    },
    message: (text) => handlers.message(text),
    close: (code, reason) => {
      open = false;
      handlers.close(code, reason);
    },
  };
  return {
    connect(url) {
      if (!workerPort()) return (own ??= createWebSocketTransport(handlers)).connect(url);
      links.set(id, linked);
      const { createTransport: _notCloneable, ...cloneable } = options;
      post({ l: id, c: cloneable });
    },
    close(code, reason) {
      if (own) return own.close(code, reason);
      if (!links.delete(id)) return;
      post({ l: id, x: 1 });
      linked.close(code, reason);
    },
    send(text) {
      if (own) return own.send(text);
      if (open) post({ l: id, t: text });
      return open;
    },
  };
}
