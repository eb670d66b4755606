/**
 * Starts a reference server for one test and closes it, with every client
 * the test opened, when the test ends.
 */
import type { TestContext } from 'node:test';
import type { ClientOptions } from 'ws';
import { createServer, type CreateServerOptions, type ReferenceServer } from '../../server/server.js';
import { TestClient } from './ws-client.js';

/** Feeds without timers, so a test's traffic is only its own unless it asks for more. */
export const QUIET_FEEDS = ['chat', 'inbox', 'votes', 'faces'];

export interface Harness {
  server: ReferenceServer;
  /** Opens a client and waits for its `welcome`; closed with the server. */
  client: (options?: ClientOptions) => Promise<TestClient>;
  /** Opens a client without waiting for anything; closed with the server. */
  connect: (options?: ClientOptions, url?: string) => Promise<TestClient>;
}

export async function startServer(t: TestContext, options: CreateServerOptions = {}): Promise<Harness> {
  const server = await createServer({ port: 0, feeds: QUIET_FEEDS, ...options });
  const clients: TestClient[] = [];
  t.after(async () => {
    for (const client of clients) client.drop();
    await server.close();
  });
  return {
    server,
    async client(clientOptions = {}) {
      const client = await TestClient.welcomed(server.url, clientOptions);
      clients.push(client);
      return client;
    },
    async connect(clientOptions = {}, url = server.url) {
      const client = await TestClient.connect(url, clientOptions);
      clients.push(client);
      return client;
    },
  };
}
