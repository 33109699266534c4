import { describe, expect, it } from 'vitest';
import { buf, fromHex, toHex } from '../protocol/encoding';
import { checkHpkeVector, HPKE_VECTOR_FILE, hpkeVectorContexts, parseHpkeVector } from '../testing/hpke-vector';
import { readVectorText } from '../testing/vectors';
import { hpkeSuite } from './hpke-suite';

/*
 * The final RFC 9180 test vector for our suite (base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM; see shared/testing/vectors/SOURCES.md), asserted in full against
 * @hpke/core, the implementation the product runs. The intermediate values @hpke/core does not
 * expose (shared_secret, the key schedule) are asserted by hpke-independent.test.ts.
 */
const vectorText = readVectorText(HPKE_VECTOR_FILE);
const vector = parseHpkeVector(vectorText);
const bytes = (hex: string) => buf(fromHex(hex));
const hexOf = (b: ArrayBuffer) => toHex(new Uint8Array(b));

describe('RFC 9180 final vector: base mode, DHKEM(X25519) / HKDF-SHA256 / AES-256-GCM, with @hpke/core', () => {
  it('the suite has the vector identifiers', () => {
    expect(vector.mode).toBe(0);
    expect([hpkeSuite.kem.id, hpkeSuite.kdf.id, hpkeSuite.aead.id]).toEqual([vector.kem_id, vector.kdf_id, vector.aead_id]);
  });

  it('DeriveKeyPair(ikmR) gives skRm and pkRm', async () => {
    const kp = await hpkeSuite.kem.deriveKeyPair(bytes(vector.ikmR));
    expect(hexOf(await hpkeSuite.kem.serializePrivateKey(kp.privateKey))).toBe(vector.skRm);
    expect(hexOf(await hpkeSuite.kem.serializePublicKey(kp.publicKey))).toBe(vector.pkRm);
  });

  it('DeriveKeyPair(ikmE) gives skEm and pkEm', async () => {
    const kp = await hpkeSuite.kem.deriveKeyPair(bytes(vector.ikmE));
    expect(hexOf(await hpkeSuite.kem.serializePrivateKey(kp.privateKey))).toBe(vector.skEm);
    expect(hexOf(await hpkeSuite.kem.serializePublicKey(kp.publicKey))).toBe(vector.pkEm);
  });

  it('the raw vector keys import and serialize back unchanged', async () => {
    for (const [sk, pk] of [[vector.skRm, vector.pkRm], [vector.skEm, vector.pkEm]] as const) {
      const privateKey = await hpkeSuite.kem.importKey('raw', bytes(sk).buffer, false);
      const publicKey = await hpkeSuite.kem.importKey('raw', bytes(pk).buffer, true);
      expect(hexOf(await hpkeSuite.kem.serializePrivateKey(privateKey))).toBe(sk);
      expect(hexOf(await hpkeSuite.kem.serializePublicKey(publicKey))).toBe(pk);
      expect(hexOf(await hpkeSuite.kem.serializePublicKey(await hpkeSuite.kem.deserializePublicKey(bytes(pk))))).toBe(pk);
    }
  });

  it('encapsulating to pkRm with the ephemeral key pair gives enc', async () => {
    const { sender } = await hpkeVectorContexts(vector);
    expect(vector.enc).toBe(vector.pkEm);
    expect(hexOf(sender.enc)).toBe(vector.enc);
  });

  it('a recipient context from skRm and the vector enc opens the first ciphertext', async () => {
    const { recipient } = await hpkeVectorContexts(vector);
    const e = vector.encryptions[0]!;
    expect(hexOf(await recipient.open(bytes(e.ct), bytes(e.aad)))).toBe(e.pt);
  });

  it('the vector has 257 encryptions (sequence 0-256, AAD Count-i) and 3 exports', () => {
    expect(vector.encryptions).toHaveLength(257);
    expect(vector.encryptions.map((e) => new TextDecoder().decode(fromHex(e.aad)))).toEqual(vector.encryptions.map((_, i) => `Count-${i}`));
    expect(vector.exports).toHaveLength(3);
  });

  it('the nonce of encryption i is base_nonce XOR I2OSP(i, 12)', () => {
    const nonces = vector.encryptions.map((_, seq) => {
      const n = fromHex(vector.base_nonce);
      n[11]! ^= seq & 0xff;
      n[10]! ^= seq >>> 8;
      return toHex(n);
    });
    expect(vector.encryptions.map((e) => e.nonce)).toEqual(nonces);
  });

  it('one sender context seals every encryption, in sequence, to exactly ct', async () => {
    const { sender } = await hpkeVectorContexts(vector);
    const sealed: string[] = [];
    for (const e of vector.encryptions) sealed.push(hexOf(await sender.seal(bytes(e.pt), bytes(e.aad))));
    expect(sealed).toEqual(vector.encryptions.map((e) => e.ct));
  });

  it('one recipient context opens every ct, in sequence, to exactly pt', async () => {
    const { recipient } = await hpkeVectorContexts(vector);
    const opened: string[] = [];
    for (const e of vector.encryptions) opened.push(hexOf(await recipient.open(bytes(e.ct), bytes(e.aad))));
    expect(opened).toEqual(vector.encryptions.map((e) => e.pt));
  });

  it('a ciphertext with one flipped bit, or out of sequence, does not open', async () => {
    const [e0, e1] = [vector.encryptions[0]!, vector.encryptions[1]!];
    const flipped = fromHex(e0.ct);
    flipped[3]! ^= 1;
    await expect((await hpkeVectorContexts(vector)).recipient.open(buf(flipped), bytes(e0.aad))).rejects.toThrow();
    await expect((await hpkeVectorContexts(vector)).recipient.open(bytes(e1.ct), bytes(e1.aad))).rejects.toThrow();
  });

  it.each(vector.exports.map((x, i) => ({ i, ...x })))('export #$i (L = $L) equals exported_value on both sides', async (x) => {
    const { sender, recipient } = await hpkeVectorContexts(vector);
    expect(hexOf(await sender.export(bytes(x.exporter_context), x.L))).toBe(x.exported_value);
    expect(hexOf(await recipient.export(bytes(x.exporter_context), x.L))).toBe(x.exported_value);
  });

  it('checkHpkeVector, the checker the Chromium worker runs, passes every check in Node', async () => {
    const { checks } = await checkHpkeVector(vectorText);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.filter((c) => c.name.startsWith('encryption['))).toHaveLength(257);
    expect(checks.filter((c) => c.name.startsWith('export['))).toHaveLength(3);
  });

  it('checkHpkeVector reports a changed value instead of throwing', async () => {
    const tampered = { ...vector, key: '00'.repeat(32), exports: vector.exports.map((x, i) => (i === 2 ? { ...x, exported_value: '00'.repeat(x.L) } : x)) };
    const failed = (await checkHpkeVector(tampered)).checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['export[2]', 'reference.key', 'reference.exports']);
    expect((await checkHpkeVector('{"mode":1}')).checks).toEqual([expect.objectContaining({ name: 'vector.schema', ok: false })]);
  });
});
