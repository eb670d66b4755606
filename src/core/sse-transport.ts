/**
 * `transport="sse"` (SPEC 3.1): a receive-only link over `EventSource`, in
 * raw mode. It loads only for sources that ask for it.
 */
import { ABNORMAL, type Transport, type TransportHandlers } from './transport.js';

/** Receive-only transport on `EventSource`; the connection paces its retries. */
export function createEventSourceTransport(handlers: TransportHandlers): Transport {
  let source: EventSource | undefined;
  let url = '';
  let generation = 0;

  const drop = (): void => {
    source?.close();
    source = undefined;
  };
  const connect = async (attempt: number): Promise<void> => {
    const next = await handlers.nextUrl();
    if (attempt !== generation) return;
    url = next;
    const current = new EventSource(url);
    source = current;
    current.onopen = () => handlers.open();
    current.onmessage = (event) => handlers.message(String(event.data));
    current.onerror = () => {
      if (source !== current) return;
      drop();
      const retry = handlers.shouldRetry(ABNORMAL);
      handlers.close(ABNORMAL, '');
      if (retry) void connect(attempt);
    };
  };
  return {
    restart() {
      drop();
      void connect(++generation);
    },
    stop(code, reason) {
      generation++;
      const wasOpen = source !== undefined;
      drop();
      if (wasOpen) handlers.close(code, reason);
    },
    send: () => false,
    get url() {
      return url;
    },
  };
}
