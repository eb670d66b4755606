/**
 * The events every element dispatches (SPEC 3): their detail types, one
 * helper that dispatches them the same way everywhere (bubbling, composed),
 * and their entries in the global event map.
 */
import type { WsErrorDetail } from './errors.js';
import type { MessageId, Position } from './protocol.js';

/** `ws-close`: how the connection closed and whether it will retry. */
export interface WsCloseDetail { code: number; reason: string; willRetry: boolean; retryIn: number }
/** `ws-message`: one message as the connection decoded it. */
export interface WsMessageDetail { data: unknown; topic?: string }
/** `ws-state`: the element's new state. */
export interface WsStateDetail { state: string }
/** `ws-update`: the value just written to the DOM, and the one before it. */
export interface WsUpdateDetail { value: unknown; previous: unknown }
/** `ws-sent`: what `<ws-send>` sent, with its publish id in topic mode. */
export interface WsSentDetail { data: unknown; id?: MessageId }
/** `ws-ack`: the server stored a publish at `pos`. */
export interface WsAckDetail { id: MessageId; pos: Position }
/** `ws-task`: `<ws-worker>` started a task. */
export interface WsTaskDetail { id: MessageId; input: unknown }
/** `ws-task-done`: a task's result was sent after `ms`. */
export interface WsTaskDoneDetail { id: MessageId; ms: number }
/** `ws-task-failed`: a task failed here; the server's queue takes it back. */
export interface WsTaskFailedDetail { id: MessageId; error: string }


/** Dispatches a bubbling, composed `CustomEvent` from `target`. */
export function emit<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'ws-open': CustomEvent<Record<string, never>>;
    'ws-close': CustomEvent<WsCloseDetail>;
    'ws-message': CustomEvent<WsMessageDetail>;
    'ws-error': CustomEvent<WsErrorDetail>;
    'ws-state': CustomEvent<WsStateDetail>;
    'ws-update': CustomEvent<WsUpdateDetail>;
    'ws-sent': CustomEvent<WsSentDetail>;
    'ws-ack': CustomEvent<WsAckDetail>;
    'ws-task': CustomEvent<WsTaskDetail>;
    'ws-task-done': CustomEvent<WsTaskDoneDetail>;
    'ws-task-failed': CustomEvent<WsTaskFailedDetail>;
  }
}

/**
 * Dispatches `ws-error` (kind `config`) for a configuration fault after the current task's synchronous work, so a
 * fault found while the element is being inserted reaches listeners added right after.
 */
export function reportConfigFault(target: EventTarget, message: string): void {
  queueMicrotask(() => emit<WsErrorDetail>(target, 'ws-error', { kind: 'config', message }));
}
