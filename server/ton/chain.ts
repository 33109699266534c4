import type { Address } from '@ton/core';
import { CocoonError, type ErrorCode } from '@cocoon/shared/errors';

/**
 * The chain as the broker sees it (ARCHITECTURE.md, "Money": chain access behind one interface):
 * the subset of toncenter's HTTP API v2 we use. `createToncenterClient` implements it for a real
 * network and for the embedded sandbox chain, which serves the same API.
 */
export interface TonChain {
  getMasterchainInfo(): Promise<MasterchainInfo>;
  getAddressInformation(address: Address): Promise<AccountInfo>;
  /** Newest first; `lt` + `hash` start at (and include) that transaction; `toLt` stops above it. */
  getTransactions(address: Address, page?: TransactionsPage): Promise<ChainTransaction[]>;
  /** Without arguments, integer results only: what `get_public_key` and `seqno` need. */
  runGetMethod(address: Address, method: string, stack?: []): Promise<GetMethodResult>;
  /** Sends a serialized external message; resolves when the node accepted it. */
  sendBoc(boc: Buffer): Promise<void>;
}

export interface MasterchainInfo {
  seqno: number;
  rootHash: string;
}

export type AccountStatus = 'active' | 'uninitialized' | 'frozen';

export interface AccountInfo {
  status: AccountStatus;
  balance: bigint;
  /** Base64 BOCs of the account's code and data, when active. */
  code: string | null;
  data: string | null;
  /** The account's last transaction, read at a masterchain block: everything up to it is final. */
  lastTransaction: TransactionId | null;
  /** The chain time (unix seconds) of the state read, when the API says: payouts decide expiry by it. */
  syncUtime: number | null;
}

export interface TransactionId {
  lt: bigint;
  /** Hex, lower case. */
  hash: string;
}

export interface TransactionsPage {
  limit?: number;
  lt?: bigint;
  hash?: string;
  toLt?: bigint;
  archival?: boolean;
}

export type InboundMessage =
  | {
      type: 'internal';
      source: Address;
      value: bigint;
      bounced: boolean;
      comment: string | null;
      /**
       * For a bounced message: the text comment of the message that bounced, as far as the bounce
       * carries it (its first 256 bits: op 0 and 28 bytes of text). Payouts are matched by it.
       */
      bouncedComment?: string | null;
    }
  | { type: 'external' };

/** A message the transaction sent: payouts are confirmed by them. */
export interface OutboundMessage {
  /** Null for an external-out message (a log, not a transfer). */
  destination: Address | null;
  value: bigint;
  bounce: boolean;
  comment: string | null;
}

/** A transaction decoded from its BOC, whose hash was checked against the id the API gave. */
export interface ChainTransaction extends TransactionId {
  utime: number;
  inMessage: InboundMessage | null;
  /** The compute or action phase failed: the transaction changed nothing but fees. */
  aborted: boolean;
  outMessageCount: number;
  /** The messages it sent, in order; the toncenter client always decodes them. */
  outMessages?: OutboundMessage[];
}

export interface GetMethodResult {
  exitCode: number;
  stack: bigint[];
}

/** A failed chain call: which method, and the HTTP status when there was one. */
export class ChainError extends CocoonError {
  constructor(
    code: Extract<ErrorCode, `ton.chain_${string}`>,
    readonly method: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, `${method}: ${message}`, options);
  }
}
