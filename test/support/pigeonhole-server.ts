/**
 * A raw chat server shaped like the Go chat server of the README's "Binding a
 * server you do not control": every client has a numbered pigeonhole. The
 * first frame a client gets is its id as a bare number, then
 * `["private", "welcome, #ID"]` and `["status", nBroadcast, nPrivate]` (what
 * its pigeonhole holds). A client sends `{"msg": M}` to everyone, answered with
 * `["broadcast", "#ID: M"]` to every client, or `{"to": ID, "msg": M}` to one,
 * answered with `["private", "#ID: M"]` to that client; each is followed by a
 * fresh `status` to whoever received it. It speaks no topic protocol.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** A pigeonhole server attached to an HTTP server's upgrades for one path. */
export interface PigeonholeServer {
  /** Stops taking upgrades and closes every socket with 1001. */
  close(): Promise<void>;
}

interface Pigeonhole { id: number; broadcast: number; private: number }

/** Attaches a pigeonhole server to `http`'s upgrades for `path`. */
export function attachPigeonholes(http: Server, path: string): PigeonholeServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const holes = new Map<WebSocket, Pigeonhole>();
  let lastId = 0;

  const deliver = (socket: WebSocket, kind: 'broadcast' | 'private', text: string): void => {
    const hole = holes.get(socket);
    if (!hole) return;
    hole[kind]++;
    socket.send(JSON.stringify([kind, text]));
    socket.send(JSON.stringify(['status', hole.broadcast, hole.private]));
  };

  wss.on('connection', (socket) => {
    const hole: Pigeonhole = { id: ++lastId, broadcast: 0, private: 0 };
    holes.set(socket, hole);
    socket.send(String(hole.id));
    deliver(socket, 'private', `welcome, #${hole.id}`);
    socket.on('message', (data) => {
      const { to, msg } = readMessage(data.toString());
      if (!msg) return;
      const line = `#${hole.id}: ${msg}`;
      if (!to) for (const other of holes.keys()) deliver(other, 'broadcast', line);
      for (const [other, { id }] of holes) if (to && String(id) === to) deliver(other, 'private', line);
    });
    socket.on('close', () => holes.delete(socket));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  http.on('upgrade', onUpgrade);

  return {
    async close() {
      http.off('upgrade', onUpgrade);
      for (const socket of wss.clients) socket.close(1001, 'going away');
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** `{"to"?, "msg"}` as trimmed strings; anything else is an empty message, which the server ignores. */
function readMessage(text: string): { to: string; msg: string } {
  try {
    const message = JSON.parse(text) as { to?: unknown; msg?: unknown } | null;
    return { to: scalarText(message?.to), msg: scalarText(message?.msg) };
  } catch {
    return { to: '', msg: '' };
  }
}

function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}
