/**
 * The entry `npm run build` measures SPEC 2's tighter budget with: the four
 * core elements (`<ws-source>`, `<ws-bind>`, `<ws-send>`, `<ws-status>`) with
 * every feature, registered as `src/index.ts` registers them, and nothing else.
 */
import { WsBindElement } from '../src/elements/ws-bind.js';
import { WsSendElement } from '../src/elements/ws-send.js';
import { WsSourceElement } from '../src/elements/ws-source.js';
import { WsStatusElement } from '../src/elements/ws-status.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'ws-source': WsSourceElement,
  'ws-bind': WsBindElement,
  'ws-send': WsSendElement,
  'ws-status': WsStatusElement,
};

if (typeof customElements !== 'undefined') {
  for (const [tag, element] of Object.entries(ELEMENTS)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
