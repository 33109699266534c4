import { Address } from '@ton/core';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import type { TonConnectRequestSchema } from '@cocoon/shared/protocol/payments';
import type { TonChain } from './chain';
import type { TonNetwork } from './ton-settings';
import { domainAllowed, TonConnectChains, verifyTonProofSignature } from './ton-proof';
import { walletPublicKey } from './wallet-key';

export type TonConnectRequest = z.output<typeof TonConnectRequestSchema>;

export interface ProofPolicy {
  network: TonNetwork;
  /** Allowed `domain.value`s (see domainAllowed). */
  domains: readonly string[];
  maxAgeS: number;
}

export interface VerifiedWallet {
  address: Address;
  publicKey: Buffer;
}

/** How far a wallet's clock may run ahead of ours. */
const MAX_CLOCK_SKEW_S = 60;

/**
 * Checks a TonConnect account + ton_proof to the spec, except the payload's own state (issued by
 * us, unused, unexpired: the caller checks that against the database). Reads the chain only
 * for a deployed wallet that sent no StateInit. Throws a `ton.*` CocoonError naming the failure.
 */
export async function verifyConnect(req: TonConnectRequest, ctx: { chain: TonChain; policy: ProofPolicy; now: Date }): Promise<VerifiedWallet> {
  const address = parseAddress(req.address);
  checkNetwork(req.network, ctx.policy.network);
  const { domain, timestamp } = req.proof;
  if (Buffer.byteLength(domain.value, 'utf8') !== domain.lengthBytes || !domainAllowed(domain.value, ctx.policy.domains)) {
    throw new CocoonError('ton.proof_domain', 'the proof was made for another domain');
  }
  const nowS = Math.floor(ctx.now.getTime() / 1000);
  if (timestamp < nowS - ctx.policy.maxAgeS || timestamp > nowS + MAX_CLOCK_SKEW_S) {
    throw new CocoonError('ton.proof_expired', 'the proof timestamp is not recent');
  }
  const publicKey = await walletPublicKey(address, req.walletStateInit, ctx.chain);
  if (req.publicKey !== undefined && req.publicKey !== publicKey.toString('hex')) {
    throw new CocoonError('ton.proof_invalid', 'publicKey is not the wallet’s key');
  }
  const signature = signatureBytes(req.proof.signature);
  if (!verifyTonProofSignature(publicKey, signature, { address, domain: domain.value, timestamp, payload: req.proof.payload })) {
    throw new CocoonError('ton.proof_invalid', 'the proof signature does not verify');
  }
  return { address, publicKey };
}

/**
 * The proof's 64-byte Ed25519 signature: base64, standard or URL-safe, padded or not, and nothing
 * else (Buffer's decoder skips stray characters and bits, so many strings would pass as one).
 */
function signatureBytes(s: string): Buffer {
  const b64 = s.replace(/={1,2}$/, '').replaceAll('-', '+').replaceAll('_', '/');
  if (!/^[A-Za-z0-9+/]{85}[AQgw]$/.test(b64)) throw new CocoonError('ton.proof_invalid', 'the proof signature is not 64 bytes of base64');
  return Buffer.from(b64, 'base64');
}

function parseAddress(s: string): Address {
  try {
    return Address.parse(s);
  } catch (cause) {
    throw new CocoonError('protocol.malformed_message', 'address is not a TON address', { cause });
  }
}

/** Mainnet and testnet must match; the sandbox takes either id (its wallets are test wallets). */
function checkNetwork(chainId: string, network: TonNetwork): void {
  const ok = network === 'sandbox' ? chainId === TonConnectChains.mainnet || chainId === TonConnectChains.testnet : chainId === TonConnectChains[network];
  if (!ok) throw new CocoonError('ton.network_mismatch', `the wallet is not on ${network}`);
}
