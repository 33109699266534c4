import { concatBytes } from '../protocol/encoding';
import { parseCertificate } from '../attestation/x509/certificate';
import { DerReader } from '../attestation/x509/der';
import { toPem } from '../attestation/x509/pem';

/**
 * Test-only forgery tools: look-alike certificates (the real ones' exact TBS with our keys swapped
 * in, so names, serials and extensions are Intel's or NVIDIA's) signed by self-made keys. What the
 * verifier must reject.
 */
export type Curve = 'P-256' | 'P-384';
export interface ForgeKey {
  curve: Curve;
  privateKey: CryptoKey;
  spki: Uint8Array;
  /** 0x04 || X || Y. */
  point: Uint8Array;
}

export async function forgeKey(curve: Curve = 'P-256'): Promise<ForgeKey> {
  const kp = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey));
  const point = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  return { curve, privateKey: kp.privateKey, spki, point };
}

/** Raw r||s ECDSA signature (SHA-256 for P-256, SHA-384 for P-384). */
export async function signRaw(key: ForgeKey, data: Uint8Array): Promise<Uint8Array> {
  const hash = key.curve === 'P-256' ? 'SHA-256' : 'SHA-384';
  return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, key.privateKey, new Uint8Array(data)));
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes(new Uint8Array([tag, ...len]), body);
}

export function rawToDerSignature(raw: Uint8Array): Uint8Array {
  const int = (v: Uint8Array) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const mag = v.subarray(i);
    return tlv(0x02, mag[0]! & 0x80 ? concatBytes(new Uint8Array([0]), mag) : mag);
  };
  const half = raw.length / 2;
  return tlv(0x30, int(raw.subarray(0, half)), int(raw.subarray(half)));
}

/** Replaces `from` by `to` (same length) once inside `bytes`. */
export function replaceBytes(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  if (from.length !== to.length) throw new Error('replacement must keep the length');
  for (let i = 0; i + from.length <= bytes.length; i++) {
    if (from.every((b, j) => bytes[i + j] === b)) {
      const out = Uint8Array.from(bytes);
      out.set(to, i);
      return out;
    }
  }
  throw new Error('bytes to replace not found');
}

/** The real certificate `der` with its public key replaced by `subject`'s, signed by `issuer`. */
export async function lookAlikeCertificate(der: Uint8Array, subject: ForgeKey, issuer: ForgeKey, edit?: (tbs: Uint8Array) => Uint8Array): Promise<Uint8Array> {
  const real = parseCertificate(der);
  let tbs = replaceBytes(real.tbs, real.spki, subject.spki);
  if (edit) tbs = edit(tbs);
  const r = new DerReader();
  const alg = r.children(r.one(der))[1]!.bytes;
  const sig = rawToDerSignature(await signRaw(issuer, tbs));
  return tlv(0x30, tbs, alg, tlv(0x03, new Uint8Array([0]), sig));
}

/** A look-alike chain for leaf-first real certificates: fresh keys, same names, last one self-signed. */
export async function lookAlikeChain(real: Uint8Array[], curve: Curve): Promise<{ pem: string; keys: ForgeKey[] }> {
  const keys = await Promise.all(real.map(() => forgeKey(curve)));
  const ders = await Promise.all(real.map((der, i) => lookAlikeCertificate(der, keys[i]!, keys[Math.min(i + 1, real.length - 1)]!)));
  return { pem: ders.map((d) => toPem(d, 'CERTIFICATE')).join(''), keys };
}
