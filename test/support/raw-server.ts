/**
 * A raw (non-topic) WebSocket server that browser tests drive through
 * commands: push frames, drop or close connections, go silent, count sockets.
 * It speaks no protocol: every frame it sends is one message.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawServerStats {
  /** Sockets open right now. */
  open: number;
  /** Sockets accepted since the server started (or was reset). */
  accepted: number;
  /** Text frames the server received, oldest first. */
  received: string[];
}

export class RawServer {
  private readonly wss: WebSocketServer;
  private readonly http: Server;
  private readonly sockets = new Set<WebSocket>();
  /** The request path each open socket connected to. */
  private readonly socketPaths = new Map<WebSocket, string>();
  /** Open `EventSource` streams, for `<ws-source transport="sse">` tests. */
  private readonly eventStreams = new Set<ServerResponse>();
  private accepted = 0;
  private received: string[] = [];
  private silent = false;

  private constructor(wss: WebSocketServer, http: Server) {
    this.wss = wss;
    this.http = http;
    http.on('request', (request, response) => this.openEventStream(request, response));
    wss.on('connection', (socket, request) => {
      this.accepted++;
      this.sockets.add(socket);
      this.socketPaths.set(socket, request.url ?? '/');
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.received.push(data.toString());
      });
      socket.on('close', () => this.forget(socket));
      socket.on('error', () => this.forget(socket));
    });
  }

  /** Starts a server on 127.0.0.1 at `port` (0: any free port). */
  static async start(port = 0): Promise<RawServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve, reject) => {
      http.once('listening', resolve);
      http.once('error', reject);
      http.listen(port, '127.0.0.1');
    });
    return new RawServer(wss, http);
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The request paths of the open sockets, sorted. */
  paths(): string[] {
    return [...this.socketPaths.values()].sort();
  }

  /** Sends each frame only to the sockets that connected to `path`. */
  pushTo(path: string, frames: unknown[]): number {
    if (this.silent) return 0;
    const targets = [...this.sockets].filter((socket) => this.socketPaths.get(socket) === path);
    for (const socket of targets) for (const frame of frames) socket.send(frameText(frame));
    return targets.length;
  }

  /** Sends each frame as one server-sent event to every open event stream. */
  pushEvents(frames: unknown[]): number {
    for (const stream of this.eventStreams) {
      for (const frame of frames) stream.write(`data: ${frameText(frame)}\n\n`);
    }
    return this.eventStreams.size;
  }

  /** Event streams open right now. */
  get eventStreamCount(): number {
    return this.eventStreams.size;
  }

  /** Any plain HTTP request becomes an event stream the page may read cross-origin. */
  private openEventStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'access-control-allow-origin': '*',
    });
    response.write(': open\n\n');
    this.eventStreams.add(response);
    request.on('close', () => this.eventStreams.delete(response));
  }

  private forget(socket: WebSocket): void {
    this.sockets.delete(socket);
    this.socketPaths.delete(socket);
  }

  stats(): RawServerStats {
    return { open: this.sockets.size, accepted: this.accepted, received: [...this.received] };
  }

  /** Sends each frame to every open socket (unless silent); objects as JSON. */
  push(frames: unknown[]): number {
    if (this.silent) return 0;
    const texts = frames.map(frameText);
    for (const socket of this.sockets) for (const text of texts) socket.send(text);
    return this.sockets.size;
  }

  /** Sends `count` frames made from `template`, with `{i}` replaced by the index. */
  burst(template: string, count: number): void {
    const frames: string[] = [];
    for (let i = 0; i < count; i++) frames.push(template.replaceAll('{i}', String(i)));
    this.push(frames);
  }

  /** Drops every socket without a close handshake, as a crashed peer would. */
  kill(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Closes every socket with a code and reason. */
  closeAll(code: number, reason = ''): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }

  /**
   * Silent: the server stops sending and stops answering pings, but keeps
   * every TCP connection open, as a hung peer would.
   */
  setSilent(silent: boolean): void {
    this.silent = silent;
    for (const socket of this.sockets) {
      const raw = (socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
      if (silent) raw?.pause();
      else raw?.resume();
    }
  }

  resetStats(): void {
    this.accepted = this.sockets.size;
    this.received = [];
  }

  async stop(): Promise<void> {
    this.kill();
    for (const stream of this.eventStreams) stream.end();
    this.eventStreams.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Objects go out as JSON, strings as they are. */
function frameText(frame: unknown): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame);
}
