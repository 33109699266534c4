import { describe, expect, it } from 'vitest';
import { deviceSecret, SECRET_ITEM, telegramStorage, type TelegramKeyValueStorage } from './device-secret';

/** Telegram's callback-style storage, kept in a map; `failing` answers every call with an error. */
function fakeStorage(opts: { failing?: boolean; forgetful?: boolean } = {}): TelegramKeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key, cb) => queueMicrotask(() => (opts.failing ? cb('UNSUPPORTED') : cb(null, items.get(key) ?? null))),
    setItem: (key, value, cb) =>
      queueMicrotask(() => {
        if (opts.failing) return cb?.('UNSUPPORTED');
        if (!opts.forgetful) items.set(key, value);
        cb?.(null, true);
      }),
  };
}

describe('the Telegram-kept storage secret', () => {
  it('is made once, kept as hex, and the same on every later start', async () => {
    const storage = fakeStorage();
    const first = await deviceSecret(storage);
    expect(first).toHaveLength(32);
    expect(storage.items.get(SECRET_ITEM)).toMatch(/^[0-9a-f]{64}$/);
    expect(await deviceSecret(storage)).toEqual(first);
  });

  it('is null where Telegram offers no storage, refuses it, or keeps nothing', async () => {
    expect(await deviceSecret(null)).toBeNull();
    expect(await deviceSecret(fakeStorage({ failing: true }))).toBeNull();
    expect(await deviceSecret(fakeStorage({ forgetful: true }))).toBeNull();
  });

  it('prefers SecureStorage to DeviceStorage, and finds neither outside Telegram', () => {
    const secure = fakeStorage();
    const device = fakeStorage();
    expect(telegramStorage({ Telegram: { WebApp: { SecureStorage: secure, DeviceStorage: device } } })).toBe(secure);
    expect(telegramStorage({ Telegram: { WebApp: { DeviceStorage: device } } })).toBe(device);
    expect(telegramStorage({ Telegram: { WebApp: {} } })).toBeNull();
    expect(telegramStorage({})).toBeNull();
    expect(telegramStorage(undefined)).toBeNull();
  });
});
