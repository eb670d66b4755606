/**
 * What the acceptance tests share: a raw server per test, markup mounted into
 * the page, and recorders for states, DOM writes and events.
 */
import { waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';

/** Generous waits: other suites share this machine's two cores. */
export const patiently = { timeout: 10000 };

/** What `raw:stats` reports. */
export interface ServerStats {
  open: number;
  accepted: number;
  received: string[];
}

/** A raw ws server of the test runner, started for one test. */
export class TestServer {
  private constructor(readonly port: number) {}

  static async start(): Promise<TestServer> {
    const { port } = await executeServerCommand<{ port: number }, object>('raw:start', {});
    return new TestServer(port);
  }

  /** Runs a `raw:*` command of the test runner against this server. */
  private command<R = unknown>(name: string, payload: Record<string, unknown> = {}): Promise<R> {
    return executeServerCommand<R, Record<string, unknown>>(`raw:${name}`, { port: this.port, ...payload });
  }

  /** The WebSocket URL of `path` on this server. */
  url(path = '/'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** The URL an `EventSource` reads this server's event streams from. */
  eventsUrl(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  push(...frames: unknown[]): Promise<number> {
    return this.command<number>('push', { frames });
  }

  pushTo(path: string, ...frames: unknown[]): Promise<number> {
    return this.command<number>('push-to', { path, frames });
  }

  pushEvents(...frames: unknown[]): Promise<number> {
    return this.command<number>('push-events', { frames });
  }

  eventStreams(): Promise<number> {
    return this.command<number>('event-streams');
  }

  burst(template: string, count: number): Promise<unknown> {
    return this.command('burst', { template, count });
  }

  kill(): Promise<unknown> {
    return this.command('kill');
  }

  closeAll(code: number, reason = ''): Promise<unknown> {
    return this.command('close', { code, reason });
  }

  silent(silent: boolean): Promise<unknown> {
    return this.command('silent', { silent });
  }

  stats(): Promise<ServerStats> {
    return this.command<ServerStats>('stats');
  }

  paths(): Promise<string[]> {
    return this.command<string[]>('paths');
  }

  stop(): Promise<unknown> {
    return this.command('stop');
  }

  /** Waits until the server sees exactly `open` sockets. */
  async untilOpen(open: number): Promise<ServerStats> {
    let stats = await this.stats();
    await waitUntil(
      async () => {
        stats = await this.stats();
        return stats.open === open;
      },
      `server never had ${open} open sockets`,
      { ...patiently, interval: 50 },
    );
    return stats;
  }
}

const mounted: HTMLElement[] = [];

/** Puts `markup` into a fresh container at the end of the body. */
export function mount(markup: string, attributes: Record<string, string> = {}): HTMLElement {
  const container = document.createElement('div');
  for (const [name, value] of Object.entries(attributes)) container.setAttribute(name, value);
  container.innerHTML = markup;
  document.body.append(container);
  mounted.push(container);
  return container;
}

/** Removes everything `mount` added. */
export function unmountAll(): void {
  for (const container of mounted.splice(0)) container.remove();
}

/** The one element matching `selector` in `root`; fails the test when missing. */
export function find<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  return element;
}

/** Waits until `element`'s `state` attribute is `state`. */
export function untilState(element: Element, state: string, timeout = patiently.timeout): Promise<void> {
  return waitUntil(
    () => element.getAttribute('state') === state,
    `${element.localName} never reached state "${state}" (it is "${element.getAttribute('state')}")`,
    { timeout },
  );
}

/** Waits until `element`'s trimmed text is `text`. */
export function untilText(element: Element, text: string): Promise<void> {
  return waitUntil(
    () => element.textContent?.trim() === text,
    `${element.localName} never showed "${text}" (it shows "${element.textContent?.trim()}")`,
    patiently,
  );
}

/**
 * Every value attribute `name` of `element` takes from now on (null: removed),
 * including values that last less than one task.
 */
export function recordAttribute(element: Element, name: string): (string | null)[] {
  const seen: (string | null)[] = [];
  const observer = new MutationObserver((records) => {
    const after = [...records.slice(1).map((record) => record.oldValue), element.getAttribute(name)];
    for (const value of after) if (seen.at(-1) !== value) seen.push(value);
  });
  observer.observe(element, { attributes: true, attributeFilter: [name], attributeOldValue: true });
  return seen;
}

/** Every value the `state` attribute of `element` takes from now on. */
export function recordStates(element: Element): (string | null)[] {
  return recordAttribute(element, 'state');
}

/** Counts the DOM writes inside `element` (each mutation record is one). */
export function countWrites(element: Node): { readonly count: number; readonly added: number; stop(): void } {
  let count = 0;
  let added = 0;
  const observer = new MutationObserver((records) => {
    count += records.length;
    for (const record of records) added += record.addedNodes.length;
  });
  observer.observe(element, { childList: true, characterData: true, subtree: true });
  return {
    get count() {
      return count + observer.takeRecords().length;
    },
    get added() {
      return added;
    },
    stop: () => observer.disconnect(),
  };
}

/** Every event named `type` that reaches `target` from now on. */
export function recordEvents<T = unknown>(target: EventTarget, type: string): CustomEvent<T>[] {
  const events: CustomEvent<T>[] = [];
  target.addEventListener(type, (event) => events.push(event as CustomEvent<T>));
  return events;
}

/** The texts of an element's entries (its element children other than `<template>`). */
export function entryTexts(element: Element): string[] {
  return [...element.children]
    .filter((child) => child.localName !== 'template')
    .map((child) => child.textContent?.trim() ?? '');
}

/** Makes the page look hidden to scripts, as a background tab does. */
export function hidePage(): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

/** Undoes `hidePage`: the page is visible again. */
export function showPage(): void {
  delete (document as { hidden?: boolean }).hidden;
  delete (document as { visibilityState?: string }).visibilityState;
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

/** Resolves after `ms`; only to let time pass, never as an assertion. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Pushes a frame every `everyMs` until stopped, to keep a connection busy. */
export function keepPushing(server: TestServer, everyMs: number, frame: (i: number) => unknown): () => void {
  let i = 0;
  const timer = setInterval(() => void server.push(frame(i++)), everyMs);
  return () => clearInterval(timer);
}

/** The part of `<ws-bind>`'s public API the tests read. */
export interface WsBindElement extends HTMLElement {
  readonly value: unknown;
  readonly message: unknown;
}

/** The part of `<ws-source>`'s public API the tests use. */
export interface WsSourceElement extends HTMLElement {
  readonly state: string;
  readonly url: string;
  reconnect(): void;
  close(): void;
  send(data: unknown): void;
}

/** Waits until `element`'s entries read exactly `texts`, in order. */
export function untilEntries(element: Element, texts: string[]): Promise<void> {
  return waitUntil(
    () => JSON.stringify(entryTexts(element)) === JSON.stringify(texts),
    `entries never read ${JSON.stringify(texts)} (they read ${JSON.stringify(entryTexts(element))})`,
    patiently,
  );
}
