import '../buffer-global';
import type { Address } from '@ton/core';
import { sha256, sign } from '@ton/crypto';

/**
 * TonConnect's `ton_proof`, signed as a wallet signs it
 * (github.com/ton-blockchain/ton-connect/blob/main/requests-responses.md#address-proof-signature-ton_proof):
 *   message   = "ton-proof-item-v2/" ++ wc (int32 BE) ++ address hash (32) ++ domain length (uint32 LE)
 *               ++ domain ++ timestamp (uint64 LE) ++ payload
 *   signature = Ed25519(SHA-256(0xffff ++ "ton-connect" ++ SHA-256(message)))
 */
export interface TonProof {
  timestamp: number;
  domain: { lengthBytes: number; value: string };
  payload: string;
  /** Base64. */
  signature: string;
}

export function tonProofMessage(address: Address, domain: string, timestamp: number, payload: string): Buffer {
  const wc = Buffer.alloc(4);
  wc.writeInt32BE(address.workChain);
  const domainBytes = Buffer.from(domain, 'utf8');
  const domainLength = Buffer.alloc(4);
  domainLength.writeUInt32LE(domainBytes.length);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE(BigInt(timestamp));
  return Buffer.concat([Buffer.from('ton-proof-item-v2/', 'utf8'), wc, address.hash, domainLength, domainBytes, ts, Buffer.from(payload, 'utf8')]);
}

export async function signTonProof(args: { address: Address; domain: string; timestamp: number; payload: string; secretKey: Buffer }): Promise<TonProof> {
  const message = tonProofMessage(args.address, args.domain, args.timestamp, args.payload);
  const full = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('ton-connect', 'utf8'), await sha256(message)]);
  const signature = sign(await sha256(full), args.secretKey);
  return {
    timestamp: args.timestamp,
    domain: { lengthBytes: Buffer.byteLength(args.domain, 'utf8'), value: args.domain },
    payload: args.payload,
    signature: signature.toString('base64'),
  };
}
