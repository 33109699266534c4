import { CocoonError } from '@cocoon/shared/errors';

/**
 * Where the device's storage key is kept between sessions: IndexedDB in the worker (key-store-idb.ts),
 * which stores the CryptoKey object itself, so a non-extractable key stays non-extractable.
 */
export interface StorageKeyStore {
  load(): Promise<CryptoKey | null>;
  save(key: CryptoKey): Promise<void>;
}

/** How the storage key came to be: found in the key store, derived from the Telegram-kept secret, or new. */
export type StorageKeySource = 'kept' | 'derived' | 'generated';

/** The sealed records' format: version byte, 12-byte AES-GCM IV, ciphertext with its 16-byte tag. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** HKDF `info` for the key derived from a wrapping secret: a secret for another purpose derives another key. */
const DERIVE_INFO = new TextEncoder().encode('cocoon.storage-key.v1');
const AES = { name: 'AES-GCM', length: 256 } as const;

/** What binds a record to its place (a store and an id): a record copied to another id does not open. */
const aad = (context: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`cocoon.storage.v1|${context}`);

/** A non-extractable AES-GCM key from a 32-byte secret (HKDF-SHA-256): the same secret gives the same key after a reinstall. */
async function deriveKey(secret: Uint8Array): Promise<CryptoKey> {
  if (secret.length < 32) throw new CocoonError('protocol.malformed_message', 'the wrapping secret is shorter than 32 bytes');
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: DERIVE_INFO }, ikm, AES, false, ['encrypt', 'decrypt']);
}

/**
 * Encrypts what the app keeps on the device (conversations) under one AES-GCM key that never
 * leaves the crypto worker: created non-extractable, persisted as a CryptoKey in IndexedDB. Where
 * Telegram keeps a secret for the app (SecureStorage), the key is derived from it the first time,
 * so the same key comes back after a reinstall. A key already kept always wins: the records are under it.
 */
export function createStorageSealer(store: StorageKeyStore) {
  let key: Promise<{ key: CryptoKey; source: StorageKeySource }> | null = null;

  async function obtain(secret: Uint8Array | null): Promise<{ key: CryptoKey; source: StorageKeySource }> {
    const kept = await store.load();
    if (kept) return { key: kept, source: 'kept' };
    const made = secret ? await deriveKey(secret) : await crypto.subtle.generateKey(AES, false, ['encrypt', 'decrypt']);
    await store.save(made);
    return { key: made, source: secret ? 'derived' : 'generated' };
  }

  const ready = (secret: Uint8Array | null = null) => {
    key ??= obtain(secret).catch((e: unknown) => {
      key = null; // a failed IndexedDB open is retried on the next call
      throw e;
    });
    return key;
  };

  return {
    /** Loads or makes the key (once per worker); `secret` counts only when no key is kept yet. */
    unlock: async (secret: Uint8Array | null): Promise<StorageKeySource> => (await ready(secret)).source,

    async seal(plain: Uint8Array, context: string): Promise<Uint8Array> {
      const { key: k } = await ready();
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, k, new Uint8Array(plain)));
      const out = new Uint8Array(1 + IV_BYTES + ct.length);
      out[0] = VERSION;
      out.set(iv, 1);
      out.set(ct, 1 + IV_BYTES);
      return out;
    },

    async open(sealed: Uint8Array, context: string): Promise<Uint8Array> {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new CocoonError('envelope.open_failed', 'not a sealed record of this app');
      const { key: k } = await ready();
      try {
        const iv = sealed.slice(1, 1 + IV_BYTES);
        return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, k, sealed.slice(1 + IV_BYTES)));
      } catch (e) {
        throw new CocoonError('envelope.open_failed', 'the record does not open under this device key (another key, another place, or altered)', { cause: e });
      }
    },
  };
}

export type StorageSealer = ReturnType<typeof createStorageSealer>;
