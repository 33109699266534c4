import { Address, Cell, CellType, contractAddress, loadStateInit, type StateInit } from '@ton/core';
import { WalletContractV3R1, WalletContractV3R2, WalletContractV4, WalletContractV5R1 } from '@ton/ton';

/**
 * The standard wallet contracts we can read a public key from without running them: each is
 * recognised by its code's hash, and its data cell laid out as the contract's source stores it.
 */
export const WalletVersions = { v3r1: 'v3r1', v3r2: 'v3r2', v4: 'v4', v5r1: 'v5r1' } as const;
export type WalletVersion = (typeof WalletVersions)[keyof typeof WalletVersions];

/** The wallet of `version` for `publicKey` in `workchain` (-1 is the masterchain), as wallets deploy it. */
export function walletContract(version: WalletVersion, publicKey: Buffer, workchain = 0): WalletContractV3R1 | WalletContractV3R2 | WalletContractV4 | WalletContractV5R1 {
  switch (version) {
    case 'v3r1':
      return WalletContractV3R1.create({ workchain, publicKey });
    case 'v3r2':
      return WalletContractV3R2.create({ workchain, publicKey });
    case 'v4':
      return WalletContractV4.create({ workchain, publicKey });
    case 'v5r1':
      return WalletContractV5R1.create({ publicKey, walletId: { networkGlobalId: -239, context: { walletVersion: 'v5r1', workchain, subwalletNumber: 0 } } });
  }
}

const anyKey = Buffer.alloc(32);
const codeHashes = new Map<string, WalletVersion>(
  Object.values(WalletVersions).map((v) => [codeHash(walletContract(v, anyKey).init.code), v]),
);

/**
 * The hash of the code a StateInit runs. Wallets deploy v5r1 with a library cell in place of the
 * code (W5 in Tonkeeper and others): such a cell holds the hash of the code it stands for.
 */
function codeHash(code: Cell): string {
  if (code.isExotic && code.type === CellType.Library) return code.bits.substring(8, 256).toString().toLowerCase();
  return code.hash().toString('hex');
}

/** The data layouts: v3r1, v3r2 and v4 start `seqno:uint32 wallet_id:uint32 public_key:bits256`; v5r1 has a flag bit first. */
function publicKeyFromData(version: WalletVersion, data: Cell): Buffer {
  const s = data.beginParse();
  if (version === 'v5r1') s.skip(1);
  s.skip(32 + 32);
  return s.loadBuffer(32);
}

export interface ParsedStateInit {
  version: WalletVersion;
  publicKey: Buffer;
}

/** The wallet version and public key a StateInit declares, or null for a contract we do not know. */
export function parseWalletStateInit(init: StateInit): ParsedStateInit | null {
  if (!init.code || !init.data) return null;
  const version = codeHashes.get(codeHash(init.code));
  if (!version) return null;
  return { version, publicKey: publicKeyFromData(version, init.data) };
}

/** Decodes a base64 BOC StateInit; throws on anything else. */
export function decodeStateInit(boc: string): StateInit {
  return loadStateInit(Cell.fromBase64(boc).beginParse());
}

/** True when `init` deploys to exactly `address` (same workchain, same hash). */
export function stateInitMatches(init: StateInit, address: Address): boolean {
  return contractAddress(address.workChain, init).equals(address);
}
