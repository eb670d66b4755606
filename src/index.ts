/**
 * ws-bind: declarative custom elements that bind parts of a page to live
 * WebSocket and SSE data. Importing this module registers every element
 * (only where `customElements` exists, and never twice).
 */
// First, so that in the shared worker (which runs this same file) the host starts before any module that needs a DOM.
import './tabs/tab-link.js';
import { WsBindElement } from './elements/ws-bind.js';
import { WsSendElement } from './elements/ws-send.js';
import { WsSourceElement } from './elements/ws-source.js';
import { WsSparklineElement } from './elements/ws-sparkline.js';
import { WsStatusElement } from './elements/ws-status.js';
import { WsWorkerElement } from './elements/ws-worker.js';

export { WsBindElement, WsSendElement, WsSourceElement, WsSparklineElement, WsStatusElement, WsWorkerElement };
export type { BindingState } from './core/binding.js';
export type { ConnectionState } from './core/connection.js';
export type { WsErrorDetail, WsErrorKind } from './core/errors.js';
export type {
  WsAckDetail, WsCloseDetail, WsMessageDetail, WsSentDetail, WsStateDetail, WsTaskDetail, WsTaskDoneDetail,
  WsTaskFailedDetail, WsUpdateDetail,
} from './core/events.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'ws-source': WsSourceElement,
  'ws-bind': WsBindElement,
  'ws-send': WsSendElement,
  'ws-status': WsStatusElement,
  'ws-worker': WsWorkerElement,
  'ws-sparkline': WsSparklineElement,
};

if (typeof customElements !== 'undefined') {
  for (const [tag, element] of Object.entries(ELEMENTS)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
