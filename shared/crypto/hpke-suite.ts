import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

/**
 * The one HPKE suite of the product (RFC 9180 base mode): DHKEM(X25519, HKDF-SHA256) 0x0020,
 * HKDF-SHA256 0x0001, AES-256-GCM 0x0002. See ARCHITECTURE.md, "The confidential path", step 6.
 */
export const hpkeSuite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

export interface HpkeKeyPair {
  keyPair: CryptoKeyPair;
  /** Raw 32-byte X25519 public key. */
  publicKey: Uint8Array;
}

export async function generateHpkeKeyPair(): Promise<HpkeKeyPair> {
  const keyPair = await hpkeSuite.kem.generateKeyPair();
  return { keyPair, publicKey: new Uint8Array(await hpkeSuite.kem.serializePublicKey(keyPair.publicKey)) };
}
