import { buf, concatBytes, utf8 } from '../../protocol/encoding';
import { DerReader, Tag } from './der';
import { hexOf } from './hex';
import { boundedMemo, sha256Hex } from './memo';

/**
 * ECDSA through WebCrypto, for the curves attestation evidence uses: P-256 (Intel DCAP) and P-384
 * (NVIDIA device certificates). Signatures come in two shapes: raw r||s (quotes, SPDM, Intel
 * collateral) and DER ECDSA-Sig-Value (X.509); both verify through `verifyEcdsa`.
 */
export const Curves = {
  'P-256': { oid: '1.2.840.10045.3.1.7', size: 32 },
  'P-384': { oid: '1.3.132.0.34', size: 48 },
} as const;
export type CurveName = keyof typeof Curves;
export type HashName = 'SHA-256' | 'SHA-384';

export const SignatureAlgorithms: Record<string, HashName> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
};

export const curveByOid = (oid: string): CurveName | undefined =>
  (Object.keys(Curves) as CurveName[]).find((c) => Curves[c].oid === oid);

export interface EcPublicKey {
  curve: CurveName;
  key: CryptoKey;
  /** The uncompressed point 0x04 || X || Y the key was imported from (what a verification depends on). */
  point: Uint8Array;
}

/*
 * Both memos below hold pure functions of their exact input bytes (same bytes, same answer), so a
 * hit changes nothing but the time: evidence re-verified with the same chains (every bundle of a
 * host, a verifier cache miss after expiry, the fuzzer's mutants) skips the WebCrypto import or the
 * ECDSA verification it already did. Bounded; keyed by every input (a one-bit change misses).
 */
const MEMO_ENTRIES = 1024;
const imported = boundedMemo<EcPublicKey | null>(MEMO_ENTRIES);
const verified = boundedMemo<boolean>(MEMO_ENTRIES);

/** Hits and sizes of the import and verification memos, for tests. */
export const ecdsaMemoStats = () => ({ importHits: imported.hits, importSize: imported.size, verifyHits: verified.hits, verifySize: verified.size, maxEntries: MEMO_ENTRIES });

/** Imports an uncompressed point (0x04 || X || Y, or X || Y as quotes carry it). Null when invalid. */
export async function importEcPoint(point: Uint8Array, curve: CurveName): Promise<EcPublicKey | null> {
  const size = Curves[curve].size;
  const raw = point.length === 2 * size ? concatBytes(new Uint8Array([4]), point) : point;
  if (raw.length !== 2 * size + 1 || raw[0] !== 4) return null;
  const memoKey = `${curve}:${hexOf(raw)}`;
  const known = imported.get(memoKey);
  if (known !== undefined) return known;
  let result: EcPublicKey | null;
  try {
    const key = await crypto.subtle.importKey('raw', buf(raw), { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
    result = { curve, key, point: raw.slice() };
  } catch {
    result = null;
  }
  imported.set(memoKey, result);
  return result;
}

/** DER ECDSA-Sig-Value -> fixed-size r||s, or null when malformed or out of range. */
export function derSignatureToRaw(der: Uint8Array, curve: CurveName): Uint8Array | null {
  const size = Curves[curve].size;
  const fixed = (v: Uint8Array): Uint8Array | null => {
    if (v.length === 0 || v[0]! & 0x80) return null; // negative
    let mag = v;
    while (mag.length > 1 && mag[0] === 0) mag = mag.subarray(1);
    if (mag.length > size) return null;
    const out = new Uint8Array(size);
    out.set(mag, size - mag.length);
    return out;
  };
  try {
    const r = new DerReader();
    const parts = r.seq(r.one(der), 2);
    if (parts.length !== 2) return null;
    const rs = parts.map((p) => fixed(r.expect(p, Tag.integer).value));
    return rs[0] && rs[1] ? concatBytes(rs[0], rs[1]) : null;
  } catch {
    return null;
  }
}

/** Verifies a raw r||s signature; false (never a throw) for anything malformed. */
export async function verifyEcdsa(pub: EcPublicKey, hash: HashName, rawSignature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (rawSignature.length !== 2 * Curves[pub.curve].size) return false;
  // Every input of the verification, unambiguously framed: the point and signature have fixed sizes per curve.
  const memoKey = await sha256Hex(concatBytes(utf8(`ecdsa ${pub.curve} ${hash} ${pub.point.length} ${rawSignature.length}\n`), pub.point, rawSignature, data));
  const known = verified.get(memoKey);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash }, pub.key, buf(rawSignature), buf(data));
  } catch {
    return false; // not remembered: only a verdict WebCrypto actually gave is
  }
  verified.set(memoKey, ok);
  return ok;
}
