import type { Address } from '@ton/core';
import { isCocoonError } from '@cocoon/shared/errors';
import type { ChainTransaction, TonChain, TransactionId } from './chain';

/**
 * An account's transactions from `head` back to (not including) `afterLt`, oldest first. `head`
 * is read at a masterchain block, so it and everything before it are final.
 */
export async function transactionsAfter(chain: TonChain, address: Address, head: TransactionId, afterLt: bigint, pageSize = 100): Promise<ChainTransaction[]> {
  // At least 2: each later page repeats the previous page's last row.
  const limit = Math.max(2, pageSize);
  const found: ChainTransaction[] = [];
  let from: TransactionId = head;
  for (;;) {
    const page = await chain.getTransactions(address, { limit, lt: from.lt, hash: from.hash, toLt: afterLt, archival: true });
    // The cursor is inclusive: after the first page, the first row is the previous page's last.
    const rows = found.length > 0 && page[0]?.hash === from.hash ? page.slice(1) : page;
    const newer = rows.filter((tx) => tx.lt > afterLt);
    found.push(...newer);
    const last = page.at(-1);
    if (page.length < limit || newer.length < rows.length || !last || last.hash === from.hash) break;
    from = last;
  }
  return found.reverse();
}

/** Whether the chain has this transaction of the account (a saved cursor from a restarted sandbox chain does not). */
export function transactionKnown(chain: TonChain, address: Address, id: TransactionId): Promise<boolean> {
  return chain.getTransactions(address, { limit: 1, lt: id.lt, hash: id.hash, archival: true }).then(
    (page) => page[0]?.hash === id.hash,
    // The API refusing the lt/hash pair means "no such transaction"; other failures propagate.
    (e: unknown) => (isCocoonError(e, 'ton.chain_rejected') ? false : Promise.reject(e)),
  );
}
