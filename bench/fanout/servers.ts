/** The two servers the fan-out benchmarks compare, behind one small interface. */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { createServer } from '../../server/server.js';
import type { ServerKind } from './protocol.js';

/** The topic (or socket.io event name) every client receives. */
export const BENCH_TOPIC = 'bench';

/** A server that broadcasts one topic to every subscribed client. */
export interface BroadcastServer {
  kind: ServerKind;
  name: string;
  url: string;
  /** Publishes one message to every subscriber. */
  publish(data: { t: number }): void;
  /** Open client connections. */
  connections(): number;
  close(): Promise<void>;
}

/** The reference server with only the benchmark topic (no demo feeds running). */
export async function startReferenceServer(): Promise<BroadcastServer> {
  const server = await createServer({ port: 0, host: '127.0.0.1', feeds: [], topics: [BENCH_TOPIC] });
  return {
    kind: 'topic',
    name: 'reference server',
    url: server.url,
    publish: (data) => {
      server.publish(BENCH_TOPIC, data).catch((error: unknown) => console.error(error));
    },
    connections: () => server.connectionCount(),
    close: () => server.close(),
  };
}

/** A plain socket.io server, websocket transport only, broadcasting with `io.emit`. */
export async function startSocketIoServer(): Promise<BroadcastServer> {
  const http = createHttpServer();
  const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    kind: 'socketio',
    name: 'socket.io',
    url: `http://127.0.0.1:${port}`,
    publish: (data) => { io.emit(BENCH_TOPIC, data); },
    connections: () => io.engine.clientsCount,
    close: () => io.close(),
  };
}
