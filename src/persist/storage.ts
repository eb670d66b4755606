/**
 * Where `persist` keeps what elements show (SPEC 3.2): `sessionStorage` for
 * one tab (`persist`, `persist="session"`), IndexedDB for every tab and
 * restart of the origin (`persist="local"`). Both read and write plain data,
 * never HTML.
 */

/** One place to keep data by key. */
export interface KeptStore {
  /** The data kept under `key`, undefined when none; rejects on unreadable data. */
  read(key: string): Promise<unknown>;
  /** Keeps `data` under `key`; rejects when the browser refuses (quota). */
  write(key: string, data: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** `sessionStorage`: kept as JSON text for this tab, across reloads. */
export const sessionStore: KeptStore = {
  read: async (key) => {
    const text = sessionStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  },
  write: async (key, data) => sessionStorage.setItem(key, JSON.stringify(data)),
  remove: async (key) => sessionStorage.removeItem(key),
};

let database: Promise<IDBDatabase> | undefined;

/** Runs one request on the `kept` object store of the `ws-bind` database. */
function inStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  database ??= settled(Object.assign(indexedDB.open('ws-bind', 1), {
    onupgradeneeded: (event: IDBVersionChangeEvent) => (event.target as IDBOpenDBRequest).result.createObjectStore('kept'),
  }));
  return database.then((db) => settled(run(db.transaction('kept', mode).objectStore('kept'))));
}

function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB: kept as structured data for every tab of the origin, across restarts. */
export const localStore: KeptStore = {
  read: (key) => inStore('readonly', (store) => store.get(key)),
  write: async (key, data) => void (await inStore('readwrite', (store) => store.put(data, key))),
  remove: async (key) => void (await inStore('readwrite', (store) => store.delete(key))),
};
