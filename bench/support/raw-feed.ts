/**
 * The browser benchmarks' own raw WebSocket server: every frame is one
 * message `{"k":KEY,"v":SEQUENCE}` sent to every connected page.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { SequencedUpdates, type Feed, type FeedRun } from './feed.js';
import { pollUntil } from './stats.js';

/** A raw feed for `keys` keys; `url` is where pages connect. */
export class RawFeed implements Feed {
  private readonly sockets = new Set<WebSocket>();
  private opened = 0;
  private readonly updates: SequencedUpdates;

  private constructor(private readonly wss: WebSocketServer, keys: number) {
    this.updates = new SequencedUpdates(keys, (key, value) => this.send(key, value));
    wss.on('connection', (socket) => {
      this.opened++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 on any free port. */
  static async start(keys: number): Promise<RawFeed> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => { wss.once('listening', resolve); wss.once('error', reject); });
    return new RawFeed(wss, keys);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/`;
  }

  async waitForPage(): Promise<void> {
    if (!(await pollUntil(() => this.sockets.size > 0, 20_000))) throw new Error('no page connected to the raw feed within 20 s');
  }

  connectionsOpened(): number {
    return this.opened;
  }

  async warmUp(): Promise<number[]> {
    return this.updates.warmUp();
  }

  run(rate: number, durationMs: number): Promise<FeedRun> {
    return this.updates.run(rate, durationMs);
  }

  /** Drops every page connection (between pages). */
  disconnectAll(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.disconnectAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private send(key: number, value: number): void {
    const text = `{"k":${key},"v":${value}}`;
    for (const socket of this.sockets) socket.send(text);
  }
}
