import type { Executor } from '../db/client';
import { Accounts, type AccountRef } from './accounts';
import { balanceOf, heldBy, sumOfBalances } from './balances';
import { addPromoIn } from './promo';
import { placeHoldIn, releaseExpiredIn, releaseIn, settleIn, type HoldRow, type PlaceHoldInput, type Settlement } from './holds';
import { transferIn, TransferKinds, type TransferInput, type TransferResult } from './transfers';

export interface LedgerOptions {
  /** The network's share of every charge, in basis points. */
  commissionBps: number;
}

/**
 * The double-entry ledger (ARCHITECTURE.md, "Money"). Every method runs in one transaction; when
 * given an open transaction as `exec` it runs inside it (a savepoint), so callers can combine a
 * ledger step with their own writes atomically.
 */
export class Ledger {
  constructor(
    private readonly db: Executor,
    private readonly opts: LedgerOptions,
  ) {}

  transfer(t: TransferInput, exec: Executor = this.db): Promise<TransferResult> {
    return exec.transaction((tx) => transferIn(tx, t));
  }

  /**
   * Starter credits from the promo account, once per user whatever the retries. They count as the
   * user's promotional credits (promo.ts), spent first, in the same transaction.
   */
  grantStarterCredits(userId: string, amount: bigint, exec: Executor = this.db): Promise<TransferResult | null> {
    if (amount <= 0n) return Promise.resolve(null);
    return exec.transaction(async (tx) => {
      const result = await transferIn(tx, { debit: Accounts.promo, credit: Accounts.user(userId), amount, kind: TransferKinds.starterCredits, idempotencyKey: `starter:${userId}` });
      if (result.created) await addPromoIn(tx, userId, amount);
      return result;
    });
  }

  balance(account: AccountRef, exec: Executor = this.db): Promise<bigint> {
    return balanceOf(exec, account);
  }

  /** A user's ledger balance and what their active holds reserve; available = balance − held. */
  async userFunds(userId: string, exec: Executor = this.db): Promise<{ balance: bigint; held: bigint; available: bigint }> {
    const balance = await balanceOf(exec, Accounts.user(userId));
    const held = await heldBy(exec, userId);
    return { balance, held, available: balance - held };
  }

  /** @throws CocoonError('ledger.insufficient_credits') and changes nothing when short. */
  placeHold(h: PlaceHoldInput, exec: Executor = this.db): Promise<HoldRow> {
    return exec.transaction((tx) => placeHoldIn(tx, h));
  }

  settle(jobId: string, hostId: string, charged: bigint, exec: Executor = this.db): Promise<Settlement> {
    return exec.transaction((tx) => settleIn(tx, jobId, hostId, charged, this.opts.commissionBps));
  }

  release(jobId: string, exec: Executor = this.db): Promise<boolean> {
    return exec.transaction((tx) => releaseIn(tx, jobId));
  }

  releaseExpired(now: Date = new Date()): Promise<string[]> {
    return this.db.transaction((tx) => releaseExpiredIn(tx, now));
  }

  sumOfBalances(): Promise<bigint> {
    return sumOfBalances(this.db);
  }
}
