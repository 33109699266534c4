import { eq } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor, Tx } from '../db/client';
import { transfers } from '../db/schema';
import { ensureAccounts, lockAvailable, type AccountRef } from './accounts';

export const TransferKinds = {
  starterCredits: 'starter_credits',
  jobEarning: 'job_earning',
  jobCommission: 'job_commission',
  tonTopUp: 'ton_top_up',
  starsTopUp: 'stars_top_up',
  starsRefund: 'stars_refund',
  /** An owner's withdrawal, from a machine's earnings to `external:ton_payouts` (server/payouts/). */
  tonPayout: 'ton_payout',
  /** A payout that bounced or expired unsent, back to the machine's earnings. */
  tonPayoutReturn: 'ton_payout_return',
} as const;
export type TransferKind = (typeof TransferKinds)[keyof typeof TransferKinds];

export interface TransferInput {
  debit: AccountRef;
  credit: AccountRef;
  amount: bigint;
  kind: TransferKind;
  /** A retried key returns the first transfer and moves nothing. */
  idempotencyKey: string;
  jobId?: string;
}

export type TransferRow = typeof transfers.$inferSelect;
export interface TransferResult {
  transfer: TransferRow;
  /** False when the key had been used: nothing moved this time. */
  created: boolean;
}

/** Inside a transaction: moves `amount` unless the key was used; user accounts never go below their holds. */
export async function transferIn(tx: Tx, t: TransferInput): Promise<TransferResult> {
  if (t.amount <= 0n) throw new CocoonError('ledger.invariant_violated', 'transfer amount must be positive');
  const existing = await findByKey(tx, t.idempotencyKey);
  if (existing) return { transfer: sameMovement(existing, t), created: false };
  await ensureAccounts(tx, [t.debit, t.credit]);
  // A user credited has their row locked by the balance trigger (migration 0007), after the debited
  // user's: two users paying each other would deadlock, so the credited row comes first when its id does.
  if (t.debit.kind === 'user' && t.credit.kind === 'user' && t.credit.id < t.debit.id) await lockAvailable(tx, t.credit);
  if (t.debit.kind === 'user') await assertAvailable(tx, t.debit, t.amount);
  const [row] = await tx
    .insert(transfers)
    .values({
      debitAccount: t.debit.id,
      creditAccount: t.credit.id,
      amount: t.amount,
      kind: t.kind,
      idempotencyKey: t.idempotencyKey,
      jobId: t.jobId ?? null,
    })
    .onConflictDoNothing({ target: transfers.idempotencyKey })
    .returning();
  if (row) return { transfer: row, created: true };
  // A concurrent transaction used the key first (PostgreSQL); return its transfer.
  const raced = await findByKey(tx, t.idempotencyKey);
  if (!raced) throw new CocoonError('ledger.invariant_violated', 'idempotency key conflict without a row');
  return { transfer: sameMovement(raced, t), created: false };
}

/**
 * A retry must be the same movement (accounts and kind; the amount of the first one wins). A key
 * reused for another movement is a bug: it would silently skip a transfer, so it is refused.
 */
function sameMovement(row: TransferRow, t: TransferInput): TransferRow {
  if (row.debitAccount !== t.debit.id || row.creditAccount !== t.credit.id || row.kind !== t.kind) {
    throw new CocoonError('ledger.invariant_violated', 'idempotency key already used for a different transfer');
  }
  return row;
}

export function transfer(exec: Executor, t: TransferInput): Promise<TransferResult> {
  return exec.transaction((tx) => transferIn(tx, t));
}

async function findByKey(exec: Executor, key: string): Promise<TransferRow | undefined> {
  const [row] = await exec.select().from(transfers).where(eq(transfers.idempotencyKey, key));
  return row;
}

/**
 * Locks the user's account (creating it first if it is new) and checks its kept balance − held
 * credits ≥ amount, in the statement that takes the lock: a lock that had to wait returns the row
 * as the transaction before it left it.
 */
export async function assertAvailable(tx: Tx, account: AccountRef, amount: bigint): Promise<void> {
  let available = await lockAvailable(tx, account);
  if (available === undefined) {
    await ensureAccounts(tx, [account]);
    available = (await lockAvailable(tx, account)) ?? 0n;
  }
  if (available < amount) {
    throw new CocoonError('ledger.insufficient_credits', `available ${available} < required ${amount}`);
  }
}
