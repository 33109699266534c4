import { describe, expect, it } from 'vitest';
import { buf, fromHex, toHex } from '../protocol/encoding';
import { RequestSuites, requestSuiteParams } from '../protocol/request-suite';
import * as ref from '../testing/hpke-reference';
import { checkXwingVector, parseXwingVector, XWING_VECTOR_FILE, xwingVectorContexts, xwingVectorSuite } from '../testing/hpke-xwing-vector';
import { readVectorText } from '../testing/vectors';
import { generateHpkeKeyPair, xwingSuite } from './hpke-suite';

/*
 * The HPKE-PQ test vector for X-Wing (KEM 0x647a) / HKDF-SHA256 / ChaCha20-Poly1305, base mode
 * (shared/testing/vectors/SOURCES.md), against the product's X-Wing KEM (@hpke/hybridkem-x-wing)
 * and KDF; the product's AEAD, AES-256-GCM, is the same as in the RFC 9180 vector's suite, so
 * X-Wing / HKDF-SHA256 / AES-256-GCM is covered by the two vectors together. The recipient key is
 * imported from the seed `skRm` (see shared/testing/hpke-xwing-vector.ts for why).
 */
const vectorText = readVectorText(XWING_VECTOR_FILE);
const vector = parseXwingVector(vectorText);
const bytes = (hex: string) => buf(fromHex(hex));
const hexOf = (b: ArrayBuffer) => toHex(new Uint8Array(b));

describe('HPKE-PQ vector: base mode, X-Wing / HKDF-SHA256 / ChaCha20-Poly1305, with the product KEM', () => {
  it('the product suite has the vector KEM and KDF ids, and its own AEAD', () => {
    expect(vector.mode).toBe(0);
    expect([xwingSuite.kem.id, xwingSuite.kdf.id]).toEqual([vector.kem_id, vector.kdf_id]);
    expect(xwingSuite.aead.id).toBe(requestSuiteParams[RequestSuites.xwing].aeadId);
    expect([xwingVectorSuite.kem.id, xwingVectorSuite.kdf.id, xwingVectorSuite.aead.id]).toEqual([vector.kem_id, vector.kdf_id, vector.aead_id]);
  });

  it('the key pair from the seed skRm has the public key pkRm (1216 bytes)', async () => {
    const { recipientKey } = await xwingVectorContexts(vector);
    const pk = new Uint8Array(await xwingSuite.kem.serializePublicKey(recipientKey.publicKey));
    expect(pk.length).toBe(1216);
    expect(toHex(pk)).toBe(vector.pkRm);
    expect(hexOf(await xwingSuite.kem.serializePrivateKey(recipientKey.privateKey))).toBe(vector.skRm);
  });

  it('encap to pkRm with the ephemeral randomness ikmE gives enc (1120 bytes) and shared_secret', async () => {
    const recipientPublicKey = await xwingSuite.kem.deserializePublicKey(bytes(vector.pkRm));
    const { enc, sharedSecret } = await xwingSuite.kem.encap({ recipientPublicKey, ekm: bytes(vector.ikmE) });
    expect(enc.byteLength).toBe(1120);
    expect(hexOf(enc)).toBe(vector.enc);
    expect(hexOf(sharedSecret)).toBe(vector.shared_secret);
  });

  it('decap of enc with the key from skRm gives shared_secret', async () => {
    const { recipientKey } = await xwingVectorContexts(vector);
    expect(hexOf(await xwingSuite.kem.decap({ enc: bytes(vector.enc), recipientKey }))).toBe(vector.shared_secret);
  });

  it('the key schedule from shared_secret (independent implementation) gives key, base_nonce, exporter_secret', async () => {
    const ks = await ref.keySchedule(fromHex(vector.shared_secret), fromHex(vector.info), ref.hpkeSuiteId(vector.kem_id, vector.kdf_id, vector.aead_id));
    expect(toHex(ref.hpkeSuiteId(vector.kem_id, vector.kdf_id, vector.aead_id))).toBe(vector.suite_id);
    expect([toHex(ks.key), toHex(ks.baseNonce), toHex(ks.exporterSecret)]).toEqual([vector.key, vector.base_nonce, vector.exporter_secret]);
    expect(vector.encryptions.map((_, seq) => toHex(ref.computeNonce(ks.baseNonce, seq)))).toEqual(vector.encryptions.map((e) => e.nonce));
  });

  it('the vector has 10 encryptions and 5 exports', () => {
    expect(vector.encryptions).toHaveLength(10);
    expect(vector.exports).toHaveLength(5);
  });

  it('one sender context (ephemeral from ikmE) seals every encryption, in sequence, to exactly ct', async () => {
    const { sender } = await xwingVectorContexts(vector);
    expect(hexOf(sender.enc)).toBe(vector.enc);
    const sealed: string[] = [];
    for (const e of vector.encryptions) sealed.push(hexOf(await sender.seal(bytes(e.pt), bytes(e.aad))));
    expect(sealed).toEqual(vector.encryptions.map((e) => e.ct));
  });

  it('one recipient context opens every ct, in sequence, to exactly pt', async () => {
    const { recipient } = await xwingVectorContexts(vector);
    const opened: string[] = [];
    for (const e of vector.encryptions) opened.push(hexOf(await recipient.open(bytes(e.ct), bytes(e.aad))));
    expect(opened).toEqual(vector.encryptions.map((e) => e.pt));
  });

  it('a ciphertext with one flipped bit, or out of sequence, does not open', async () => {
    const [e0, e1] = [vector.encryptions[0]!, vector.encryptions[1]!];
    const flipped = fromHex(e0.ct);
    flipped[3]! ^= 1;
    await expect((await xwingVectorContexts(vector)).recipient.open(buf(flipped), bytes(e0.aad))).rejects.toThrow();
    await expect((await xwingVectorContexts(vector)).recipient.open(bytes(e1.ct), bytes(e1.aad))).rejects.toThrow();
  });

  it.each(vector.exports.map((x, i) => ({ i, ...x })))('export #$i (L = $L) equals exported_value on both sides', async (x) => {
    const { sender, recipient } = await xwingVectorContexts(vector);
    expect(hexOf(await sender.export(bytes(x.exporter_context), x.L))).toBe(x.exported_value);
    expect(hexOf(await recipient.export(bytes(x.exporter_context), x.L))).toBe(x.exported_value);
  });

  it('checkXwingVector, the checker the Chromium worker runs, passes every check in Node', async () => {
    const { checks } = await checkXwingVector(vectorText);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.filter((c) => c.name.startsWith('encryption['))).toHaveLength(10);
    expect(checks.filter((c) => c.name.startsWith('export['))).toHaveLength(5);
  });

  it('checkXwingVector reports a changed value instead of throwing', async () => {
    const tampered = { ...vector, key: '00'.repeat(32), exports: vector.exports.map((x, i) => (i === 4 ? { ...x, exported_value: '00'.repeat(x.L) } : x)) };
    const failed = (await checkXwingVector(tampered)).checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['export[4]', 'reference.key_schedule', 'reference.exports']);
    expect((await checkXwingVector('{"mode":1}')).checks).toEqual([expect.objectContaining({ name: 'vector.schema', ok: false })]);
  });
});

describe('X-Wing / HKDF-SHA256 / AES-256-GCM, the product suite', () => {
  it('generates 1216-byte public keys and round-trips with AES-256-GCM', async () => {
    const host = await generateHpkeKeyPair(RequestSuites.xwing);
    expect(host.publicKey.length).toBe(1216);
    const sender = await xwingSuite.createSenderContext({ recipientPublicKey: host.keyPair.publicKey });
    const ct = await sender.seal(bytes('01020304'));
    const recipient = await xwingSuite.createRecipientContext({ recipientKey: host.keyPair, enc: sender.enc });
    expect(hexOf(await recipient.open(ct))).toBe('01020304');
    expect(ct.byteLength).toBe(4 + 16);
  });
});
