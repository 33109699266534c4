import type { SQL } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client';
import { Accounts, type AccountRef } from './accounts';
import { balanceOf, fundsOf, sumOfBalances, type Funds } from './balances';
import { addPromoIn } from './promo';
import { placeHoldIn, releaseExpiredIn, releaseIn, tryPlaceHold, type PlaceHoldInput } from './holds';
import { settleBatchIn, type SettlementRequest } from './settle-batch';
import { settleIn, type Settlement } from './settlement';
import { transferIn, TransferKinds, type TransferInput, type TransferResult } from './transfers';

export interface LedgerOptions {
  /** The network's share of every charge, in basis points. */
  commissionBps: number;
  /** Told of every operation that moves or reserves money: its latency, and its error if it failed (server/metrics/). */
  observe?: LedgerObserver;
}

export type LedgerOp = 'transfer' | 'grant_starter_credits' | 'place_hold' | 'settle' | 'release' | 'release_expired';
export type LedgerObserver = (op: LedgerOp, seconds: number, error?: unknown) => void;

/**
 * The double-entry ledger (ARCHITECTURE.md, "Money"). Every method runs in one transaction; when
 * given an open transaction as `exec` it runs inside it (a savepoint; `settle` needs none, see
 * there), so callers can combine a ledger step with their own writes atomically.
 */
export class Ledger {
  constructor(
    private readonly db: Executor,
    private readonly opts: LedgerOptions,
  ) {}

  transfer(t: TransferInput, exec: Executor = this.db): Promise<TransferResult> {
    return this.timed('transfer', () => exec.transaction((tx) => transferIn(tx, t)));
  }

  /**
   * Starter credits from the promo account, once per user whatever the retries. They count as the
   * user's promotional credits (promo.ts), spent first, in the same transaction.
   */
  grantStarterCredits(userId: string, amount: bigint, exec: Executor = this.db): Promise<TransferResult | null> {
    if (amount <= 0n) return Promise.resolve(null);
    return this.timed('grant_starter_credits', () => exec.transaction(async (tx) => {
      const result = await transferIn(tx, { debit: Accounts.promo, credit: Accounts.user(userId), amount, kind: TransferKinds.starterCredits, idempotencyKey: `starter:${userId}` });
      if (result.created) await addPromoIn(tx, userId, amount);
      return result;
    }));
  }

  balance(account: AccountRef, exec: Executor = this.db): Promise<bigint> {
    return balanceOf(exec, account);
  }

  /** A user's ledger balance and what their active holds reserve; available = balance − held. */
  userFunds(userId: string, exec: Executor = this.db): Promise<Funds> {
    return fundsOf(exec, userId);
  }

  /**
   * One statement when the user has the credits (tryPlaceHold), in the caller's transaction or in
   * none, with `alongside` (see there) in the same statement; else step by step, which creates a
   * new user's account and says why it refused. In the caller's transaction it takes no savepoint:
   * a refusal fails the caller's whole transaction, which is what the relay wants of it.
   * @throws CocoonError('ledger.insufficient_credits' | 'job.invalid_state') and changes nothing.
   */
  placeHold(h: PlaceHoldInput, exec: Executor = this.db, alongside?: SQL): Promise<void> {
    return this.timed('place_hold', async () => {
      if (await tryPlaceHold(exec, h, alongside)) return;
      return exec instanceof PgTransaction ? placeHoldIn(exec, h, alongside) : exec.transaction((tx) => placeHoldIn(tx, h, alongside));
    });
  }

  /** One statement the first time, in no transaction of its own and no savepoint (settlement.ts). */
  settle(jobId: string, hostId: string, charged: bigint, exec: Executor = this.db): Promise<Settlement> {
    return this.timed('settle', () => settleIn(exec, jobId, hostId, charged, this.opts.commissionBps));
  }

  /** Many jobs' first settlements in one statement (settle-batch.ts); the jobs it could not settle are left out, unchanged. */
  settleBatch(requests: readonly SettlementRequest[], exec: Executor = this.db): Promise<Map<string, Settlement>> {
    return this.timed('settle', () => settleBatchIn(exec, requests, this.opts.commissionBps));
  }

  release(jobId: string, exec: Executor = this.db): Promise<boolean> {
    return this.timed('release', () => exec.transaction((tx) => releaseIn(tx, jobId)));
  }

  releaseExpired(now: Date = new Date()): Promise<string[]> {
    return this.timed('release_expired', () => this.db.transaction((tx) => releaseExpiredIn(tx, now)));
  }

  sumOfBalances(): Promise<bigint> {
    return sumOfBalances(this.db);
  }

  private async timed<T>(op: LedgerOp, fn: () => Promise<T>): Promise<T> {
    const observe = this.opts.observe;
    if (!observe) return fn();
    const t0 = performance.now();
    try {
      const result = await fn();
      observe(op, (performance.now() - t0) / 1000);
      return result;
    } catch (e) {
      observe(op, (performance.now() - t0) / 1000, e);
      throw e;
    }
  }
}
