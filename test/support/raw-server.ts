/**
 * A raw (non-topic) WebSocket server that browser tests drive through
 * commands: push frames, drop or close connections, go silent, count sockets.
 * It speaks no protocol: every frame it sends is one message.
 */
import { WebSocketServer, type WebSocket } from 'ws';
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
  private readonly sockets = new Set<WebSocket>();
  private accepted = 0;
  private received: string[] = [];
  private silent = false;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (socket) => {
      this.accepted++;
      this.sockets.add(socket);
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.received.push(data.toString());
      });
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => this.sockets.delete(socket));
    });
  }

  /** Starts a server on 127.0.0.1 at `port` (0: any free port). */
  static async start(port = 0): Promise<RawServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new RawServer(wss);
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  stats(): RawServerStats {
    return { open: this.sockets.size, accepted: this.accepted, received: [...this.received] };
  }

  /** Sends each frame to every open socket (unless silent); objects as JSON. */
  push(frames: unknown[]): number {
    if (this.silent) return 0;
    const texts = frames.map((frame) => (typeof frame === 'string' ? frame : JSON.stringify(frame)));
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
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
