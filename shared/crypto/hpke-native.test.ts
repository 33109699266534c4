import { Aes256Gcm, HkdfSha256 } from '@hpke/core';
import { describe, expect, it } from 'vitest';
import { toHex } from '../protocol/encoding';
import { NativeAes256Gcm, NativeHkdfSha256 } from './hpke-native';
import { ResponseOpener, ResponseSealer } from './response-stream';
import { nodeCrypto } from './node-crypto';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const hex = (b: ArrayBuffer) => toHex(new Uint8Array(b));
const ab = (b: Uint8Array) => b.slice().buffer;

describe("HPKE's KDF and AEAD on Node's synchronous primitives", () => {
  it('runs natively here', () => expect(nodeCrypto()).toBeDefined());

  it('HKDF-SHA256 extract, expand and extract-and-expand agree with the WebCrypto ones, at every output length HPKE uses and past one block', async () => {
    const native = new NativeHkdfSha256();
    const web = new HkdfSha256();
    for (const salt of [new Uint8Array(0), random(32)]) {
      const ikm = random(45);
      expect(hex(await native.extract(ab(salt), ab(ikm)))).toBe(hex(await web.extract(ab(salt), ab(ikm))));
    }
    const prk = random(32);
    for (const len of [1, 12, 32, 33, 64, 100]) {
      const info = random(20);
      expect(hex(await native.expand(ab(prk), ab(info), len))).toBe(hex(await web.expand(ab(prk), ab(info), len)));
    }
    for (const salt of [new Uint8Array(0), random(32), random(7)]) {
      const ikm = random(40);
      const info = random(30);
      expect(hex(await native.extractAndExpand(ab(salt), ab(ikm), ab(info), 44))).toBe(hex(await web.extractAndExpand(ab(salt), ab(ikm), ab(info), 44)));
    }
    // A salt of the wrong length is the library's error, as before.
    await expect(native.extract(ab(random(31)), ab(random(8)))).rejects.toThrow();
  });

  it('AES-256-GCM seals what the WebCrypto one opens and the other way round; a flipped bit or a short input is refused', async () => {
    const key = random(32);
    const native = new NativeAes256Gcm().createEncryptionContext(ab(key));
    const web = new Aes256Gcm().createEncryptionContext(ab(key));
    const iv = ab(random(12));
    const aad = ab(random(9));
    const pt = random(1000);
    const sealed = await native.seal(iv, ab(pt), aad);
    expect(hex(sealed)).toBe(hex(await web.seal(iv, ab(pt), aad)));
    expect(hex(await web.open(iv, sealed, aad))).toBe(toHex(pt));
    expect(hex(await native.open(iv, sealed, aad))).toBe(toHex(pt));
    const flipped = new Uint8Array(sealed.slice(0));
    flipped[3]! ^= 1;
    await expect(native.open(iv, flipped.buffer, aad)).rejects.toThrow();
    await expect(native.open(iv, sealed, ab(random(9)))).rejects.toThrow();
    await expect(native.open(iv, new ArrayBuffer(15), aad)).rejects.toThrow(/shorter than its tag/);
  });

  it('the response stream: chunks a native sealer seals open with WebCrypto, and the other way round; tampering is still caught', async () => {
    const secret = random(32);
    const enc = random(1120);
    for (const [sealNative, openNative] of [[true, false], [false, true]] as const) {
      const sealer = await ResponseSealer.create(secret, enc, { native: sealNative });
      const opener = new ResponseOpener(secret, enc, { native: openNative });
      await opener.start(sealer.responseNonce);
      const first = await sealer.seal({ type: 'delta', text: 'Hello' }, false);
      expect(await opener.open(first)).toEqual({ type: 'delta', text: 'Hello' });
      const last = await sealer.seal({ type: 'error', code: 'internal', message: 'x' }, true);
      const tampered = { ...last, data: last.data.slice() };
      tampered.data[0]! ^= 1;
      await expect(opener.open(tampered)).rejects.toMatchObject({ code: 'envelope.chunk_tampered' });
    }
  });
});
