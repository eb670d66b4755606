/**
 * What Svelte 5's checker sees for each tag once `ws-bind/svelte` is
 * imported: its `SvelteHTMLElements` entry.
 */
import 'ws-bind/svelte';
import type { SvelteHTMLElements } from 'svelte/elements';

export const clock: SvelteHTMLElements['ws-bind'] = {
  src: '/feeds',
  topic: 'clock',
  template: 'clock-line',
  'stale-after': 5000,
  class: 'time',
  'onws-update': (event) => console.log(event.detail.value, event.currentTarget.value),
};
export const source: SvelteHTMLElements['ws-source'] = {
  id: 'feeds',
  src: '/feeds',
  share: 'tabs',
  'onws-close': (event) => console.log(event.detail.willRetry),
};

// @ts-expect-error "replaced" is not one of <ws-bind>'s modes.
export const wrongMode: SvelteHTMLElements['ws-bind'] = { mode: 'replaced' };
// @ts-expect-error <ws-source> has no transport "sse2".
export const wrongTransport: SvelteHTMLElements['ws-source'] = { transport: 'sse2' };
