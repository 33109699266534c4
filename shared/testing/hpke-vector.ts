import { z } from 'zod';
import { hpkeSuite } from '../crypto/hpke-suite';
import { fromHex, toHex } from '../protocol/encoding';
import * as ref from './hpke-reference';
import { bytes, checkContextVectors, checkList, diff, firstOf, hexOf, type VectorCheck } from './vector-checks';

/**
 * The final RFC 9180 test vector for the product's HPKE suite (mode 0 base, DHKEM(X25519,
 * HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002), in `shared/testing/vectors/`
 * (provenance: its SOURCES.md), and the checks of it that must pass in Node and in a Chromium
 * web worker alike: only WebCrypto, @hpke/core and zod, no Node built-ins. Read the file with
 * `readVectorText(HPKE_VECTOR_FILE)` from `./vectors` in Node.
 */
export const HPKE_VECTOR_FILE = 'hpke-rfc9180-final-x25519-sha256-aes256gcm-base.json';

const Hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'expected lowercase hex');
const hexBytes = (n: number) => Hex.refine((s) => s.length === 2 * n, `expected ${n} bytes`);

export const HpkeVectorSchema = z.object({
  mode: z.literal(0),
  kem_id: z.literal(0x0020),
  kdf_id: z.literal(0x0001),
  aead_id: z.literal(0x0002),
  info: Hex,
  ikmR: Hex,
  ikmE: Hex,
  skRm: hexBytes(32),
  skEm: hexBytes(32),
  pkRm: hexBytes(32),
  pkEm: hexBytes(32),
  enc: hexBytes(32),
  shared_secret: hexBytes(32),
  key_schedule_context: hexBytes(65),
  secret: hexBytes(32),
  key: hexBytes(32),
  base_nonce: hexBytes(12),
  exporter_secret: hexBytes(32),
  encryptions: z.array(z.object({ aad: Hex, ct: Hex, nonce: hexBytes(12), pt: Hex })).min(1),
  exports: z.array(z.object({ exporter_context: Hex, L: z.number().int().positive(), exported_value: Hex })).min(1),
});
export type HpkeVector = z.infer<typeof HpkeVectorSchema>;

/** Parses the vector from its JSON text or from the already-parsed value. */
export function parseHpkeVector(vectorJson: unknown): HpkeVector {
  const value: unknown = typeof vectorJson === 'string' ? JSON.parse(vectorJson) : vectorJson;
  return HpkeVectorSchema.parse(value);
}

export type HpkeVectorCheck = VectorCheck;

/** A mismatch description, or undefined when `actual` is `expected`. */

/** The recipient key pair (from ikmR) and fresh sender/recipient contexts on the vector's values. */
export async function hpkeVectorContexts(v: HpkeVector) {
  const recipientKey = await hpkeSuite.kem.deriveKeyPair(bytes(v.ikmR));
  const ekm = await hpkeSuite.kem.deriveKeyPair(bytes(v.ikmE));
  const info = bytes(v.info);
  const sender = await hpkeSuite.createSenderContext({ recipientPublicKey: recipientKey.publicKey, info, ekm });
  const recipient = await hpkeSuite.createRecipientContext({ recipientKey, enc: bytes(v.enc), info });
  return { recipientKey, ekm, sender, recipient };
}

/**
 * Checks every value of the vector: with @hpke/core (the product's implementation) the derived
 * key pairs, key import and serialization, `enc`, all encryptions sealed in sequence by one sender
 * context and opened in sequence by one recipient context (one check each, named
 * `encryption[i]`), and all exports on both sides (`export[i]`); with the independent RFC 9180
 * implementation in ./hpke-reference, the same keys and `enc` plus the intermediate values
 * @hpke/core does not expose (`shared_secret`, the key schedule) and every nonce and ciphertext.
 * Never throws: a failure, including a vector that does not parse, is a check with `ok: false`.
 */
export async function checkHpkeVector(vectorJson: unknown): Promise<{ checks: HpkeVectorCheck[] }> {
  const { checks, check } = checkList();

  let v: HpkeVector;
  try {
    v = parseHpkeVector(vectorJson);
  } catch (e) {
    checks.push({ name: 'vector.schema', ok: false, detail: e instanceof Error ? e.message : String(e) });
    return { checks };
  }
  checks.push({ name: 'vector.schema', ok: true });

  await check('suite.ids', async () =>
    diff('kem/kdf/aead', [hpkeSuite.kem.id, hpkeSuite.kdf.id, hpkeSuite.aead.id].join('/'), [v.kem_id, v.kdf_id, v.aead_id].join('/')),
  );

  // @hpke/core
  for (const [who, ikm, sk, pk] of [['R', v.ikmR, v.skRm, v.pkRm], ['E', v.ikmE, v.skEm, v.pkEm]] as const) {
    await check(`hpke.derive_key_pair.${who}`, async () => {
      const kp = await hpkeSuite.kem.deriveKeyPair(bytes(ikm));
      return firstOf(
        diff(`sk${who}m`, hexOf(await hpkeSuite.kem.serializePrivateKey(kp.privateKey)), sk),
        diff(`pk${who}m`, hexOf(await hpkeSuite.kem.serializePublicKey(kp.publicKey)), pk),
      );
    });
    await check(`hpke.import_serialize.${who}`, async () => {
      const privateKey = await hpkeSuite.kem.importKey('raw', bytes(sk).buffer, false);
      const publicKey = await hpkeSuite.kem.importKey('raw', bytes(pk).buffer, true);
      return firstOf(
        diff(`sk${who}m`, hexOf(await hpkeSuite.kem.serializePrivateKey(privateKey)), sk),
        diff(`pk${who}m`, hexOf(await hpkeSuite.kem.serializePublicKey(publicKey)), pk),
      );
    });
  }

  let contexts: Awaited<ReturnType<typeof hpkeVectorContexts>> | undefined;
  await check('hpke.contexts', async () => {
    contexts = await hpkeVectorContexts(v);
    return undefined;
  });
  await check('hpke.enc', async () => (contexts ? diff('enc', hexOf(contexts.sender.enc), v.enc) : 'no sender context'));

  await checkContextVectors(check, () => contexts, v);

  // The independent implementation: every intermediate value.
  for (const [who, ikm, sk, pk] of [['R', v.ikmR, v.skRm, v.pkRm], ['E', v.ikmE, v.skEm, v.pkEm]] as const) {
    await check(`reference.derive_key_pair.${who}`, async () => {
      const kp = await ref.deriveKeyPair(fromHex(ikm));
      return firstOf(diff(`sk${who}m`, toHex(kp.sk), sk), diff(`pk${who}m`, toHex(kp.pk), pk));
    });
  }
  let schedule: ref.KeySchedule | undefined;
  await check('reference.encap', async () => {
    const { sharedSecret, enc } = await ref.encap(fromHex(v.skEm), fromHex(v.pkEm), fromHex(v.pkRm));
    return firstOf(diff('enc', toHex(enc), v.enc), diff('shared_secret', toHex(sharedSecret), v.shared_secret));
  });
  await check('reference.decap', async () => {
    const sharedSecret = await ref.decap(fromHex(v.enc), fromHex(v.skRm));
    schedule = await ref.keySchedule(sharedSecret, fromHex(v.info));
    return diff('shared_secret', toHex(sharedSecret), v.shared_secret);
  });
  const scheduleFields = [
    ['key_schedule_context', 'keyScheduleContext'],
    ['secret', 'secret'],
    ['key', 'key'],
    ['base_nonce', 'baseNonce'],
    ['exporter_secret', 'exporterSecret'],
  ] as const;
  for (const [field, prop] of scheduleFields) {
    await check(`reference.${field}`, async () => (schedule ? diff(field, toHex(schedule[prop]), v[field]) : 'no key schedule'));
  }
  await check('reference.encryptions', async () => {
    if (!schedule) return 'no key schedule';
    for (const [seq, e] of v.encryptions.entries()) {
      const d = firstOf(
        diff(`nonce #${seq}`, toHex(ref.computeNonce(schedule.baseNonce, seq)), e.nonce),
        diff(`seal #${seq}`, toHex(await ref.sealAt(schedule, seq, fromHex(e.aad), fromHex(e.pt))), e.ct),
        diff(`open #${seq}`, toHex(await ref.openAt(schedule, seq, fromHex(e.aad), fromHex(e.ct))), e.pt),
      );
      if (d) return d;
    }
    return undefined;
  });
  await check('reference.exports', async () => {
    if (!schedule) return 'no key schedule';
    for (const [i, x] of v.exports.entries()) {
      const d = diff(`export #${i}`, toHex(await ref.exportSecret(schedule.exporterSecret, fromHex(x.exporter_context), x.L)), x.exported_value);
      if (d) return d;
    }
    return undefined;
  });

  return { checks };
}
