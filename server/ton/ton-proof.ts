import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Address } from '@ton/core';

/**
 * TonConnect's `ton_proof` (https://github.com/ton-blockchain/ton-connect/blob/main/requests-responses.md#address-proof-signature-ton_proof):
 *
 *   message   = "ton-proof-item-v2/" ++ workchain (int32 BE) ++ address hash (32 bytes)
 *               ++ domain length (uint32 LE) ++ domain ++ timestamp (uint64 LE) ++ payload
 *   signature = Ed25519(SHA-256(0xffff ++ "ton-connect" ++ SHA-256(message)))
 */
export interface TonProofInput {
  address: Address;
  domain: string;
  /** Unix seconds, as the wallet stated it. */
  timestamp: number;
  payload: string;
}

const PREFIX = Buffer.from('ton-proof-item-v2/', 'utf8');
const CONNECT_PREFIX = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('ton-connect', 'utf8')]);
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The message the wallet commits to. */
export function tonProofMessage(p: TonProofInput): Buffer {
  const workchain = Buffer.alloc(4);
  workchain.writeInt32BE(p.address.workChain);
  const domain = Buffer.from(p.domain, 'utf8');
  const domainLength = Buffer.alloc(4);
  domainLength.writeUInt32LE(domain.length);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64LE(BigInt(p.timestamp));
  return Buffer.concat([PREFIX, workchain, p.address.hash, domainLength, domain, timestamp, Buffer.from(p.payload, 'utf8')]);
}

/** The 32 bytes the wallet's key signs. */
export function tonProofDigest(p: TonProofInput): Buffer {
  return sha256(Buffer.concat([CONNECT_PREFIX, sha256(tonProofMessage(p))]));
}

/** Ed25519 through node:crypto, the raw public key imported as a JWK. Never throws. */
export function verifyTonProofSignature(publicKey: Buffer, signature: Buffer, p: TonProofInput): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
    return verify(null, tonProofDigest(p), key, signature);
  } catch {
    // A key OpenSSL will not import verifies nothing.
    return false;
  }
}

/** TonConnect's chain ids (CHAIN.MAINNET, CHAIN.TESTNET). */
export const TonConnectChains = { mainnet: '-239', testnet: '-3' } as const;

/**
 * Whether `domain` (the host, with its port when not the default) is allowed. An entry matches
 * exactly, ignoring case; `host:*` also matches that host on any port (for development).
 */
export function domainAllowed(domain: string, allowlist: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return allowlist.some((entry) => {
    const e = entry.toLowerCase();
    if (e.endsWith(':*')) {
      const host = e.slice(0, -2);
      return d === host || (d.startsWith(`${host}:`) && /^\d{1,5}$/.test(d.slice(host.length + 1)));
    }
    return d === e;
  });
}
