import { buf } from '../protocol/encoding';

/**
 * Ed25519 through WebCrypto (Node 20+, current browsers), for enclave signing keys, receipts and
 * the simulated TEE's dev key. Private keys are non-extractable CryptoKeys.
 */
export interface SigningKeyPair {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const kp = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  return { privateKey: kp.privateKey, publicKey };
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** A key pair from a 32-byte seed: for well-known dev keys only, never for enclave keys. */
export async function signingKeyPairFromSeed(seed: Uint8Array): Promise<SigningKeyPair> {
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(seed, 16);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const pub = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, { name: 'Ed25519' }, true, ['verify']);
  return { privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pub)) };
}

export async function sign(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, buf(data)));
}

/** Returns false (never throws) for a malformed key or signature. */
export async function verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await crypto.subtle.importKey('raw', buf(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, buf(signature), buf(data));
  } catch {
    return false;
  }
}
