import { cryptoWorker } from '../../crypto/client';
import type { Message } from '../chat/chat-state';
import { deviceSecret } from './device-secret';
import { decodeBody, decodeHead, encodeBody, encodeHead, recordContext, type Conversation, type ConversationHead } from './record';

/** Encrypts and opens records under the device's storage key (the crypto worker's `storageSeal`/`storageOpen`). */
export interface RecordSealer {
  seal(plain: Uint8Array, context: string): Promise<Uint8Array>;
  open(sealed: Uint8Array, context: string): Promise<Uint8Array>;
}

/** One sealed record as IndexedDB holds it: the id in clear, everything else in `sealed`. */
interface StoredRecord {
  id: string;
  sealed: Uint8Array;
}

const DB = 'cocoon-conversations';
const HEADS = 'heads';
const BODIES = 'bodies';

const done = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });

const committed = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore(HEADS, { keyPath: 'id' });
    req.result.createObjectStore(BODIES, { keyPath: 'id' });
  };
  return done(req);
}

/** The worker's sealer, its results unwrapped; the key is readied first with Telegram's kept secret, where there is one. */
export function workerSealer(): RecordSealer {
  let unlocked: Promise<void> | null = null;
  const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  async function unlock(): Promise<void> {
    const secret = await deviceSecret();
    unwrap(await cryptoWorker().storageUnlock(secret));
  }
  const ready = () =>
    (unlocked ??= unlock().catch((e: unknown) => {
      unlocked = null;
      throw e;
    }));
  return {
    seal: async (plain, context) => (await ready(), unwrap(await cryptoWorker().storageSeal(plain, context))),
    open: async (sealed, context) => (await ready(), unwrap(await cryptoWorker().storageOpen(sealed, context))),
  };
}

/**
 * The conversations kept on this device, in IndexedDB, each record sealed in the crypto worker:
 * nothing of a conversation (its title included) is stored in clear. Listing decrypts the heads
 * only; a record that no longer opens (another device key) is skipped, not shown broken.
 */
export function createConversationStore(sealer: RecordSealer = workerSealer(), db: () => Promise<IDBDatabase> = openDb) {
  async function withDb<T>(fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
    const d = await db();
    try {
      return await fn(d);
    } finally {
      d.close();
    }
  }

  const sealHead = async (h: ConversationHead): Promise<StoredRecord> => ({ id: h.id, sealed: await sealer.seal(encodeHead(h), recordContext('heads', h.id)) });

  return {
    /** Every conversation's head, the most recently updated first. */
    async list(): Promise<ConversationHead[]> {
      const records = await withDb((d) => done(d.transaction(HEADS, 'readonly').objectStore(HEADS).getAll() as IDBRequest<StoredRecord[]>));
      const heads = await Promise.all(
        records.map(async (r) => {
          try {
            return decodeHead(r.id, await sealer.open(r.sealed, recordContext('heads', r.id)));
          } catch (e) {
            console.warn('a kept conversation does not open on this device; it is left out', e instanceof Error ? e.name : 'unknown');
            return null;
          }
        }),
      );
      return heads.filter((h): h is ConversationHead => h !== null).sort((a, b) => b.updatedAt - a.updatedAt);
    },

    /** A conversation with its messages; null when there is none with this id (or it does not open). */
    async load(id: string): Promise<Conversation | null> {
      const [head, body] = await withDb(async (d) => {
        const tx = d.transaction([HEADS, BODIES], 'readonly');
        return Promise.all([done(tx.objectStore(HEADS).get(id) as IDBRequest<StoredRecord | undefined>), done(tx.objectStore(BODIES).get(id) as IDBRequest<StoredRecord | undefined>)]);
      });
      if (!head || !body) return null;
      try {
        const h = decodeHead(id, await sealer.open(head.sealed, recordContext('heads', id)));
        return { ...h, messages: decodeBody(await sealer.open(body.sealed, recordContext('bodies', id))) };
      } catch (e) {
        console.warn('the conversation does not open on this device', e instanceof Error ? e.name : 'unknown');
        return null;
      }
    },

    /** Keeps the conversation (its finished turns), sealed; head and body in one transaction. */
    async save(c: Conversation): Promise<void> {
      const head = await sealHead(c);
      const body: StoredRecord = { id: c.id, sealed: await sealer.seal(encodeBody(c.messages), recordContext('bodies', c.id)) };
      await withDb((d) => {
        const tx = d.transaction([HEADS, BODIES], 'readwrite');
        tx.objectStore(HEADS).put(head);
        tx.objectStore(BODIES).put(body);
        return committed(tx);
      });
    },

    async rename(head: ConversationHead, title: string): Promise<ConversationHead> {
      const renamed = { ...head, title };
      const record = await sealHead(renamed);
      await withDb((d) => {
        const tx = d.transaction(HEADS, 'readwrite');
        tx.objectStore(HEADS).put(record);
        return committed(tx);
      });
      return renamed;
    },

    async remove(id: string): Promise<void> {
      await withDb((d) => {
        const tx = d.transaction([HEADS, BODIES], 'readwrite');
        tx.objectStore(HEADS).delete(id);
        tx.objectStore(BODIES).delete(id);
        return committed(tx);
      });
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
export type { Message };
