/**
 * `import 'ws-bind/svelte'`: registers the elements and types every tag in
 * Svelte 5 markup through `svelte/elements`. Svelte 5 listens for an event
 * through an attribute named `on` + the event's name (`onws-update`).
 */
import type { HTMLAttributes } from 'svelte/elements';
import type { EventProps, WsTags } from './tags.js';

type SvelteElements = {
  [Name in keyof WsTags]: HTMLAttributes<WsTags[Name]['element']> & WsTags[Name]['attributes'] & EventProps<Name, 'on'>;
};

declare module 'svelte/elements' {
  interface SvelteHTMLElements extends SvelteElements {}
}

export * from '../index.js';
