/**
 * `createServer(options)`: the reference server of the topic protocol, for
 * tests, embedders and the command line. It listens on its own HTTP server,
 * or attaches to an existing one (a Vite dev server) for its path only.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, type Json, type Position } from '../src/core/protocol.js';
import { createVerifier, type Authorize, type Verifier } from './auth.js';
import { BrokerUnavailableError, type Broker } from './broker/broker.js';
import { MemoryBroker } from './broker/memory.js';
import { RedisBroker } from './broker/redis.js';
import { SplitBroker } from './broker/split.js';
import { Connection, type ConnectionContext } from './connection.js';
import { demoTokenHandler } from './demo-tokens.js';
import { ExpiryClock } from './expiry-clock.js';
import { FeedCatalog } from './feeds/catalog.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { RedisLink } from './redis/link.js';
import { RedisSessionStore } from './redis-sessions.js';
import { MemorySessionStore, type SessionInfo, type SessionStore } from './sessions.js';
import { ServerStats } from './stats.js';
import { TaskDispatcher, type SubmitOptions } from './task-dispatcher.js';
import { isTaskTopic } from './feeds/tasks.js';
import { TopicRouter } from './topic-router.js';

export type { AuthAction, AuthSession, Authorize } from './auth.js';
export type { ServerOptions } from './options.js';
export type { ServerStats } from './stats.js';
export { DEFAULT_OPTIONS } from './options.js';

/** A running reference server. */
export interface ReferenceServer {
  /** The port it listens on. */
  readonly port: number;
  /** Its WebSocket endpoint, `ws://host:port/feeds`. */
  readonly url: string;
  /** Publishes from the server side: an event, or a merge patch on a state topic; resolves to its position. */
  publish(topic: string, data: unknown): Promise<Position>;
  /**
   * Queues a task on `tasks/<name>` for the `<ws-worker>` browsers; resolves to a worker's output, rejects after the
   * last failed attempt (with every reason) or at once when `--max-queued-tasks` tasks already wait.
   */
  submit(topic: string, input: unknown, options?: Pick<SubmitOptions, 'deadline' | 'attempts'>): Promise<unknown>;
  /** Drops every client socket without a close frame, as a network fault would (tests of reconnects). */
  dropConnections(): void;
  /** Client sockets open right now. */
  connectionCount(): number;
  /** Open connections, the topic subscriptions they hold, and messages handled in and queued out since start. */
  stats(): Readonly<ServerStats>;
  /** Subscriptions to `topic` held right now (a connection holds at most one per topic). */
  subscriptionCount(topic: string): number;
  /** Closes every connection with 1001 and stops listening. */
  close(): Promise<void>;
}

/** How long clients get to answer the shutdown close before their sockets are ended. */
const SHUTDOWN_GRACE_MS = 1000;

/** What `createServer` takes: the settings, plus what only code can give. */
export interface CreateServerOptions extends Partial<ServerOptions> {
  /** An HTTP server to attach to (its upgrades for `path` only) instead of listening on a port. */
  server?: Server;
  /** Decides each subscribe and publish after the JWT's `topics` claim (SPEC 4.5). */
  authorize?: Authorize;
}

/** Starts a reference server; with `server`, attaches to that HTTP server's upgrades for `path` only. */
export async function createServer(options: CreateServerOptions = {}): Promise<ReferenceServer> {
  const { server: host, authorize, ...rest } = options;
  const settings = resolveOptions(rest);
  if (host && settings.demoTokenPath !== undefined) {
    throw new RangeError('demoTokenPath is served on the server\'s own port only: mount demoTokenHandler on the host server');
  }
  const verifier = await createVerifier(settings);
  const http = host ?? createHttpServer(answerHttp(settings));
  const hub = new Hub(settings, verifier, authorize);
  await hub.ready();
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxFrame });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== settings.path) {
      if (!host) refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (!originAllowed(settings.origin, request.headers.origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => hub.accept(ws, url.searchParams.get('token')));
  };
  http.on('upgrade', onUpgrade);
  if (!host) {
    await listen(http, settings.port, settings.host).catch(async (error: unknown) => {
      await hub.close();
      throw error;
    });
  }

  // A host server (Vite) may start listening after this: read its address when asked.
  const address = (): AddressInfo =>
    (http.address() as AddressInfo | null) ?? { address: settings.host, family: 'IPv4', port: settings.port };
  return {
    get port() {
      return address().port;
    },
    get url() {
      const { address: ip, family, port } = address();
      const name = family === 'IPv6' ? `[${ip}]` : ip;
      return `ws://${name}:${port}${settings.path}`;
    },
    publish: (topic, data) => hub.publish(topic, data as Json),
    submit: (topic, input, submitOptions) => hub.submit(topic, input, submitOptions),
    dropConnections: () => wss.clients.forEach((ws) => ws.terminate()),
    connectionCount: () => wss.clients.size,
    stats: () => ({ ...hub.context.stats }),
    subscriptionCount: (topic) => hub.context.router.count(topic),
    async close() {
      http.off('upgrade', onUpgrade);
      await closeSockets(wss);
      await hub.close();
      if (!host) await closeHttp(http);
    },
  };
}

/** The parts every connection shares, wired together: in memory, or shared through Redis with `redis`. */
class Hub {
  readonly context: ConnectionContext;
  private readonly link: RedisLink | undefined;

  constructor(
    private readonly options: ServerOptions,
    verifier: Verifier,
    authorize: Authorize | undefined,
  ) {
    const stats = new ServerStats();
    const ended = (session: SessionInfo, joined: string[]) => this.sessionEnded(session, joined);
    // Task queues stay in this instance's memory, also with Redis (see the README's departures).
    const local = new MemoryBroker();
    let broker: Broker = local;
    let sessions: SessionStore = new MemorySessionStore(options.resumeWindow, ended);
    if (options.redis !== undefined) {
      const link = new RedisLink(options.redis);
      this.link = link;
      // Timer feeds run in every instance: their topics stay local, the rest is shared.
      broker = new SplitBroker(local, new RedisBroker(link, { patchHistory: options.history }), (topic) =>
        this.context.feeds.resolve(topic)?.local === true,
      );
      sessions = new RedisSessionStore(link, options.resumeWindow, ended);
    }
    const tasks = new TaskDispatcher({
      queue: local,
      stats,
      defaults: options,
      publish: (topic, event) => broker.append(topic, event, options.history),
      report: reportFault,
    });
    const feeds = new FeedCatalog(
      { broker, options, stats, tasks, hasSession: (id) => sessions.has(id), report: reportFault },
      options.feeds,
    );
    const router = new TopicRouter(broker);
    const expiries = new ExpiryClock();
    this.context = { options, stats, broker, sessions, feeds, tasks, router, verifier, authorize, expiries, report: reportFault };
    feeds.start();
  }

  /** Resolves once Redis is reached (or a few seconds without it); at once without Redis. */
  async ready(): Promise<void> {
    await this.link?.connected();
  }

  /** Serves an upgraded socket; a `token=` in the query is checked as its first `auth`. */
  accept(ws: WebSocket, queryToken: string | null): void {
    new Connection(ws, this.context, queryToken);
  }

  async publish(topic: string, data: Json): Promise<Position> {
    const { feeds, broker } = this.context;
    const spec = feeds.resolve(topic);
    if (spec?.kind === 'state') return (await broker.patch(topic, data)).pos;
    if (!spec) feeds.addServerTopic(topic);
    return (await broker.append(topic, data, spec?.history ?? this.options.history)).pos;
  }

  /** Queues a task after checking its topic and input (JSON, within `--max-frame` once sent). */
  async submit(topic: string, input: unknown, options: Pick<SubmitOptions, 'deadline' | 'attempts'> = {}): Promise<unknown> {
    const { feeds, tasks } = this.context;
    if (!isTaskTopic(topic) || !feeds.resolve(topic)?.taskQueue) {
      throw new Error(`"${topic}" is not a task queue: name one tasks/<name> (with the tasks feed served)`);
    }
    const text = JSON.stringify(input);
    if (text === undefined) throw new TypeError('a task\'s input must be a JSON value');
    if (text.length > this.options.maxFrame) throw new RangeError(`a task's input of ${text.length} bytes exceeds --max-frame ${this.options.maxFrame}`);
    return tasks.submit(topic, JSON.parse(text) as Json, options);
  }

  async close(): Promise<void> {
    this.context.tasks.close();
    this.context.feeds.stop();
    this.context.expiries.clear();
    await this.context.sessions.close();
    await this.context.broker.close();
    await this.link?.close();
  }

  /** A session ended: it leaves every topic it joined and feeds forget it. */
  private sessionEnded(session: SessionInfo, joined: string[]): void {
    const { feeds } = this.context;
    const leaving = joined.map((topic) => feeds.resolve(topic)?.leave?.(session));
    Promise.all([...leaving, feeds.sessionEnded(session)]).catch(reportFault);
  }
}

/**
 * The answer to plain HTTP requests on the server's own port: the demo token
 * endpoint where one is configured, else 426 pointing at the WebSocket path.
 */
function answerHttp(settings: ServerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { demoTokenPath, jwtSecret, jwtAudience, jwtIssuer } = settings;
  if (demoTokenPath !== undefined && jwtSecret === undefined) throw new RangeError('--demo-token-path needs --jwt-secret');
  const tokens = demoTokenPath === undefined ? undefined
    : demoTokenHandler({ secret: jwtSecret as string, audience: jwtAudience, issuer: jwtIssuer });
  return (request, response) => {
    if (tokens && new URL(request.url ?? '/', 'http://localhost').pathname === demoTokenPath) return tokens(request, response);
    response.writeHead(426, { 'content-type': 'text/plain' }).end(`connect with a WebSocket at ${settings.path}\n`);
  };
}

/** Logs a fault no client is waiting for; Redis being down is reported once by the link instead. */
function reportFault(error: unknown): void {
  if (error instanceof BrokerUnavailableError) return;
  console.error('ws-bind server:', error);
}

/** With an allow-list, a browser's Origin must be on it; clients that send no Origin (not browsers) pass. */
function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  return allowed.length === 0 || origin === undefined || allowed.includes(origin);
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/** Closes every socket with 1001, ending those that do not answer in time. */
async function closeSockets(wss: WebSocketServer): Promise<void> {
  const sockets = [...wss.clients];
  const closed = sockets.map((ws) => new Promise((resolve) => ws.once('close', resolve)));
  for (const ws of sockets) ws.close(CloseCode.goingAway, 'server shutting down');
  const grace = setTimeout(() => sockets.forEach((ws) => ws.terminate()), SHUTDOWN_GRACE_MS);
  await Promise.all(closed);
  clearTimeout(grace);
  await new Promise((resolve) => wss.close(resolve));
}

function closeHttp(http: Server): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}
