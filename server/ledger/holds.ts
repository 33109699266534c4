import { and, eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Tx } from '../db/client';
import { holds, HoldStatuses } from '../db/schema';
import { Accounts } from './accounts';
import { assertAvailable, transferIn, TransferKinds } from './transfers';

export type HoldRow = typeof holds.$inferSelect;

export interface PlaceHoldInput {
  jobId: string;
  userId: string;
  amount: bigint;
  expiresAt: Date;
}

/** Reserves `amount` of the user's credits for a job; fails and changes nothing when short. */
export async function placeHoldIn(tx: Tx, h: PlaceHoldInput): Promise<HoldRow> {
  if (h.amount < 0n) throw new CocoonError('ledger.invariant_violated', 'hold amount must not be negative');
  await assertAvailable(tx, Accounts.user(h.userId), h.amount);
  const [row] = await tx
    .insert(holds)
    .values({ jobId: h.jobId, userId: h.userId, amount: h.amount, expiresAt: h.expiresAt })
    .onConflictDoNothing({ target: holds.jobId })
    .returning();
  if (!row) throw new CocoonError('job.invalid_state', 'job id already used');
  return row;
}

export interface Settlement {
  jobId: string;
  userId: string;
  charged: bigint;
  hostEarning: bigint;
  commission: bigint;
}

/**
 * Moves `charged` from the user to the host's earnings, less the network's commission, and closes
 * the hold. Exactly once: a retry returns the first settlement and moves nothing.
 */
export async function settleIn(tx: Tx, jobId: string, hostId: string, charged: bigint, commissionBps: number): Promise<Settlement> {
  const [hold] = await tx.select().from(holds).where(eq(holds.jobId, jobId)).for('update');
  if (!hold) throw new CocoonError('job.not_found', 'no hold for this job');
  if (hold.status === HoldStatuses.released) throw new CocoonError('job.invalid_state', 'hold already released');
  const amount = hold.status === HoldStatuses.settled ? (hold.charged ?? 0n) : charged;
  if (amount < 0n || amount > hold.amount) {
    throw new CocoonError('ledger.invariant_violated', 'charge exceeds the hold');
  }
  const commission = (amount * BigInt(commissionBps)) / 10_000n;
  const result: Settlement = { jobId, userId: hold.userId, charged: amount, hostEarning: amount - commission, commission };
  if (hold.status === HoldStatuses.settled) return result;
  await tx
    .update(holds)
    .set({ status: HoldStatuses.settled, charged: amount, closedAt: new Date() })
    .where(eq(holds.jobId, jobId));
  const user = Accounts.user(hold.userId);
  if (result.hostEarning > 0n) {
    await transferIn(tx, { debit: user, credit: Accounts.hostEarnings(hostId), amount: result.hostEarning, kind: TransferKinds.jobEarning, idempotencyKey: `job:${jobId}:earning`, jobId });
  }
  if (commission > 0n) {
    await transferIn(tx, { debit: user, credit: Accounts.networkFees, amount: commission, kind: TransferKinds.jobCommission, idempotencyKey: `job:${jobId}:commission`, jobId });
  }
  return result;
}

/** Releases an active hold; false when it was not active (already settled, released or unknown). */
export async function releaseIn(tx: Tx, jobId: string): Promise<boolean> {
  const rows = await tx
    .update(holds)
    .set({ status: HoldStatuses.released, closedAt: new Date() })
    .where(and(eq(holds.jobId, jobId), eq(holds.status, HoldStatuses.active)))
    .returning({ jobId: holds.jobId });
  return rows.length > 0;
}

/** Releases every active hold past its expiry; returns their job ids. */
export async function releaseExpiredIn(tx: Tx, now: Date): Promise<string[]> {
  const rows = await tx
    .update(holds)
    .set({ status: HoldStatuses.released, closedAt: now })
    .where(and(eq(holds.status, HoldStatuses.active), lt(holds.expiresAt, now)))
    .returning({ jobId: holds.jobId });
  return rows.map((r) => r.jobId);
}
