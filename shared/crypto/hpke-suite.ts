import { CipherSuite, DhkemX25519HkdfSha256 } from '@hpke/core';
import { RequestSuites, type RequestSuite } from '../protocol/request-suite';
import { NativeAes256Gcm, NativeHkdfSha256 } from './hpke-native';
import { NativeXWing } from './xwing-native';

/**
 * The request suites of the product (RFC 9180 base mode), by the id a sealed request names
 * (`RequestSuites`, shared/protocol/request-suite.ts). See ARCHITECTURE.md, "The confidential
 * path", step 6.
 */

/** DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002: `RequestSuites.x25519`. */
export const hpkeSuite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new NativeHkdfSha256(),
  aead: new NativeAes256Gcm(),
});

/**
 * X-Wing (ML-KEM-768 + X25519) 0x647a, HKDF-SHA256 0x0001, AES-256-GCM 0x0002: `RequestSuites.xwing`.
 * On Node's native ML-KEM where it has it (xwing-native.ts), else pure JS.
 */
export const xwingSuite = new CipherSuite({
  kem: new NativeXWing(),
  kdf: new NativeHkdfSha256(),
  aead: new NativeAes256Gcm(),
});

export const hpkeSuites: Record<RequestSuite, CipherSuite> = {
  [RequestSuites.xwing]: xwingSuite,
  [RequestSuites.x25519]: hpkeSuite,
};

export interface HpkeKeyPair {
  keyPair: CryptoKeyPair;
  /** Raw public key: 32 bytes for X25519, 1216 for X-Wing. */
  publicKey: Uint8Array;
}

/**
 * A fresh key pair of `suite`'s KEM, in memory.
 * @example const xwing = await generateHpkeKeyPair(RequestSuites.xwing) // xwing.publicKey.length === 1216
 */
export async function generateHpkeKeyPair(suite: RequestSuite = RequestSuites.x25519): Promise<HpkeKeyPair> {
  const kem = hpkeSuites[suite].kem;
  const keyPair = await kem.generateKeyPair();
  return { keyPair, publicKey: new Uint8Array(await kem.serializePublicKey(keyPair.publicKey)) };
}
