import type { StorageKeyStore } from './storage-seal';

const DB = 'cocoon-keys';
const STORE = 'keys';
const STORAGE_KEY_ID = 'storage';

const done = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return done(req);
}

/**
 * The storage key in the worker's IndexedDB, as a CryptoKey object: structured clone keeps it
 * non-extractable, so no script (ours included) can ever read its bytes.
 */
export const indexedDbKeyStore: StorageKeyStore = {
  async load() {
    const db = await openDb();
    try {
      const key: unknown = await done(db.transaction(STORE, 'readonly').objectStore(STORE).get(STORAGE_KEY_ID));
      return key instanceof CryptoKey ? key : null;
    } finally {
      db.close();
    }
  },
  async save(key) {
    const db = await openDb();
    try {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(key, STORAGE_KEY_ID);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      });
    } finally {
      db.close();
    }
  },
};
