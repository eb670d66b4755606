/**
 * The two ways a connection reaches its server: partysocket's
 * `ReconnectingWebSocket`, and `EventSource` for `transport="sse"`. Neither
 * retries on its own: the connection's `ReconnectPolicy` decides, and calls
 * `connect` again when its delay has passed.
 */
import ReconnectingWebSocket from 'partysocket/ws';

/** What a transport reports to its connection. */
export interface TransportHandlers {
  open(): void;
  message(text: string): void;
  /** The link ended: `code` is 1006 for an attempt that failed before opening or a socket that errored. */
  close(code: number, reason: string): void;
}

/** A link the connection drives. */
export interface Transport {
  /** Connects to `url`; the previous link must have closed. */
  connect(url: string): void;
  /** Closes the current link or attempt, if any, reporting its `close`; nothing is retried. */
  close(code: number, reason: string): void;
  /** Sends text now; false when the link is not open. */
  send(text: string): boolean;
}

/** The close code of an attempt that failed before the socket opened, or of a socket that errored. */
export const ABNORMAL = 1006;

/**
 * WebSocket transport on partysocket, through its public options and `on*` handlers: its own retries, backoff and
 * queue are turned off, and the handlers receive the socket's events as they are (its `addEventListener` path copies
 * each event).
 */
export function createWebSocketTransport(handlers: TransportHandlers): Transport {
  let url = '';
  let opened = false;
  let errored = false;
  const socket = new ReconnectingWebSocket(() => url, undefined, {
    startClosed: true,
    maxEnqueuedMessages: 0,
    shouldReconnectOnClose: () => false,
  });
  socket.onopen = () => {
    opened = true;
    handlers.open();
  };
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  };
  socket.onerror = () => {
    errored = true;
  };
  socket.onclose = (event) => {
    const code = opened && !errored ? event.code : ABNORMAL;
    opened = errored = false;
    handlers.close(code, typeof event.reason === 'string' ? event.reason : '');
  };
  return {
    connect(next) {
      url = next;
      socket.reconnect();
    },
    close: (code, reason) => socket.close(code, reason),
    send(text) {
      if (socket.readyState !== ReconnectingWebSocket.OPEN) return false;
      socket.send(text);
      return true;
    },
  };
}

/** Receive-only transport on `EventSource` (SPEC 3.1 `transport="sse"`), raw mode. */
export function createEventSourceTransport(handlers: TransportHandlers): Transport {
  let source: EventSource | undefined;
  const end = (code: number, reason: string): void => {
    if (!source) return;
    source.close();
    source = undefined;
    handlers.close(code, reason);
  };
  return {
    connect(url) {
      const current = new EventSource(url);
      source = current;
      current.onopen = () => handlers.open();
      current.onmessage = (event) => handlers.message(String(event.data));
      // EventSource would retry by itself; the connection's policy paces retries instead.
      current.onerror = () => source === current && end(ABNORMAL, '');
    },
    close: end,
    send: () => false,
  };
}
