import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buf, concatBytes, fromHex, toHex, utf8 } from '../protocol/encoding';
import { readVectorText } from '../testing/vectors';
import { hpkeSuite } from './hpke-suite';

/*
 * An independent, from-the-text implementation of RFC 9180's base mode for our suite (sections
 * 4.1, 5.1, 5.2 and 5.3: DHKEM ExtractAndExpand, LabeledExtract/LabeledExpand with "HPKE-v1",
 * the key schedule and the exporter), built on WebCrypto's X25519, HMAC and AES-GCM only. It
 * cross-checks @hpke/core on the vector's key pairs, because the vector file's own key-schedule
 * values come from an early draft (see hpke-rfc9180.test.ts).
 */
const I2OSP = (n: number, len: number) => {
  const out = new Uint8Array(len);
  for (let i = len - 1, v = n; i >= 0; i--, v >>>= 8) out[i] = v & 0xff;
  return out;
};
const KEM_SUITE = concatBytes(utf8('KEM'), I2OSP(0x20, 2));
const HPKE_SUITE = concatBytes(utf8('HPKE'), I2OSP(0x20, 2), I2OSP(1, 2), I2OSP(2, 2));

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', buf(key.length ? key : new Uint8Array(32)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, buf(data)));
}
const labeledExtract = (suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) => hmac(salt, concatBytes(utf8('HPKE-v1'), suite, utf8(label), ikm));
async function labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Promise<Uint8Array> {
  const labeledInfo = concatBytes(I2OSP(length, 2), utf8('HPKE-v1'), suite, utf8(label), info);
  let t: Uint8Array = new Uint8Array(0);
  let out: Uint8Array = new Uint8Array(0);
  for (let i = 1; out.length < length; i++) {
    t = await hmac(prk, concatBytes(t, labeledInfo, new Uint8Array([i])));
    out = concatBytes(out, t);
  }
  return out.slice(0, length);
}

async function x25519(skHex: string, pkHex: string, pkOwnHex: string): Promise<Uint8Array> {
  const b64u = (h: string) => Buffer.from(h, 'hex').toString('base64url');
  const sk = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', d: b64u(skHex), x: b64u(pkOwnHex) }, { name: 'X25519' }, false, ['deriveBits']);
  const pk = await crypto.subtle.importKey('raw', buf(fromHex(pkHex)), { name: 'X25519' }, false, []);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: pk }, sk, 256));
}

/** RFC 9180 base-mode sender key schedule, from the ephemeral secret key up. */
async function rfc9180Schedule(skE: string, pkE: string, pkR: string, info: Uint8Array) {
  const dh = await x25519(skE, pkR, pkE);
  const kemContext = concatBytes(fromHex(pkE), fromHex(pkR));
  const eaePrk = await labeledExtract(KEM_SUITE, new Uint8Array(0), 'eae_prk', dh);
  const sharedSecret = await labeledExpand(KEM_SUITE, eaePrk, 'shared_secret', kemContext, 32);
  const pskIdHash = await labeledExtract(HPKE_SUITE, new Uint8Array(0), 'psk_id_hash', new Uint8Array(0));
  const infoHash = await labeledExtract(HPKE_SUITE, new Uint8Array(0), 'info_hash', info);
  const context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE, sharedSecret, 'secret', new Uint8Array(0));
  return {
    key: await labeledExpand(HPKE_SUITE, secret, 'key', context, 32),
    baseNonce: await labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, 12),
    exporterSecret: await labeledExpand(HPKE_SUITE, secret, 'exp', context, 32),
  };
}

const Hex = z.string().regex(/^[0-9a-f]+$/);
const vector = z
  .object({ info: Hex, skRm: Hex, pkRm: Hex, skEm: Hex, pkEm: Hex })
  .parse(JSON.parse(readVectorText('hpke-rfc9180-x25519-sha256-aes256gcm-base.json')));
const pair = async (sk: string, pk: string): Promise<CryptoKeyPair> => ({
  privateKey: await hpkeSuite.kem.importKey('raw', buf(fromHex(sk)).buffer, false),
  publicKey: await hpkeSuite.kem.importKey('raw', buf(fromHex(pk)).buffer, true),
});

describe('@hpke/core against an independent RFC 9180 implementation', () => {
  it('seals the first three messages and exports exactly as RFC 9180 base mode specifies', async () => {
    const info = fromHex(vector.info);
    const ours = await rfc9180Schedule(vector.skEm, vector.pkEm, vector.pkRm, info);
    const recipient = await pair(vector.skRm, vector.pkRm);
    const sender = await hpkeSuite.createSenderContext({ recipientPublicKey: recipient.publicKey, info: buf(info), ekm: await pair(vector.skEm, vector.pkEm) });
    const key = await crypto.subtle.importKey('raw', buf(ours.key), 'AES-GCM', false, ['encrypt']);
    for (let seq = 0; seq < 3; seq++) {
      const nonce = ours.baseNonce.slice();
      nonce[11]! ^= seq;
      const pt = utf8(`message ${seq}`);
      const aad = utf8(`Count-${seq}`);
      const expected = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad) }, key, buf(pt)));
      expect(toHex(new Uint8Array(await sender.seal(buf(pt), buf(aad))))).toBe(toHex(expected));
    }
    const exporterContext = utf8('cocoon response');
    const exported = await labeledExpand(HPKE_SUITE, ours.exporterSecret, 'sec', exporterContext, 32);
    expect(toHex(new Uint8Array(await sender.export(buf(exporterContext), 32)))).toBe(toHex(exported));
  });
});
