/**
 * What Vue's template checker sees for each tag once `ws-bind/vue` is
 * imported: the `GlobalComponents` entry's `$props` and `$emit`.
 */
import 'ws-bind/vue';
import type { GlobalComponents } from 'vue';
import type { WsBindElement } from 'ws-bind/vue';

type Props<Tag extends keyof GlobalComponents> = InstanceType<GlobalComponents[Tag]>['$props'];

export const clock: Props<'ws-bind'> = { src: '/feeds', topic: 'clock', template: 'clock-line', staleAfter: 5000, clearOn: 'reconnect', class: 'time' };
export const chat: Props<'ws-send'> = { source: 'feeds', topic: 'chat/lobby', keep: 'name', ackTimeout: '5000' };
export const worker: Props<'ws-worker'> = { src: '/feeds', topic: 'tasks/mandelbrot', module: '/workers/mandelbrot.js', paused: true };

// @ts-expect-error "replaced" is not one of <ws-bind>'s modes.
export const wrongMode: Props<'ws-bind'> = { mode: 'replaced' };
// @ts-expect-error `points` is a number.
export const wrongPoints: Props<'ws-sparkline'> = { points: 'sixty' };

/** `$emit` knows each tag's events and their details. */
export function emitted(element: InstanceType<GlobalComponents['ws-bind']>, update: HTMLElementEventMap['ws-update'] & { currentTarget: WsBindElement }): void {
  element.$emit('ws-update', update);
  // @ts-expect-error <ws-bind> fires no ws-ack.
  element.$emit('ws-ack', update);
}
