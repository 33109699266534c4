import { and, eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Tx } from '../db/client';
import { holds, HoldStatuses, transfers } from '../db/schema';
import { Accounts } from './accounts';
import { spendPromoIn, splitCharge } from './promo';
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
  /** What the host earned in withdrawable credits (`host:<id>`). */
  hostEarning: bigint;
  /** What the host earned from the part paid with promotional credits (`host_promo:<id>`). */
  hostPromoEarning: bigint;
  commission: bigint;
}

/**
 * Moves `charged` from the user to the host's earnings, less the network's commission, and closes
 * the hold. The part the user's promotional credits cover pays the host in promotional credits
 * (promo.ts). Exactly once: a retry returns the first settlement, read back from its transfers,
 * and moves nothing (the promotional balance is spent only when the hold is first settled).
 */
export async function settleIn(tx: Tx, jobId: string, hostId: string, charged: bigint, commissionBps: number): Promise<Settlement> {
  const [hold] = await tx.select().from(holds).where(eq(holds.jobId, jobId)).for('update');
  if (!hold) throw new CocoonError('job.not_found', 'no hold for this job');
  if (hold.status === HoldStatuses.released) throw new CocoonError('job.invalid_state', 'hold already released');
  if (hold.status === HoldStatuses.settled) return settledBefore(tx, jobId, hold.userId, hold.charged ?? 0n);
  if (charged < 0n || charged > hold.amount) {
    throw new CocoonError('ledger.invariant_violated', 'charge exceeds the hold');
  }
  await tx
    .update(holds)
    .set({ status: HoldStatuses.settled, charged, closedAt: new Date() })
    .where(eq(holds.jobId, jobId));
  const split = splitCharge(charged, commissionBps, await spendPromoIn(tx, hold.userId, charged));
  const user = Accounts.user(hold.userId);
  const moves = [
    { credit: Accounts.hostEarnings(hostId), amount: split.hostEarning, kind: TransferKinds.jobEarning, key: 'earning' },
    // The same kind as the withdrawable earning: what the job cost the user is the sum of both.
    { credit: Accounts.hostPromoEarnings(hostId), amount: split.hostPromoEarning, kind: TransferKinds.jobEarning, key: 'promo_earning' },
    { credit: Accounts.networkFees, amount: split.commission, kind: TransferKinds.jobCommission, key: 'commission' },
  ];
  for (const m of moves) {
    if (m.amount > 0n) await transferIn(tx, { debit: user, credit: m.credit, amount: m.amount, kind: m.kind, idempotencyKey: `job:${jobId}:${m.key}`, jobId });
  }
  return { jobId, userId: hold.userId, charged, ...split };
}

/** A settled job's split, from the transfers its settlement made. */
async function settledBefore(tx: Tx, jobId: string, userId: string, charged: bigint): Promise<Settlement> {
  const rows = await tx.select({ creditAccount: transfers.creditAccount, kind: transfers.kind, amount: transfers.amount }).from(transfers).where(eq(transfers.jobId, jobId));
  const sum = (match: (r: (typeof rows)[number]) => boolean) => rows.filter(match).reduce((a, r) => a + r.amount, 0n);
  return {
    jobId,
    userId,
    charged,
    hostEarning: sum((r) => r.kind === TransferKinds.jobEarning && r.creditAccount.startsWith('host:')),
    hostPromoEarning: sum((r) => r.kind === TransferKinds.jobEarning && r.creditAccount.startsWith('host_promo:')),
    commission: sum((r) => r.kind === TransferKinds.jobCommission),
  };
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
