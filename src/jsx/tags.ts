/**
 * Every tag as a page author writes it (SPEC 3): its element class, the
 * attributes it reads with the values each accepts, and the events it
 * dispatches. This is the one description the framework typings beside it
 * (react.ts, vue.ts, svelte.ts, solid.ts) are derived from; it holds types
 * only, so nothing here reaches the bundles.
 */
import type { Politeness } from '../core/announcer.js';
import type { Format } from '../core/format.js';
import type { Mode } from '../core/render.js';
import type { WsBindElement } from '../elements/ws-bind.js';
import type { WsSendElement } from '../elements/ws-send.js';
import type { WsSourceElement } from '../elements/ws-source.js';
import type { WsSparklineElement } from '../elements/ws-sparkline.js';
import type { WsStatusElement } from '../elements/ws-status.js';
import type { WsWorkerElement } from '../elements/ws-worker.js';

/** A number attribute: a number, or its text. */
type Numeric = number | `${number}`;

/** `src` and `source`, read by every element that talks to an endpoint. */
interface EndpointAttributes {
  /** Endpoint URL (ws:, wss:, http:, https: or relative); one implicit connection per URL is shared. */
  src?: string;
  /** The id of a `<ws-source>` to use instead of `src`. */
  source?: string;
}

/** What arrives and which part of it an element reads. */
interface SubscriptionAttributes extends EndpointAttributes {
  /** Subscribe to this topic with the topic protocol; without it the element is in raw mode. */
  topic?: string;
  /** Path into the message (`a.b`, `a[0].b`, `a["x y"]`). */
  select?: string;
  /** Whitespace-separated `path=value` conditions that a message must all meet. */
  match?: string;
  /** Topic mode: also receive up to N latest past events on joining. */
  history?: Numeric;
}

/** `<ws-source>`'s attributes. */
export interface WsSourceAttributes {
  /** One or more endpoint URLs separated by spaces, tried in turn on reconnect. */
  src?: string;
  transport?: 'ws' | 'sse';
  /** Topic mode: sent in the first frame as `{"type":"auth","token":T}`, never in the URL. */
  token?: string;
  /** Puts `token` in the URL query under this name instead (for raw servers). */
  'token-param'?: string;
  /** Fetches the token before every (re)connect and again before its JWT `exp`. */
  'token-url'?: string;
  /** JSON sent first after every (re)open. */
  hello?: string;
  /** ms between pings; a connection silent for twice that is replaced. */
  heartbeat?: Numeric;
  /** Raw mode: the text sent as a ping. */
  'heartbeat-message'?: string;
  /** Raw sends kept while offline (default 1000). */
  queue?: Numeric;
  'min-delay'?: Numeric;
  'max-delay'?: Numeric;
  'max-retries'?: Numeric;
  /** One socket for every tab of this origin with the same `src`. */
  share?: 'tabs';
}

/** `<ws-bind>`'s attributes. */
export interface WsBindAttributes extends SubscriptionAttributes {
  format?: Format;
  /** Locale for `format` (default: the nearest `lang`, else the browser's). */
  locale?: string;
  /** ISO 4217 code for `format="currency"`. */
  currency?: string;
  digits?: Numeric;
  mode?: Mode;
  /** mode="keyed": the path of each message's key (several separated by spaces). */
  key?: string;
  /** mode="keyed": `path=value` conditions of a message that deletes its key's entry. */
  remove?: string;
  /** Accept only the first message of each connection. */
  first?: boolean;
  'clear-on'?: 'reconnect';
  /** The id of a `<template>` in the document to render with, instead of a child. */
  template?: string;
  /** append/prepend: keep the newest N entries; keyed: the N most recently updated. */
  limit?: Numeric;
  'stale-after'?: Numeric;
  announce?: Politeness;
  'announce-every'?: Numeric;
  /** Topic mode: the position the children were rendered at; subscribe from there. */
  since?: string;
  /** Keep what is shown under the element's `id`: present or `session` for this tab, `local` for every tab. */
  persist?: boolean | 'session' | 'local';
}

/** `<ws-send>`'s attributes. */
export interface WsSendAttributes extends EndpointAttributes {
  /** Publish to this topic; without it the payload itself is sent (raw mode). */
  topic?: string;
  /** JSON object merged under every payload. */
  data?: string;
  /** Events to listen for on descendants (default: submit for forms, click otherwise). */
  on?: string;
  debounce?: Numeric;
  throttle?: Numeric;
  /** Field names kept when the form is reset after a send; present and empty: the form is not reset. */
  keep?: boolean | string;
  'ack-timeout'?: Numeric;
}

/** `<ws-worker>`'s attributes. */
export interface WsWorkerAttributes extends EndpointAttributes {
  /** The task queue, `tasks/<name>`. */
  topic?: string;
  /** URL of the ES module whose default export runs each task. */
  module?: string;
  concurrency?: Numeric;
  paused?: boolean;
  /** Space-separated origins that `module` may also come from. */
  'allow-origins'?: string;
}

/** `<ws-sparkline>`'s attributes. */
export interface WsSparklineAttributes extends SubscriptionAttributes {
  points?: Numeric;
  min?: Numeric;
  max?: Numeric;
}

/** One tag: its element, its attributes, and the names of the events it dispatches (typed by `HTMLElementEventMap`). */
interface Tag<E extends HTMLElement, A extends object, Events extends keyof HTMLElementEventMap> {
  element: E;
  attributes: A;
  events: Events;
}

/** Every tag ws-bind registers. */
export interface WsTags {
  'ws-source': Tag<WsSourceElement, WsSourceAttributes, 'ws-open' | 'ws-close' | 'ws-message' | 'ws-error' | 'ws-state'>;
  'ws-bind': Tag<WsBindElement, WsBindAttributes, 'ws-update' | 'ws-error'>;
  'ws-send': Tag<WsSendElement, WsSendAttributes, 'ws-sent' | 'ws-ack' | 'ws-error'>;
  'ws-status': Tag<WsStatusElement, EndpointAttributes, 'ws-error'>;
  'ws-worker': Tag<WsWorkerElement, WsWorkerAttributes, 'ws-task' | 'ws-task-done' | 'ws-task-failed' | 'ws-error'>;
  'ws-sparkline': Tag<WsSparklineElement, WsSparklineAttributes, 'ws-error'>;
}

/** The event `Event` of tag `Name`, its `currentTarget` the element. */
export type TagEvent<Name extends keyof WsTags, Event extends WsTags[Name]['events']> =
  HTMLElementEventMap[Event] & { currentTarget: WsTags[Name]['element'] };

/** A tag's event handlers named as a framework names them: `prefix` followed by the event's name. */
export type EventProps<Name extends keyof WsTags, Prefix extends string> = {
  [Event in WsTags[Name]['events'] as `${Prefix}${Event}`]?: (event: TagEvent<Name, Event>) => void;
};
