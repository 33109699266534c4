import { Address, beginCell, Cell, loadMessage, type StateInit } from '@ton/core';
import { Blockchain, internal, type BlockchainTransaction, type SendMessageResult, type SmartContract } from '@ton/sandbox';

/** A bigint account hash as the 32 bytes it stands for. */
export const hash256 = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

/** Where sandbox money comes from: a made-up address whose messages the sandbox takes on trust. */
export const FAUCET = new Address(0, Buffer.alloc(32, 0xfa));

/**
 * A `@ton/sandbox` Blockchain that remembers every transaction per account, as a node does, so it
 * can page them the way toncenter does (the sandbox's own `getTransactions` cannot be relied on
 * for that). Every change goes through `apply`, which records what it caused; one "masterchain
 * block" is counted per applied message.
 */
export class SandboxNetwork {
  private readonly byAccount = new Map<string, BlockchainTransaction[]>();
  private seqno = 1;

  private constructor(readonly blockchain: Blockchain) {}

  static async create(): Promise<SandboxNetwork> {
    return new SandboxNetwork(await Blockchain.create());
  }

  get masterchainSeqno(): number {
    return this.seqno;
  }

  /** Applies a message (an external one from sendBoc, or an internal one the sandbox takes on trust). */
  async apply(message: Parameters<Blockchain['sendMessage']>[0]): Promise<SendMessageResult> {
    const result = await this.blockchain.sendMessage(message);
    this.record(result.transactions);
    this.seqno += 1;
    return result;
  }

  /** Sends an external-in message given as a BOC; throws when the contract does not accept it. */
  async sendExternal(boc: Buffer): Promise<SendMessageResult> {
    const cell = Cell.fromBoc(boc)[0];
    if (!cell) throw new Error('empty BOC');
    const message = loadMessage(cell.beginParse());
    if (message.info.type !== 'external-in') throw new Error('not an external-in message');
    return this.apply(message);
  }

  /** Faucet money to `to`, deploying `init` on the way when given. */
  fund(to: Address, value: bigint, opts: { init?: StateInit; body?: Cell; bounce?: boolean; bounced?: boolean; from?: Address } = {}): Promise<SendMessageResult> {
    return this.apply(
      internal({ from: opts.from ?? FAUCET, to, value, bounce: opts.bounce ?? false, bounced: opts.bounced ?? false, body: opts.body ?? beginCell().endCell(), ...(opts.init ? { stateInit: opts.init } : {}) }),
    );
  }

  account(address: Address): Promise<SmartContract> {
    return this.blockchain.getContract(address);
  }

  /** The account's transactions, newest first. */
  transactionsOf(address: Address): BlockchainTransaction[] {
    return [...(this.byAccount.get(address.toRawString()) ?? [])].reverse();
  }

  private record(transactions: BlockchainTransaction[]): void {
    for (const tx of transactions) {
      const key = new Address(tx.inMessage?.info.dest instanceof Address ? tx.inMessage.info.dest.workChain : 0, hash256(tx.address)).toRawString();
      const list = this.byAccount.get(key) ?? [];
      list.push(tx);
      list.sort((a, b) => (a.lt < b.lt ? -1 : a.lt > b.lt ? 1 : 0));
      this.byAccount.set(key, list);
    }
  }
}
