import type { Address, StateInit } from '@ton/core';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { TonChain } from './chain';
import { decodeStateInit, parseWalletStateInit, stateInitMatches, type ParsedStateInit } from './wallet-contracts';

/**
 * The public key that controls `address`. From the StateInit the wallet sent, after checking that
 * it hashes to the address (how an undeployed wallet proves itself); otherwise, or for a contract
 * whose layout we do not know, from the deployed wallet's `get_public_key`.
 */
export async function walletPublicKey(address: Address, stateInitBoc: string | undefined, chain: TonChain): Promise<Buffer> {
  if (stateInitBoc !== undefined) {
    const init = decodeStateInitOrThrow(stateInitBoc);
    if (!stateInitMatches(init, address)) throw new CocoonError('ton.address_mismatch', 'walletStateInit does not hash to the address');
    const parsed = walletOrThrow(init);
    if (parsed) return parsed.publicKey;
  }
  return publicKeyFromChain(address, chain);
}

function decodeStateInitOrThrow(boc: string) {
  try {
    return decodeStateInit(boc);
  } catch (cause) {
    throw new CocoonError('ton.proof_invalid', 'walletStateInit is not a StateInit BOC', { cause });
  }
}

/** Known wallet code whose data cell is too short for that wallet's layout proves no key. */
function walletOrThrow(init: StateInit): ParsedStateInit | null {
  try {
    return parseWalletStateInit(init);
  } catch (cause) {
    throw new CocoonError('ton.proof_invalid', 'walletStateInit data is not laid out as its wallet code expects', { cause });
  }
}

async function publicKeyFromChain(address: Address, chain: TonChain): Promise<Buffer> {
  let result;
  try {
    result = await chain.runGetMethod(address, 'get_public_key', []);
  } catch (e) {
    if (isCocoonError(e, 'ton.chain_rejected')) throw new CocoonError('ton.wallet_unsupported', 'the wallet has no get_public_key', { cause: e });
    throw e;
  }
  const key = result.stack[0];
  if (result.exitCode !== 0 || key === undefined || key < 0n || key >= 1n << 256n) {
    throw new CocoonError('ton.wallet_unsupported', `no public key from get_public_key (exit code ${result.exitCode}); send walletStateInit`);
  }
  return Buffer.from(key.toString(16).padStart(64, '0'), 'hex');
}
