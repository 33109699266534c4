import { beginCell, Cell, external, internal, SendMode, storeMessage, type Address } from '@ton/core';
import { mnemonicToPrivateKey, mnemonicValidate, type KeyPair } from '@ton/crypto';
import { WalletContractV5R1 } from '@ton/ton';
import { CocoonError } from '@cocoon/shared/errors';
import type { TonChain, TransactionId } from '../ton/chain';
import type { TonNetwork } from '../ton/ton-settings';

/** The payout wallet's state, read from one getAddressInformation answer (so from one block). */
export interface PayoutWalletState {
  active: boolean;
  /** The seqno the wallet accepts next (0 before it is deployed). */
  seqno: number;
  balance: bigint;
  /** Its last transaction: it and everything before it are final. */
  head: TransactionId | null;
  /** The chain time of that state (unix seconds), when the API reports it. */
  chainTime: number | null;
}

export interface PayoutTransfer {
  seqno: number;
  /** Unix seconds after which the wallet refuses the message: it can then never apply. */
  validUntil: number;
  to: Address;
  value: bigint;
  comment: string;
}

/**
 * The wallet owners are paid from: a standard wallet v5r1 (W5) whose key the broker holds. One
 * external message per payout, one internal message in it, bounceable, so a payout to an address
 * that cannot take it comes back. The wallet pays the forwarding fees on top of the value
 * (PAY_GAS_SEPARATELY); IGNORE_ERRORS so a transfer the wallet cannot afford still consumes the
 * seqno, which tells the confirmer the message will never apply.
 */
export class PayoutWallet {
  readonly contract: WalletContractV5R1;

  constructor(
    private readonly keyPair: KeyPair,
    network: TonNetwork,
    private readonly chain: TonChain,
  ) {
    // The wallet id wallets apps use on each network, so the address matches the one they show for the mnemonic.
    const networkGlobalId = network === 'testnet' ? -3 : -239;
    this.contract = WalletContractV5R1.create({ publicKey: keyPair.publicKey, walletId: { networkGlobalId, context: { walletVersion: 'v5r1', workchain: 0, subwalletNumber: 0 } } });
  }

  get address(): Address {
    return this.contract.address;
  }

  async state(): Promise<PayoutWalletState> {
    const info = await this.chain.getAddressInformation(this.address);
    const active = info.status === 'active' && info.data !== null;
    return { active, seqno: active ? seqnoFromData(info.data!) : 0, balance: info.balance, head: info.lastTransaction, chainTime: info.syncUtime };
  }

  /** A signed external message (BOC); it carries the wallet's StateInit while the wallet is not deployed. */
  sign(t: PayoutTransfer, deployed: boolean): Buffer {
    const body = beginCell().storeUint(0, 32).storeStringTail(t.comment).endCell();
    const message = internal({ to: t.to, value: t.value, bounce: true, body });
    const signed = this.contract.createTransfer({ seqno: t.seqno, secretKey: this.keyPair.secretKey, messages: [message], sendMode: SendMode.PAY_GAS_SEPARATELY | SendMode.IGNORE_ERRORS, timeout: t.validUntil });
    const ext = external({ to: this.address, body: signed, ...(deployed ? {} : { init: this.contract.init }) });
    return beginCell().store(storeMessage(ext)).endCell().toBoc();
  }
}

/** v5r1 data: `is_signature_allowed:1 seqno:32 wallet_id:32 public_key:256 extensions:dict`. */
function seqnoFromData(data: string): number {
  const s = Cell.fromBase64(data).beginParse();
  s.skip(1);
  return s.loadUint(32);
}

/** The payout wallet's key from its 24-word mnemonic (PAYOUT_WALLET_SECRET), as wallet apps derive it. */
export async function payoutKeyFromMnemonic(words: string[]): Promise<KeyPair> {
  if (!(await mnemonicValidate(words))) throw new CocoonError('config.invalid', 'PAYOUT_WALLET_SECRET is not a valid TON mnemonic (the words or their checksum are wrong)');
  return mnemonicToPrivateKey(words);
}
