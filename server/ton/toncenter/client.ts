import type { Address } from '@ton/core';
import type { z } from 'zod';
import { ChainError, type AccountInfo, type ChainTransaction, type GetMethodResult, type MasterchainInfo, type TonChain, type TransactionsPage } from '../chain';
import { decodeTransaction } from './decode-transaction';
import { toHttp } from './http';
import { AddressInformationSchema, MasterchainInfoSchema, RunGetMethodSchema, SendBocSchema, TransactionsSchema } from './schemas';

export interface ToncenterOptions {
  /** Up to and including `/api/v2`, e.g. `https://toncenter.com/api/v2`. */
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
}

const b64ToHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

/**
 * The production chain client: toncenter's HTTP API v2 (or anything serving it, such as the
 * embedded sandbox chain). Every response is validated; failures are ChainErrors with codes
 * `ton.chain_unavailable` (network, 5xx, 429), `ton.chain_rejected` (the API said no) and
 * `ton.chain_malformed` (an answer we cannot trust).
 */
export function createToncenterClient(opts: ToncenterOptions): TonChain {
  const http = toHttp(opts);
  return {
    async getMasterchainInfo(): Promise<MasterchainInfo> {
      const r = await http.get('getMasterchainInfo', {}, MasterchainInfoSchema);
      return { seqno: r.last.seqno, rootHash: b64ToHex(r.last.root_hash) };
    },

    async getAddressInformation(address: Address): Promise<AccountInfo> {
      const r = await http.get('getAddressInformation', { address: address.toRawString() }, AddressInformationSchema);
      const last = r.last_transaction_id;
      return {
        status: r.state,
        balance: BigInt(r.balance),
        code: r.code === '' ? null : r.code,
        data: r.data === '' ? null : r.data,
        lastTransaction: last.lt === '0' ? null : { lt: BigInt(last.lt), hash: b64ToHex(last.hash) },
        syncUtime: r.sync_utime ?? null,
      };
    },

    async getTransactions(address: Address, page: TransactionsPage = {}): Promise<ChainTransaction[]> {
      const query: Record<string, string> = { address: address.toRawString(), limit: String(page.limit ?? 10) };
      if (page.lt !== undefined && page.hash !== undefined) {
        query.lt = String(page.lt);
        query.hash = page.hash;
      }
      if (page.toLt !== undefined) query.to_lt = String(page.toLt);
      if (page.archival) query.archival = 'true';
      const rows = await http.get('getTransactions', query, TransactionsSchema);
      return rows.map((row) => decodeOrThrow(row));
    },

    async runGetMethod(address: Address, method: string): Promise<GetMethodResult> {
      const r = await http.post('runGetMethod', { address: address.toRawString(), method, stack: [] }, RunGetMethodSchema);
      return { exitCode: r.exit_code, stack: r.stack.map((entry) => readNum(entry, method)) };
    },

    async sendBoc(boc: Buffer): Promise<void> {
      await http.post('sendBoc', { boc: boc.toString('base64') }, SendBocSchema);
    },
  };
}

function decodeOrThrow(row: z.output<typeof TransactionsSchema>[number]): ChainTransaction {
  try {
    return decodeTransaction(row);
  } catch (cause) {
    throw new ChainError('ton.chain_malformed', 'getTransactions', 'a transaction does not decode or match its id', undefined, { cause });
  }
}

/** v2 writes integers as `["num", "0x…"]` (negative as `"-0x…"`). */
function readNum([type, value]: [string, unknown], method: string): bigint {
  if (type !== 'num' || typeof value !== 'string' || !/^-?0x[0-9a-fA-F]+$/.test(value)) {
    throw new ChainError('ton.chain_malformed', 'runGetMethod', `${method} returned a ${type}, not an integer`);
  }
  return value.startsWith('-') ? -BigInt(value.slice(1)) : BigInt(value);
}
