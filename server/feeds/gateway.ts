/**
 * `/gateway`: a raw demo backend shaped like a serverless WebSocket gateway
 * (one route per `action`, no topic protocol), so the demo and the tests
 * show ws-bind binding to a server that does not speak our protocol. It
 * serves the "faces" game: every open page has a face, turned by its own
 * buttons on every screen.
 *
 * Client → gateway: `{"action":"join"}` (send it after every open: the
 * gateway answers with every face it has, then tells everyone about yours),
 * `{"action":"turn","degree":N}`.
 * Gateway → clients: `{"action":"connected","id":ID,"face":HTML}`,
 * `{"action":"turn","turnId":ID,"degree":N}`, `{"action":"disconnected","removeId":ID}`,
 * and `{"action":"error","message":M}` for what it cannot route.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isPlainObject } from '../../src/core/protocol.js';

/** A running gateway. */
export interface Gateway {
  /** Its WebSocket endpoint. */
  readonly url: string;
  /** Sockets open right now. */
  connectionCount(): number;
  /** Closes every socket with 1001 and stops listening (its own HTTP server only). */
  close(): Promise<void>;
}

/** Where the gateway listens: its own HTTP server on `port`/`host`, or the upgrades of `server` for `path`. */
export interface GatewayOptions { server?: Server; port?: number; host?: string; path?: string }

/** The largest frame the gateway reads; anything bigger closes the socket with 1009. */
const MAX_FRAME = 4096;

interface Face { id: string; degree: number; joined: boolean }

/** Starts a gateway. */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const { server: host, path = '/gateway' } = options;
  const http = host ?? createHttpServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const faces = new Map<WebSocket, Face>();

  const broadcast = (message: object): void => {
    const text = JSON.stringify(message);
    for (const [socket, face] of faces) if (face.joined) socket.send(text);
  };
  const connected = (face: Face) => ({ action: 'connected', id: face.id, face: faceHtml(face.id), degree: face.degree });

  const routes: Record<string, (socket: WebSocket, face: Face, message: Record<string, unknown>) => void> = {
    join(socket, face) {
      for (const other of faces.values()) if (other.joined && other !== face) socket.send(JSON.stringify(connected(other)));
      face.joined = true;
      broadcast(connected(face));
    },
    turn(socket, face, message) {
      const degree = Number(message.degree);
      if (!Number.isFinite(degree)) return socket.send(JSON.stringify({ action: 'error', message: 'turn needs a numeric degree' }));
      face.degree = degree;
      broadcast({ action: 'turn', turnId: face.id, degree });
    },
  };

  wss.on('connection', (socket) => {
    const face: Face = { id: randomBytes(4).toString('hex'), degree: 0, joined: false };
    faces.set(socket, face);
    socket.on('message', (data, isBinary) => {
      let message: unknown;
      try {
        message = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        message = undefined;
      }
      const action = isPlainObject(message) && typeof message.action === 'string' ? message.action : undefined;
      const route = action !== undefined && Object.hasOwn(routes, action) ? routes[action] : undefined;
      if (!route) return socket.send(JSON.stringify({ action: 'error', message: `no route for ${JSON.stringify(action ?? null)}: send {"action":"join"} or {"action":"turn","degree":N}` }));
      route(socket, face, message as Record<string, unknown>);
    });
    socket.on('close', () => {
      faces.delete(socket);
      if (face.joined) broadcast({ action: 'disconnected', removeId: face.id });
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) {
      if (!host) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  http.on('upgrade', onUpgrade);
  if (!host) await new Promise<void>((resolve) => http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));

  return {
    get url() {
      const { address, port } = http.address() as AddressInfo;
      return `ws://${address}:${port}${path}`;
    },
    connectionCount: () => wss.clients.size,
    async close() {
      http.off('upgrade', onUpgrade);
      for (const socket of wss.clients) socket.close(1001, 'gateway shutting down');
      await new Promise((resolve) => wss.close(resolve));
      if (!host) await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** The face as the original talk's backend sends it: an `<img>` whose id is the connection's. */
function faceHtml(id: string): string {
  return `<img class="face" src="/face.svg" alt="face ${id}" id="${id}"/>`;
}
