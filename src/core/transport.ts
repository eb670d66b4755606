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
export const ABNORMAL = 1006;

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
  receiveWithoutCopies(socket, handlers.message);
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

/**
 * Hands each text message of `socket` straight to `receive`. partysocket's own
 * handler clones every MessageEvent to re-dispatch it, which at firehose rates
 * costs more than the message; its handler is replaced before the first
 * connect (the socket starts closed), where partysocket attaches it to each new
 * WebSocket, so its reconnect logic stays untouched.
 */
function receiveWithoutCopies(socket: ReconnectingWebSocket, receive: (text: string) => void): void {
  (socket as unknown as { _handleMessage: (event: MessageEvent) => void })._handleMessage = (event) => {
    if (typeof event.data === 'string') receive(event.data);
  };
}

/**
 * A transport whose code loads on first use (EventSource support, which most
 * pages never need): calls made meanwhile run once it has loaded, in order.
 */
export function lazyTransport(load: () => Promise<Transport>): Transport {
  let loaded: Transport | undefined;
  const ready = load().then((transport) => (loaded = transport));
  return {
    restart: (code, reason) => void ready.then((transport) => transport.restart(code, reason)),
    stop: (code, reason) => void ready.then((transport) => transport.stop(code, reason)),
    send: (text) => loaded?.send(text) ?? false,
    get url() {
      return loaded?.url ?? '';
    },
  };
}
