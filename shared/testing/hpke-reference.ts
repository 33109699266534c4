import { buf, concatBytes, utf8 } from '../protocol/encoding';

/*
 * An independent, from-the-text implementation of RFC 9180's base mode for the product's suite,
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM: DeriveKeyPair (7.1.3), DHKEM Encap and
 * Decap with ExtractAndExpand (4.1), LabeledExtract/LabeledExpand with "HPKE-v1" (4), the key
 * schedule (5.1), the nonces and AEAD (5.2) and the exporter (5.3). Built on WebCrypto's X25519,
 * HMAC-SHA256 and AES-GCM only (no @hpke/core, no Node built-ins), so it runs in Node and in a
 * browser worker and can check @hpke/core and every intermediate value of the RFC test vector.
 * Test code only: it keeps secrets in plain byte arrays.
 */

export const I2OSP = (n: number, len: number): Uint8Array => {
  const out = new Uint8Array(len);
  for (let i = len - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
};

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0002;
const N_SECRET = 32;
const N_PK = 32;
const N_SK = 32;
const N_K = 32;
const N_N = 12;
const N_H = 32;
const MODE_BASE = 0x00;

/** suite_id of the KEM ("KEM" || I2OSP(kem_id, 2)) and of HPKE ("HPKE" || kem || kdf || aead). */
export const KEM_SUITE_ID = concatBytes(utf8('KEM'), I2OSP(KEM_ID, 2));
export const HPKE_SUITE_ID = concatBytes(utf8('HPKE'), I2OSP(KEM_ID, 2), I2OSP(KDF_ID, 2), I2OSP(AEAD_ID, 2));

async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  // HKDF-Extract with an empty salt uses a string of Nh zeros (RFC 5869, 2.2); HMAC pads the same way.
  const k = await crypto.subtle.importKey('raw', buf(key.length ? key : new Uint8Array(N_H)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, buf(data)));
}

export const labeledExtract = (suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Uint8Array> =>
  hmacSha256(salt, concatBytes(utf8('HPKE-v1'), suiteId, utf8(label), ikm));

export async function labeledExpand(suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Promise<Uint8Array> {
  const labeledInfo = concatBytes(I2OSP(length, 2), utf8('HPKE-v1'), suiteId, utf8(label), info);
  let t: Uint8Array = new Uint8Array(0);
  let out: Uint8Array = new Uint8Array(0);
  for (let i = 1; out.length < length; i++) {
    t = await hmacSha256(prk, concatBytes(t, labeledInfo, new Uint8Array([i])));
    out = concatBytes(out, t);
  }
  return out.slice(0, length);
}

// PKCS#8 PrivateKeyInfo for an X25519 key (RFC 8410): the header, then the 32-byte scalar.
const X25519_PKCS8_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const X25519_BASE_POINT = I2OSP(9, 32).reverse();

/** X25519(sk, pk) (RFC 7748) through WebCrypto. */
export async function x25519(sk: Uint8Array, pk: Uint8Array): Promise<Uint8Array> {
  if (sk.length !== N_SK || pk.length !== N_PK) throw new RangeError('X25519 keys are 32 bytes');
  const priv = await crypto.subtle.importKey('pkcs8', buf(concatBytes(X25519_PKCS8_PREFIX, sk)), { name: 'X25519' }, false, ['deriveBits']);
  const pub = await crypto.subtle.importKey('raw', buf(pk), { name: 'X25519' }, false, []);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256));
}

/** The public key of an X25519 secret key: X25519(sk, 9). */
export const x25519PublicKey = (sk: Uint8Array): Promise<Uint8Array> => x25519(sk, X25519_BASE_POINT);

/** DeriveKeyPair(ikm) for DHKEM(X25519, HKDF-SHA256), RFC 9180 section 7.1.3. */
export async function deriveKeyPair(ikm: Uint8Array): Promise<{ sk: Uint8Array; pk: Uint8Array }> {
  const dkpPrk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'dkp_prk', ikm);
  const sk = await labeledExpand(KEM_SUITE_ID, dkpPrk, 'sk', new Uint8Array(0), N_SK);
  return { sk, pk: await x25519PublicKey(sk) };
}

async function extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'eae_prk', dh);
  return labeledExpand(KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

/** DHKEM Encap(pkR) with a given ephemeral key pair (the test vector's skEm/pkEm). */
export async function encap(skE: Uint8Array, pkE: Uint8Array, pkR: Uint8Array): Promise<{ sharedSecret: Uint8Array; enc: Uint8Array }> {
  const dh = await x25519(skE, pkR);
  const enc = pkE;
  return { sharedSecret: await extractAndExpand(dh, concatBytes(enc, pkR)), enc };
}

/** DHKEM Decap(enc, skR); pkR is recomputed from skR. */
export async function decap(enc: Uint8Array, skR: Uint8Array): Promise<Uint8Array> {
  const dh = await x25519(skR, enc);
  return extractAndExpand(dh, concatBytes(enc, await x25519PublicKey(skR)));
}

export interface KeySchedule {
  keyScheduleContext: Uint8Array;
  secret: Uint8Array;
  key: Uint8Array;
  baseNonce: Uint8Array;
  exporterSecret: Uint8Array;
}

/** The HPKE suite_id of another suite: "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2). */
export const hpkeSuiteId = (kemId: number, kdfId: number, aeadId: number): Uint8Array =>
  concatBytes(utf8('HPKE'), I2OSP(kemId, 2), I2OSP(kdfId, 2), I2OSP(aeadId, 2));

/**
 * KeySchedule<ROLE>(mode_base, shared_secret, info, default_psk, default_psk_id), section 5.1.
 * `suiteId` defaults to the product's X25519 suite; the schedule is the same for any KEM with
 * HKDF-SHA256 and a 32-byte key (the X-Wing vector passes its own).
 */
export async function keySchedule(sharedSecret: Uint8Array, info: Uint8Array, suiteId: Uint8Array = HPKE_SUITE_ID): Promise<KeySchedule> {
  const empty = new Uint8Array(0);
  const pskIdHash = await labeledExtract(suiteId, empty, 'psk_id_hash', empty);
  const infoHash = await labeledExtract(suiteId, empty, 'info_hash', info);
  const keyScheduleContext = concatBytes(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
  const secret = await labeledExtract(suiteId, sharedSecret, 'secret', empty);
  return {
    keyScheduleContext,
    secret,
    key: await labeledExpand(suiteId, secret, 'key', keyScheduleContext, N_K),
    baseNonce: await labeledExpand(suiteId, secret, 'base_nonce', keyScheduleContext, N_N),
    exporterSecret: await labeledExpand(suiteId, secret, 'exp', keyScheduleContext, N_H),
  };
}

/** ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn), section 5.2. */
export function computeNonce(baseNonce: Uint8Array, seq: number): Uint8Array {
  const s = I2OSP(seq, N_N);
  return baseNonce.map((b, i) => b ^ s[i]!);
}

const aesGcm = (key: Uint8Array, usage: KeyUsage) => crypto.subtle.importKey('raw', buf(key), 'AES-GCM', false, [usage]);

/** Seal of message number `seq` in a context with this key and base nonce (AES-256-GCM). */
export async function sealAt(ks: Pick<KeySchedule, 'key' | 'baseNonce'>, seq: number, aad: Uint8Array, pt: Uint8Array): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: buf(computeNonce(ks.baseNonce, seq)), additionalData: buf(aad) };
  return new Uint8Array(await crypto.subtle.encrypt(params, await aesGcm(ks.key, 'encrypt'), buf(pt)));
}

/** Open of message number `seq`; rejects when the tag does not verify. */
export async function openAt(ks: Pick<KeySchedule, 'key' | 'baseNonce'>, seq: number, aad: Uint8Array, ct: Uint8Array): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: buf(computeNonce(ks.baseNonce, seq)), additionalData: buf(aad) };
  return new Uint8Array(await crypto.subtle.decrypt(params, await aesGcm(ks.key, 'decrypt'), buf(ct)));
}

/** Context.Export(exporter_context, L), section 5.3. */
export const exportSecret = (exporterSecret: Uint8Array, exporterContext: Uint8Array, length: number, suiteId: Uint8Array = HPKE_SUITE_ID): Promise<Uint8Array> =>
  labeledExpand(suiteId, exporterSecret, 'sec', exporterContext, length);
