/**
 * Errors the page can see (SPEC 3): the detail of every `ws-error` event,
 * and the exception core modules throw for a configuration fault, which
 * elements turn into `state="error"` plus a `ws-error` of kind `config`.
 */

/** What went wrong, as the `kind` of a `ws-error` event. */
export type WsErrorKind = 'config' | 'network' | 'parse' | 'protocol' | 'server' | 'timeout';

/** The detail of every `ws-error` event (SPEC 3). */
export interface WsErrorDetail {
  kind: WsErrorKind;
  message: string;
  code?: string | number;
  topic?: string;
  id?: string | number;
}

/** A configuration fault: its message names the fault and the offending value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The message of anything thrown, for a `ws-error` detail. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
