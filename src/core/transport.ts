/**
 * The two ways a connection reaches its server: the platform's `WebSocket`,
 * and `EventSource` for `transport="sse"`. Neither retries on its own: the
 * connection's `ReconnectPolicy` decides, and calls `connect` again when its
 * delay has passed.
 */

/** What a transport reports to its connection. */
export interface TransportHandlers {
  open(): void;
  message(text: string): void;
  /** The link ended: `code` is 1006 for an attempt that failed before opening. */
  close(code: number, reason: string): void;
}

/** A link the connection drives. */
export interface Transport {
  /** Connects to `url`; the previous link must have closed. */
  connect(url: string): void;
  /** Closes the current link or attempt, if any, reporting its `close` at once; nothing is retried. */
  close(code: number, reason: string): void;
  /** Sends text now; false when the link is not open. */
  send(text: string): boolean;
}

/** The close code of an attempt that failed before the socket opened. */
const ABNORMAL = 1006;

/** An opening handshake that takes longer than this is given up, and the policy decides what next. */
const OPEN_TIMEOUT = 4000;

/** WebSocket transport: one socket at a time, each event handed on as it is. */
export function createWebSocketTransport(handlers: TransportHandlers): Transport {
  let socket: WebSocket | undefined;
  let opened = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Forgets the current socket and reports its end once, whoever ended it. */
  const ended = (code: number, reason: string): void => {
    const current = socket;
    if (!current) return;
    socket = undefined;
    clearTimeout(timer);
    current.onopen = current.onmessage = current.onclose = null;
    if (current.readyState < WebSocket.CLOSING) current.close(1000, reason);
    handlers.close(opened ? code : ABNORMAL, reason);
    opened = false;
  };
  return {
    connect(url) {
      let current: WebSocket;
      try {
        current = new WebSocket(url);
      } catch (error) {
        queueMicrotask(() => handlers.close(ABNORMAL, String(error)));
        return;
      }
      socket = current;
      timer = setTimeout(() => ended(ABNORMAL, 'opening timed out'), OPEN_TIMEOUT);
      current.onopen = () => {
        clearTimeout(timer);
        opened = true;
        handlers.open();
      };
      current.onmessage = (event) => typeof event.data === 'string' && handlers.message(event.data);
      current.onclose = (event) => ended(event.code, event.reason);
    },
    close: ended,
    send(text) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
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
