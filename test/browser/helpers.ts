/**
 * What the acceptance tests share: a raw server per test, markup mounted into
 * the page, and recorders for states, DOM writes and events.
 */
import { expect, waitUntil } from '@open-wc/testing';
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

/**
 * For the calling suite: a raw test server started before each test and handed to `started`, and after each test
 * the page unmounted and the server stopped.
 */
export function useTestServer(started: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await TestServer.start();
    started(server);
  });
  afterEach(async () => {
    unmountAll();
    await server?.stop();
  });
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
  readonly session: string | undefined;
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

/** The window of a page opened by `openPage`, with what its error recorder saw. */
interface PageWindow extends Window {
  /** Uncaught errors, unhandled rejections and `ws-error` details of the page, oldest first. */
  pageErrors: string[];
}

/** A real document in an iframe, parsed by the browser from the markup `openPage` was given. */
export interface Page {
  readonly frame: HTMLIFrameElement;
  readonly document: Document;
  readonly window: PageWindow;
  /** What went wrong in the page so far, for failure messages. */
  errors(): string;
}

/**
 * The first script of every page `openPage` opens: records what a user would
 * only see in the console, so a failing test can say why.
 */
const ERROR_RECORDER = `<script>
  window.pageErrors = [];
  addEventListener('error', (event) => pageErrors.push('error: ' + (event.error?.message ?? event.message)));
  addEventListener('unhandledrejection', (event) => pageErrors.push('unhandled rejection: ' + (event.reason?.message ?? event.reason)));
  document.addEventListener('ws-error', (event) => pageErrors.push('ws-error ' + event.detail.kind + ': ' + event.detail.message), true);
</script>`;

const pages: HTMLIFrameElement[] = [];

/** Each distinct error once, with how often it came. */
function describeErrors(errors: string[]): string {
  if (errors.length === 0) return 'the page reported no error';
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(error, (counts.get(error) ?? 0) + 1);
  const lines = [...counts].map(([error, count]) => (count > 1 ? `${error} (${count}×)` : error));
  return `the page reported: ${lines.join(' | ')}`;
}

/**
 * Opens `body` as a whole document (its `<head>` holds `head`) in an iframe
 * and resolves once it has loaded, its scripts included. The browser parses
 * it as it parses any page, so a script in `<head>` runs before the elements
 * after it exist, and their children are parsed after their start tags.
 */
export async function openPage(head: string, body: string): Promise<Page> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html lang="en-US"><head>${ERROR_RECORDER}${head}</head><body>${body}</body></html>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  pages.push(frame);
  await loaded;
  const window = frame.contentWindow as PageWindow;
  return {
    frame,
    document: frame.contentDocument!,
    window,
    errors: () => describeErrors(window.pageErrors),
  };
}

/** Removes every page `openPage` opened, which closes their connections. */
export function closePages(): void {
  for (const frame of pages.splice(0)) frame.remove();
}

/** Adds `<script>` with `attributes` to `page`'s `<head>` now, as a framework does, and waits until it ran. */
export async function injectScript(page: Page, attributes: Record<string, string>): Promise<void> {
  const script = page.document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  const loaded = new Promise<void>((resolve, reject) => {
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error(`${attributes.src} did not load`)), { once: true });
  });
  page.document.head.append(script);
  await loaded;
}

/**
 * Fails with a clear message when the bundle at `url` is not served: the
 * suites that load built files need `npm run build` to have run first.
 */
export async function requireBuilt(url: string, file: string): Promise<void> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`${file} is missing (${url} answered ${response.status}): run \`npm run build\` before the browser tests`);
  }
}

/** A reference server (`server/`) of the test runner, started for a test or a suite. */
export class RefServer {
  private constructor(
    readonly port: number,
    /** The WebSocket URL elements connect to. */
    readonly url: string,
  ) {}

  static async start(options: Record<string, unknown> = {}): Promise<RefServer> {
    const { port, url } = await executeServerCommand<{ port: number; url: string }, object>('ref:start', { options });
    return new RefServer(port, url);
  }

  /** Publishes `data` to `topic` as the server's own embedder would; resolves to its position. */
  async publish(topic: string, data: unknown): Promise<string> {
    const { pos } = await executeServerCommand<{ pos: string }, object>('ref:publish', { port: this.port, topic, data });
    return pos;
  }

  /** Drops every socket without a close frame. */
  drop(): Promise<unknown> {
    return executeServerCommand('ref:drop', { port: this.port });
  }

  /** How many sockets the server holds. */
  connections(): Promise<number> {
    return executeServerCommand<number, object>('ref:connections', { port: this.port });
  }

  stop(): Promise<unknown> {
    return executeServerCommand('ref:stop', { port: this.port });
  }
}

/** The label a `<ws-status>` shows: the page author's slotted text where given, else its own. */
export function statusLabel(status: Element): string {
  const shown = status.shadowRoot?.querySelector<HTMLElement>('[part~="label"]');
  if (!shown) return '';
  const slot = shown.localName === 'slot' ? (shown as HTMLSlotElement) : shown.querySelector('slot');
  const slotted = slot?.assignedNodes({ flatten: true }) ?? [];
  if (slotted.length > 0) return slotted.map((node) => node.textContent).join('').trim();
  return shown.textContent?.trim() ?? '';
}

/** What a `ws-close` event carries (SPEC 3.1). */
export interface CloseDetail {
  code: number;
  reason: string;
  willRetry: boolean;
  retryIn: number;
}

/** A short, safe description of `value`: primitives as they are, objects by their constructor (they may be cyclic). */
function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return `${typeof value} ${String(value)}`;
  return `object ${value.constructor?.name ?? 'Object'}`;
}

/**
 * Checks that a `ws-close` detail has exactly SPEC 3.1's fields, each of its
 * type. Only strings reach the assertion: a wrong detail may hold an event
 * and its socket, too big to report.
 */
export function expectCloseDetailTypes(detail: CloseDetail): void {
  const fields = Object.entries(detail).map(([name, value]) => `${name}: ${describeValue(value)}`).join(', ');
  const types = Object.fromEntries(Object.entries(detail).map(([name, value]) => [name, typeof value]));
  expect(types, `the ws-close detail is {${fields}}`).to.deep.equal({
    code: 'number',
    reason: 'string',
    willRetry: 'boolean',
    retryIn: 'number',
  });
}
