/**
 * The wrapping secret Telegram keeps for the app (Bot API 9.0: `SecureStorage` in the device's
 * Keychain/Keystore, else `DeviceStorage`), from which the crypto worker derives the storage key
 * the first time (web/crypto/storage-seal.ts), so conversations opened after a reinstall still decrypt.
 * Only where the client offers it: feature-detected, and null everywhere else (the key is then random).
 */
export interface TelegramKeyValueStorage {
  getItem(key: string, callback: (error: string | null, value?: string | null) => void): void;
  setItem(key: string, value: string, callback?: (error: string | null, stored?: boolean) => void): void;
}

declare global {
  interface Window {
    Telegram?: { WebApp?: { SecureStorage?: TelegramKeyValueStorage; DeviceStorage?: TelegramKeyValueStorage } };
  }
}

export const SECRET_ITEM = 'cocoon.storage-secret.v1';
const SECRET_BYTES = 32;

/** Telegram's secure storage, else its device storage, where this client has either. */
export function telegramStorage(w: Pick<Window, 'Telegram'> | undefined = typeof window === 'undefined' ? undefined : window): TelegramKeyValueStorage | null {
  const app = w?.Telegram?.WebApp;
  const usable = (s: TelegramKeyValueStorage | undefined) => (s && typeof s.getItem === 'function' && typeof s.setItem === 'function' ? s : null);
  return usable(app?.SecureStorage) ?? usable(app?.DeviceStorage);
}

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (s: string): Uint8Array | null =>
  /^[0-9a-f]{64}$/.test(s) ? Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16)) : null;

const get = (s: TelegramKeyValueStorage, key: string) =>
  new Promise<string | null>((resolve, reject) => s.getItem(key, (error, value) => (error ? reject(new Error(error)) : resolve(value ?? null))));
const set = (s: TelegramKeyValueStorage, key: string, value: string) =>
  new Promise<void>((resolve, reject) => s.setItem(key, value, (error) => (error ? reject(new Error(error)) : resolve())));

/**
 * The kept secret, made and stored on first use; null when Telegram offers no storage or it fails
 * (the conversations then stay under a random device key: never worse than without it).
 */
export async function deviceSecret(storage: TelegramKeyValueStorage | null = telegramStorage()): Promise<Uint8Array | null> {
  if (!storage) return null;
  try {
    const kept = fromHex((await get(storage, SECRET_ITEM)) ?? '');
    if (kept) return kept;
    const fresh = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
    await set(storage, SECRET_ITEM, toHex(fresh));
    // Read back: a client that accepted the write but keeps nothing must not derive a key no later start can.
    return fromHex((await get(storage, SECRET_ITEM)) ?? '') ? fresh : null;
  } catch (e) {
    console.warn('Telegram storage refused the storage secret; the device key stays random', e instanceof Error ? e.message : 'unknown');
    return null;
  }
}
