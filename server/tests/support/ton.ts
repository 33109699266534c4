import { beginCell, storeStateInit, type Address } from '@ton/core';
import { sign } from '@ton/crypto';
import type { SandboxWallet } from '@cocoon/dev/ton/sandbox-chain/index';
import { tonProofDigest, type TonProofInput } from '../../ton/ton-proof';
import type { TonConnectRequest } from '../../ton/verify-connect';

/** Signs a ton_proof with @ton/crypto (tweetnacl), as wallet apps do: independent of the verifier's node:crypto. */
export function signTonProof(secretKey: Buffer, input: TonProofInput): string {
  return sign(tonProofDigest(input), secretKey).toString('base64');
}

export const stateInitBoc = (w: SandboxWallet): string => beginCell().store(storeStateInit(w.init)).endCell().toBoc().toString('base64');

export interface ProofOptions {
  domain?: string;
  timestamp?: number;
  /** Send the wallet's StateInit (default true). */
  withStateInit?: boolean;
  /** Claim this address instead of the wallet's. */
  address?: Address;
  network?: string;
  /** Sign with another key. */
  secretKey?: Buffer;
}

/** The body of POST /api/ton/connect that a TonConnect wallet produces for `payload`. */
export function connectRequest(wallet: SandboxWallet, payload: string, opts: ProofOptions = {}): TonConnectRequest {
  const address = opts.address ?? wallet.address;
  const domain = opts.domain ?? 'cocoon.test';
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = signTonProof(opts.secretKey ?? wallet.keyPair.secretKey, { address, domain, timestamp, payload });
  return {
    address: address.toRawString(),
    network: opts.network ?? '-239',
    ...(opts.withStateInit === false ? {} : { walletStateInit: stateInitBoc(wallet) }),
    proof: { timestamp, domain: { lengthBytes: Buffer.byteLength(domain), value: domain }, payload, signature },
  };
}
