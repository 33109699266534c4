import { Address, fromNano } from '@ton/core';
import { eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Tx } from '../db/client';
import { chainCursors, payouts } from '../db/schema';
import { transactionKnown, transactionsAfter } from '../ton/account-scan';
import type { ChainTransaction, TonChain, TransactionId } from '../ton/chain';
import { confirmPayoutIn, returnPayoutIn, unsettledPayouts, type PayoutRow } from './outbox';
import type { PayoutWallet, PayoutWalletState } from './payout-wallet';
import { Poller } from '../ton/poller';

export interface PayoutConfirmerOptions {
  db: Db;
  chain: TonChain;
  wallet: PayoutWallet;
  log: FastifyBaseLogger;
  pollIntervalMs: number;
  /** When the saved cursor is not on the chain: true resets it (a fresh sandbox chain); false keeps it. */
  resetMissingCursor: boolean;
  /** Told once per confirmed payout (the owner's bot message). */
  onConfirmed?: (payout: PayoutRow) => Promise<unknown>;
  pageSize?: number;
}

export interface ConfirmRound {
  scanned: number;
  confirmed: string[];
  returned: string[];
}

const QUERY_ID = /^Cocoon #(\d{1,19})$/;
const queryIdOf = (comment: string | null | undefined): bigint | null => {
  const m = comment ? QUERY_ID.exec(comment) : null;
  return m ? BigInt(m[1]!) : null;
};

/**
 * Settles payouts from the payout wallet's finalized transactions. Each round reads the wallet's
 * state once (seqno, last transaction and chain time, all from one block), scans its new
 * transactions from a saved cursor, and:
 * - an outgoing transfer carrying a payout's query id to its address: confirmed, with that
 *   transaction's hash (unless its bounce is in the same batch);
 * - a bounced inbound message carrying the query id: returned (also after a confirmation);
 * - a signed payout still unsettled once the wallet's seqno moved past its own (that seqno was
 *   used without paying it), or once the chain's time passed its expiry with the seqno not there
 *   yet: the message can never apply, so it is returned.
 * Each transaction is applied with the cursor in one database transaction; a replay changes nothing.
 */
export class PayoutConfirmer {
  readonly cursorName: string;
  private readonly poller: Poller<ConfirmRound>;
  private cursorChecked = false;

  constructor(private readonly opts: PayoutConfirmerOptions) {
    this.cursorName = `ton:payouts:${opts.wallet.address.toRawString()}`;
    this.poller = new Poller({ name: 'payout confirmer', log: opts.log, intervalMs: opts.pollIntervalMs, round: () => this.round() });
  }

  start(): void {
    this.poller.start();
  }
  stop(): Promise<void> {
    return this.poller.stop();
  }
  pollOnce(): Promise<ConfirmRound> {
    return this.poller.once();
  }

  private async round(): Promise<ConfirmRound> {
    const state = await this.opts.wallet.state();
    const cursor = await this.checkedCursor();
    const result: ConfirmRound = { scanned: 0, confirmed: [], returned: [] };
    if (state.head && (!cursor || state.head.lt > cursor.lt)) {
      const fresh = await transactionsAfter(this.opts.chain, this.opts.wallet.address, state.head, cursor?.lt ?? 0n, this.opts.pageSize);
      const bounced = new Set(fresh.map((tx) => (tx.inMessage?.type === 'internal' && tx.inMessage.bounced ? queryIdOf(tx.inMessage.bouncedComment) : null)).filter((q) => q !== null));
      for (const tx of fresh) await this.apply(tx, bounced, result);
      result.scanned = fresh.length;
    }
    await this.returnUnappliable(state, result);
    return result;
  }

  private async apply(tx: ChainTransaction, bouncedInBatch: Set<bigint>, result: ConfirmRound): Promise<void> {
    const confirmed: PayoutRow[] = [];
    await this.opts.db.transaction(async (dbtx) => {
      const at = new Date(tx.utime * 1000);
      const inbound = tx.inMessage;
      if (inbound?.type === 'internal' && inbound.bounced) {
        const payout = await this.byQueryId(dbtx, queryIdOf(inbound.bouncedComment));
        if (payout && (await returnPayoutIn(dbtx, payout.id, `bounced: ${payout.address} did not accept the transfer`, at))) result.returned.push(payout.id);
      }
      if (!tx.aborted) {
        for (const out of tx.outMessages ?? []) {
          const queryId = queryIdOf(out.comment);
          const payout = await this.byQueryId(dbtx, queryId);
          if (!payout || queryId === null || !out.destination || !out.destination.equals(Address.parse(payout.address)) || out.value !== payout.valueNano) continue;
          if (bouncedInBatch.has(queryId)) continue;
          const row = await confirmPayoutIn(dbtx, payout.id, tx.hash, at);
          if (row) confirmed.push(row);
        }
      }
      await saveCursor(dbtx, this.cursorName, tx);
    });
    for (const row of confirmed) {
      result.confirmed.push(row.id);
      this.opts.log.info({ payoutId: row.id, txHash: tx.hash, nanoton: String(row.valueNano) }, 'payout confirmed');
      await this.opts.onConfirmed?.(row).catch((err: unknown) => this.opts.log.warn({ err, payoutId: row.id }, 'payout confirmation notice failed'));
    }
  }

  /** Signed payouts whose message can no longer apply (see the class comment). */
  private async returnUnappliable(state: PayoutWalletState, result: ConfirmRound): Promise<void> {
    for (const p of await unsettledPayouts(this.opts.db)) {
      if (p.seqno === null || p.validUntil === null) continue;
      const seqnoUsed = state.seqno > p.seqno;
      const expired = state.chainTime !== null && state.chainTime > p.validUntil.getTime() / 1000 && state.seqno <= p.seqno;
      if (!seqnoUsed && !expired) continue;
      const failure = seqnoUsed ? 'the wallet used its seqno for another message: never sent' : 'expired before the chain applied it: never sent';
      const row = await this.opts.db.transaction((tx) => returnPayoutIn(tx, p.id, failure, new Date(), ['recorded', 'sent']));
      if (row) {
        result.returned.push(row.id);
        this.opts.log.warn({ payoutId: row.id, failure }, 'payout returned to withdrawable');
      }
    }
  }

  private async byQueryId(tx: Tx, queryId: bigint | null): Promise<PayoutRow | undefined> {
    if (queryId === null) return undefined;
    const [row] = await tx.select().from(payouts).where(eq(payouts.queryId, queryId));
    return row;
  }

  /** Once per start: a cursor the chain does not know comes from another chain (a restarted sandbox). */
  private async checkedCursor(): Promise<TransactionId | null> {
    const [row] = await this.opts.db.select().from(chainCursors).where(eq(chainCursors.name, this.cursorName));
    const cursor = row ? { lt: row.lt, hash: row.hash } : null;
    if (!cursor || this.cursorChecked) return cursor;
    const known = await transactionKnown(this.opts.chain, this.opts.wallet.address, cursor);
    this.cursorChecked = true;
    if (known || !this.opts.resetMissingCursor) return cursor;
    this.opts.log.warn('payout cursor belongs to an earlier sandbox chain; scanning this chain from its start');
    await this.opts.db.delete(chainCursors).where(eq(chainCursors.name, this.cursorName));
    return null;
  }
}

async function saveCursor(tx: Tx, name: string, id: TransactionId): Promise<void> {
  await tx
    .insert(chainCursors)
    .values({ name, lt: id.lt, hash: id.hash })
    .onConflictDoUpdate({ target: chainCursors.name, set: { lt: id.lt, hash: id.hash, updatedAt: sql`now()` }, where: sql`${chainCursors.lt} < ${id.lt}` });
}

/** The owner's bot message for a confirmed payout. */
export function payoutSentText(p: PayoutRow, explorerTxUrl: string | null): string {
  const where = p.txHash ? (explorerTxUrl ? explorerTxUrl.replace('{hash}', p.txHash) : p.txHash) : '';
  return `💸 Payout of ${fromNano(p.valueNano)} TON sent: ${where}`;
}
