import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { z } from 'zod';
import { xwingSuite } from '../crypto/hpke-suite';
import { fromHex, toHex } from '../protocol/encoding';
import { RequestSuites, requestSuiteParams } from '../protocol/request-suite';
import * as ref from './hpke-reference';
import { bytes, checkContextVectors, checkList, diff, firstOf, hexOf, type VectorCheck } from './vector-checks';

/**
 * The HPKE-PQ working group's test vector for X-Wing (KEM 0x647a, ML-KEM-768 + X25519) with
 * HKDF-SHA256 0x0001 and ChaCha20-Poly1305 0x0003, base mode, in `shared/testing/vectors/`
 * (provenance: its SOURCES.md), and the checks of it that must pass in Node and in a Chromium web
 * worker alike: only WebCrypto, @hpke/* and zod, no Node built-ins.
 *
 * The product seals with X-Wing / HKDF-SHA256 / AES-256-GCM; no published vector has that AEAD.
 * The KEM and the key schedule do not depend on the AEAD, so the vector checks them directly (the
 * product's X-Wing KEM: key from the seed `skRm`, `enc` and `shared_secret` from `ikmE`, decap),
 * the independent key schedule of ./hpke-reference with the vector's suite_id, and every
 * encryption and export with the product's KEM and KDF composed with ChaCha20-Poly1305
 * (@hpke/chacha20poly1305, test only). The recipient key is imported from `skRm`, the 32-byte
 * X-Wing seed: the library's `deriveKeyPair(ikmR)` does not derive the draft's key from `ikmR`.
 */
export const XWING_VECTOR_FILE = 'hpke-pq-xwing-hkdfsha256-chacha20poly1305-base.json';

const Hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'expected lowercase hex');
const hexBytes = (n: number) => Hex.refine((s) => s.length === 2 * n, `expected ${n} bytes`);

export const XwingVectorSchema = z.object({
  mode: z.literal(0),
  kem_id: z.literal(0x647a),
  kdf_id: z.literal(0x0001),
  aead_id: z.literal(0x0003),
  info: Hex,
  ikmR: Hex,
  ikmE: hexBytes(64),
  skRm: hexBytes(32),
  pkRm: hexBytes(requestSuiteParams[RequestSuites.xwing].publicKeyBytes),
  enc: hexBytes(requestSuiteParams[RequestSuites.xwing].encBytes),
  shared_secret: hexBytes(32),
  suite_id: hexBytes(10),
  key: hexBytes(32),
  base_nonce: hexBytes(12),
  exporter_secret: hexBytes(32),
  encryptions: z.array(z.object({ aad: Hex, ct: Hex, nonce: hexBytes(12), pt: Hex })).min(1),
  exports: z.array(z.object({ exporter_context: Hex, L: z.number().int().positive(), exported_value: Hex })).min(1),
});
export type XwingVector = z.infer<typeof XwingVectorSchema>;

export function parseXwingVector(vectorJson: unknown): XwingVector {
  const value: unknown = typeof vectorJson === 'string' ? JSON.parse(vectorJson) : vectorJson;
  return XwingVectorSchema.parse(value);
}

export type XwingVectorCheck = VectorCheck;

/** The product's X-Wing KEM and HKDF-SHA256 with the vector's AEAD, ChaCha20-Poly1305. */
export const xwingVectorSuite = new CipherSuite({ kem: xwingSuite.kem, kdf: xwingSuite.kdf, aead: new Chacha20Poly1305() });
/** The same KEM class, for what only it offers (the key pair from a seed). */
const kem = new XWing();


/**
 * The recipient key pair from the seed `skRm`, and fresh sender (ephemeral randomness `ikmE`, so
 * sealing is deterministic) and recipient contexts on the vector's `info` and `enc`.
 */
export async function xwingVectorContexts(v: XwingVector) {
  const recipientKey = await kem.generateKeyPairDerand(bytes(v.skRm));
  const info = bytes(v.info);
  const sender = await xwingVectorSuite.createSenderContext({ recipientPublicKey: recipientKey.publicKey, info, ekm: bytes(v.ikmE) });
  const recipient = await xwingVectorSuite.createRecipientContext({ recipientKey, enc: bytes(v.enc), info });
  return { recipientKey, sender, recipient };
}

/**
 * Checks every value of the X-Wing vector: the product's KEM (public key from `skRm`, raw key
 * import and serialization, encap with `ikmE` giving `enc` and `shared_secret`, decap), one sender
 * context sealing every encryption in sequence to exactly `ct` and one recipient context opening
 * each (`encryption[i]`), every export on both sides (`export[i]`), and the independent key
 * schedule (`reference.*`). Never throws: a failure, a vector that does not parse included, is a
 * check with `ok: false`.
 */
export async function checkXwingVector(vectorJson: unknown): Promise<{ checks: XwingVectorCheck[] }> {
  const { checks, check } = checkList();

  let v: XwingVector;
  try {
    v = parseXwingVector(vectorJson);
  } catch (e) {
    checks.push({ name: 'vector.schema', ok: false, detail: e instanceof Error ? e.message : String(e) });
    return { checks };
  }
  checks.push({ name: 'vector.schema', ok: true });

  const product = requestSuiteParams[RequestSuites.xwing];
  await check('suite.ids', async () =>
    firstOf(
      diff('product kem/kdf', [xwingSuite.kem.id, xwingSuite.kdf.id, product.kemId, product.kdfId].join('/'), [v.kem_id, v.kdf_id, v.kem_id, v.kdf_id].join('/')),
      diff('test suite', [xwingVectorSuite.kem.id, xwingVectorSuite.kdf.id, xwingVectorSuite.aead.id].join('/'), [v.kem_id, v.kdf_id, v.aead_id].join('/')),
      diff('suite_id', hexOf(ref.hpkeSuiteId(v.kem_id, v.kdf_id, v.aead_id)), v.suite_id),
    ),
  );

  await check('kem.public_key_from_seed', async () => {
    const kp = await kem.generateKeyPairDerand(bytes(v.skRm));
    return diff('pkRm', hexOf(await kem.serializePublicKey(kp.publicKey)), v.pkRm);
  });
  await check('kem.import_serialize', async () => {
    const privateKey = await xwingSuite.kem.importKey('raw', bytes(v.skRm).buffer, false);
    const publicKey = await xwingSuite.kem.importKey('raw', bytes(v.pkRm).buffer, true);
    return firstOf(
      diff('skRm', hexOf(await xwingSuite.kem.serializePrivateKey(privateKey)), v.skRm),
      diff('pkRm', hexOf(await xwingSuite.kem.serializePublicKey(publicKey)), v.pkRm),
      diff('pkRm deserialized', hexOf(await xwingSuite.kem.serializePublicKey(await xwingSuite.kem.deserializePublicKey(bytes(v.pkRm)))), v.pkRm),
    );
  });
  await check('kem.encap', async () => {
    const recipientPublicKey = await xwingSuite.kem.deserializePublicKey(bytes(v.pkRm));
    const { enc, sharedSecret } = await xwingSuite.kem.encap({ recipientPublicKey, ekm: bytes(v.ikmE) });
    return firstOf(diff('enc', hexOf(enc), v.enc), diff('shared_secret', hexOf(sharedSecret), v.shared_secret));
  });
  await check('kem.decap', async () => {
    const recipientKey = await kem.generateKeyPairDerand(bytes(v.skRm));
    return diff('shared_secret', hexOf(await xwingSuite.kem.decap({ enc: bytes(v.enc), recipientKey })), v.shared_secret);
  });

  let contexts: Awaited<ReturnType<typeof xwingVectorContexts>> | undefined;
  await check('hpke.contexts', async () => {
    contexts = await xwingVectorContexts(v);
    return undefined;
  });
  await check('hpke.enc', async () => (contexts ? diff('enc', hexOf(contexts.sender.enc), v.enc) : 'no sender context'));
  await checkContextVectors(check, () => contexts, v);

  // The independent key schedule (./hpke-reference) from the vector's shared_secret.
  const suiteId = fromHex(v.suite_id);
  let schedule: ref.KeySchedule | undefined;
  await check('reference.key_schedule', async () => {
    schedule = await ref.keySchedule(fromHex(v.shared_secret), fromHex(v.info), suiteId);
    return firstOf(diff('key', toHex(schedule.key), v.key), diff('base_nonce', toHex(schedule.baseNonce), v.base_nonce), diff('exporter_secret', toHex(schedule.exporterSecret), v.exporter_secret));
  });
  await check('reference.nonces', async () => {
    if (!schedule) return 'no key schedule';
    const ks = schedule;
    return firstOf(...v.encryptions.map((e, seq) => diff(`nonce #${seq}`, toHex(ref.computeNonce(ks.baseNonce, seq)), e.nonce)));
  });
  await check('reference.exports', async () => {
    if (!schedule) return 'no key schedule';
    for (const [i, x] of v.exports.entries()) {
      const d = diff(`export #${i}`, toHex(await ref.exportSecret(schedule.exporterSecret, fromHex(x.exporter_context), x.L, suiteId)), x.exported_value);
      if (d) return d;
    }
    return undefined;
  });

  return { checks };
}
