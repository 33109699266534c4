import { createHash, randomBytes } from 'node:crypto';
import { beginCell, external, internal, SendMode, storeMessage, type Address, type Cell, type MessageRelaxed, type StateInit } from '@ton/core';
import { keyPairFromSeed, type KeyPair } from '@ton/crypto';
import { WalletContractV4, WalletContractV5R1 } from '@ton/ton';
import { walletContract, type WalletVersion } from '@cocoon/server/ton/wallet-contracts';
import type { SandboxNetwork } from './network';

/** Sandbox keys come from this public seed: they guard play money only, never use them elsewhere. */
const DEV_SEED = 'cocoon-sandbox-dev-seed/not-secret/v1';

/** A well-known sandbox key pair for `label` (the service wallet, the dev test wallet). */
export const devKeyPair = (label: string): KeyPair => keyPairFromSeed(createHash('sha256').update(`${DEV_SEED}/${label}`).digest());

export interface TransferArgs {
  to: Address;
  value: bigint;
  comment?: string;
  body?: Cell;
  bounce?: boolean;
  /** The wallet's current seqno (0 for an undeployed wallet: the message then carries its StateInit). */
  seqno: number;
}

/** A standard wallet on the sandbox chain whose secret key we hold. */
export interface SandboxWallet {
  version: WalletVersion;
  address: Address;
  keyPair: KeyPair;
  init: StateInit;
  /** A signed external transfer message (BOC), as a wallet app builds it for sendBoc. */
  transferBoc(args: TransferArgs): Buffer;
  /** The seqno the wallet expects next (0 while undeployed). */
  seqno(): Promise<number>;
}

export interface CreateWalletOptions {
  version: WalletVersion;
  /** Faucet money sent to it, in nanoTON. */
  balance: bigint;
  /** -1 for the masterchain. */
  workchain?: number;
  /** Deploy it with the funding message (default true); otherwise it stays uninitialized. */
  deploy?: boolean;
  keyPair?: KeyPair;
}

/** Makes a wallet, funds it from the faucet and, unless told not to, deploys it. */
export async function createWallet(network: SandboxNetwork, opts: CreateWalletOptions): Promise<SandboxWallet> {
  const keyPair = opts.keyPair ?? keyPairFromSeed(randomBytes(32));
  const contract = walletContract(opts.version, keyPair.publicKey, opts.workchain ?? 0);
  const deploy = opts.deploy ?? true;
  if (deploy || opts.balance > 0n) await network.fund(contract.address, opts.balance, deploy ? { init: contract.init } : {});
  return {
    version: opts.version,
    address: contract.address,
    keyPair,
    init: contract.init,
    transferBoc(args) {
      const body = args.body ?? (args.comment !== undefined ? beginCell().storeUint(0, 32).storeStringTail(args.comment).endCell() : undefined);
      const message = internal({ to: args.to, value: args.value, bounce: args.bounce ?? true, ...(body ? { body } : {}) });
      const signed = signTransfer(contract, { seqno: args.seqno, secretKey: keyPair.secretKey, messages: [message] });
      const ext = external({ to: contract.address, body: signed, ...(args.seqno === 0 ? { init: contract.init } : {}) });
      return beginCell().store(storeMessage(ext)).endCell().toBoc();
    },
    async seqno() {
      const account = await network.account(contract.address);
      if (account.accountState?.type !== 'active') return 0;
      return Number((await network.blockchain.runGetMethod(contract.address, 'seqno', [])).stackReader.readBigNumber());
    },
  };
}

/** Signs a transfer the way wallet apps do: fees paid on top, errors in one message ignored. */
function signTransfer(contract: ReturnType<typeof walletContract>, args: { seqno: number; secretKey: Buffer; messages: MessageRelaxed[] }): Cell {
  const sendMode = SendMode.PAY_GAS_SEPARATELY | SendMode.IGNORE_ERRORS;
  if (contract instanceof WalletContractV5R1) return contract.createTransfer({ ...args, sendMode });
  if (contract instanceof WalletContractV4) return contract.createTransfer({ ...args, sendMode });
  return contract.createTransfer({ ...args, sendMode });
}
