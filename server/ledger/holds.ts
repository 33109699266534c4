import { and, eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Tx } from '../db/client';
import { holds, HoldStatuses } from '../db/schema';
import { Accounts } from './accounts';
import { assertAvailable } from './transfers';

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
