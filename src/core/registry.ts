/**
 * Shares one implicit connection per resolved URL among every element that
 * names it (SPEC 3.1), counting its users and closing it a short grace period
 * after the last one leaves, so moving an element within the page does not
 * reconnect.
 */
import { Connection } from './connection.js';

/** How long a connection without users stays open, in ms. */
export const GRACE_PERIOD = 1000;

interface Entry { connection: Connection; users: number; timer?: ReturnType<typeof setTimeout> }

/** Owns the implicit connections of a page, keyed by their URL list. */
class ConnectionRegistry {
  readonly #entries = new Map<string, Entry>();

  /** The shared connection for these URLs, opened if needed; pair with `release`. */
  acquire(urls: readonly string[]): Connection {
    const key = urls.join(' ');
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { connection: new Connection({ urls }), users: 0 };
      this.#entries.set(key, entry);
    }
    clearTimeout(entry.timer);
    entry.users++;
    entry.connection.start();
    return entry.connection;
  }

  /** Gives a connection back; the last user's release closes it after the grace period. */
  release(connection: Connection): void {
    for (const [key, entry] of this.#entries) {
      if (entry.connection !== connection) continue;
      if (--entry.users > 0) return;
      entry.timer = setTimeout(() => {
        this.#entries.delete(key);
        connection.close();
      }, GRACE_PERIOD);
      return;
    }
  }
}

/** The page's registry. */
export const registry = new ConnectionRegistry();
