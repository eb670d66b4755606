/**
 * The two ways a connection reaches its server: partysocket's
 * `ReconnectingWebSocket`, and `EventSource` for `transport="sse"`. Both
 * hand reconnect decisions back to the connection: it says whether a close is
 * retried and, through `nextUrl`, when the next attempt starts and where it goes.
 */
import ReconnectingWebSocket from 'partysocket/ws';

/** What a transport reports to its connection. */
export interface TransportHandlers {
  /** Resolves to the URL of the next attempt once its backoff has passed. */
  nextUrl(): Promise<string>;
  /** Decides whether the close with `code` is followed by another attempt. */
  shouldRetry(code: number): boolean;
  open(): void;
  message(text: string): void;
  close(code: number, reason: string): void;
}

/** A socket-like link the connection drives. */
export interface Transport {
  /** Starts connecting (again), dropping any current socket. */
  restart(code?: number, reason?: string): void;
  /** Closes for good until the next `restart`. */
  stop(code: number, reason: string): void;
  /** Sends text now; false when the link is not open. */
  send(text: string): boolean;
  /** The URL of the current attempt. */
  readonly url: string;
}

/** A code for an attempt that failed before the socket opened. */
const ABNORMAL = 1006;

/** WebSocket transport on partysocket, with its own backoff and queue turned off. */
export function createWebSocketTransport(handlers: TransportHandlers): Transport {
  let opened = false;
  const socket = new ReconnectingWebSocket(() => handlers.nextUrl(), undefined, {
    startClosed: true,
    minReconnectionDelay: 0,
    maxReconnectionDelay: 0,
    reconnectionDelayGrowFactor: 1,
    maxEnqueuedMessages: 0,
    shouldReconnectOnClose: (event) => handlers.shouldRetry(opened ? event.code : ABNORMAL),
  });
  socket.addEventListener('open', () => {
    opened = true;
    handlers.open();
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  });
  socket.addEventListener('close', (event) => {
    const code = opened ? event.code : ABNORMAL;
    opened = false;
    handlers.close(code, event.reason ?? '');
  });
  return {
    restart: (code, reason) => socket.reconnect(code, reason),
    stop: (code, reason) => socket.close(code, reason),
    send(text) {
      if (socket.readyState !== ReconnectingWebSocket.OPEN) return false;
      socket.send(text);
      return true;
    },
    get url() {
      return socket.url;
    },
  };
}

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
