import { describe, expect, it } from 'vitest';
import { createCryptoService } from './service';
import { createStorageSealer, type StorageKeyStore } from './storage-seal';

/** A key store that keeps the CryptoKey object, as IndexedDB does (structured clone). */
function fakeStore(): StorageKeyStore & { saved: number } {
  let kept: CryptoKey | null = null;
  return {
    saved: 0,
    load: async () => kept,
    async save(key) {
      kept = key;
      this.saved++;
    },
  };
}
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const secret = new Uint8Array(32).fill(7);

describe('the device storage sealer', () => {
  it('seals under a non-extractable key, kept in the store, and opens only in the same context', async () => {
    const store = fakeStore();
    const sealer = createStorageSealer(store);
    const sealed = await sealer.seal(bytes('canary-title'), 'heads|a');
    expect(text(sealed)).not.toContain('canary');
    expect(text(await sealer.open(sealed, 'heads|a'))).toBe('canary-title');
    await expect(sealer.open(sealed, 'heads|b')).rejects.toMatchObject({ code: 'envelope.open_failed' });
    const key = await store.load();
    expect(key?.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key!)).rejects.toThrow();
    // Two seals of the same text differ (a fresh IV each).
    expect(await sealer.seal(bytes('x'), 'c')).not.toEqual(await sealer.seal(bytes('x'), 'c'));
  });

  it('refuses an altered record and one that is not its format', async () => {
    const sealer = createStorageSealer(fakeStore());
    const sealed = await sealer.seal(bytes('hello'), 'c');
    const altered = sealed.slice();
    altered[altered.length - 1]! ^= 1;
    await expect(sealer.open(altered, 'c')).rejects.toMatchObject({ code: 'envelope.open_failed' });
    await expect(sealer.open(new Uint8Array(10), 'c')).rejects.toMatchObject({ code: 'envelope.open_failed' });
  });

  it('keeps using the kept key; a new worker with the same store opens what the last one sealed', async () => {
    const store = fakeStore();
    const first = createStorageSealer(store);
    expect(await first.unlock(null)).toBe('generated');
    const sealed = await first.seal(bytes('kept'), 'c');
    const second = createStorageSealer(store);
    expect(await second.unlock(secret)).toBe('kept');
    expect(text(await second.open(sealed, 'c'))).toBe('kept');
    expect(store.saved).toBe(1);
  });

  it('derives the key from the Telegram-kept secret, so a reinstall (an empty store) opens old records', async () => {
    const before = createStorageSealer(fakeStore());
    expect(await before.unlock(secret)).toBe('derived');
    const sealed = await before.seal(bytes('survives'), 'c');
    const reinstalled = createStorageSealer(fakeStore());
    expect(await reinstalled.unlock(secret)).toBe('derived');
    expect(text(await reinstalled.open(sealed, 'c'))).toBe('survives');
    const otherSecret = createStorageSealer(fakeStore());
    await otherSecret.unlock(new Uint8Array(32).fill(8));
    await expect(otherSecret.open(sealed, 'c')).rejects.toMatchObject({ code: 'envelope.open_failed' });
    await expect(createStorageSealer(fakeStore()).unlock(new Uint8Array(8))).rejects.toMatchObject({ code: 'protocol.malformed_message' });
  });

  it('crosses the worker boundary as results, checking its inputs', async () => {
    const service = createCryptoService({ pinnedPolicyKeys: [], allowSimulated: false, storageKeys: fakeStore() });
    expect(await service.storageUnlock(null)).toEqual({ ok: true, value: 'generated' });
    const sealed = await service.storageSeal(bytes('via worker'), 'c');
    if (!sealed.ok) throw new Error('seal failed');
    const opened = await service.storageOpen(sealed.value, 'c');
    expect(opened.ok && text(opened.value)).toBe('via worker');
    expect(await service.storageOpen(sealed.value, 'd')).toMatchObject({ ok: false, error: { code: 'envelope.open_failed' } });
    expect(await service.storageSeal('not bytes' as unknown as Uint8Array, 'c')).toMatchObject({ ok: false, error: { code: 'protocol.malformed_message' } });
  });
});
