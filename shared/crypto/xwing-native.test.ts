import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { buf, fromHex, toHex } from '../protocol/encoding';
import { parseXwingVector, XWING_VECTOR_FILE, xwingVectorContexts } from '../testing/hpke-xwing-vector';
import { readVectorText } from '../testing/vectors';
import { NativeXWing } from './xwing-native';

const vector = parseXwingVector(readVectorText(XWING_VECTOR_FILE));
const hexOf = (b: ArrayBuffer) => toHex(new Uint8Array(b));

describe('X-Wing on native ML-KEM-768 (Node 24, OpenSSL 3.5)', () => {
  const native = new NativeXWing();
  const js = new XWing();

  it('is native here, and pure JS when asked', () => {
    expect(native.native).toBe(true);
    expect(new NativeXWing({ native: false }).native).toBe(false);
  });

  it("decapsulates the draft's vector to its shared secret", async () => {
    const { recipientKey } = await xwingVectorContexts(vector);
    const ss = await native.decap({ enc: buf(fromHex(vector.enc)), recipientKey });
    expect(hexOf(ss)).toBe(vector.shared_secret);
    // The second time from the kept expanded key: the same.
    expect(hexOf(await native.decap({ enc: buf(fromHex(vector.enc)), recipientKey: recipientKey.privateKey }))).toBe(vector.shared_secret);
  });

  it('agrees with the JS X-Wing both ways, for fresh keys', async () => {
    for (let i = 0; i < 5; i++) {
      const keys = await js.generateKeyPair();
      const toNative = await js.encap({ recipientPublicKey: keys.publicKey });
      expect(hexOf(await native.decap({ enc: toNative.enc, recipientKey: keys }))).toBe(hexOf(toNative.sharedSecret));
      const fromNative = await native.encap({ recipientPublicKey: keys.publicKey });
      expect(fromNative.enc.byteLength).toBe(1120);
      expect(hexOf(await js.decap({ enc: fromNative.enc, recipientKey: keys }))).toBe(hexOf(fromNative.sharedSecret));
    }
  });

  it('a tampered ciphertext gives another secret (ML-KEM rejects implicitly), as the JS one does', async () => {
    const keys = await js.generateKeyPair();
    const { enc, sharedSecret } = await native.encap({ recipientPublicKey: keys.publicKey });
    const tampered = new Uint8Array(enc.slice(0));
    tampered[10]! ^= 1;
    const a = await native.decap({ enc: tampered, recipientKey: keys });
    expect(hexOf(a)).not.toBe(hexOf(sharedSecret));
    expect(hexOf(a)).toBe(hexOf(await js.decap({ enc: tampered, recipientKey: keys })));
  });

  it('refuses an enc of the wrong length', async () => {
    const keys = await js.generateKeyPair();
    await expect(native.decap({ enc: new Uint8Array(1119), recipientKey: keys })).rejects.toThrow(/length of enc/);
  });
});
