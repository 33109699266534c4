import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor, Tx } from '../db/client';
import { accounts, holds, HoldStatuses } from '../db/schema';
import { Accounts } from './accounts';
import { rowsOf } from './balances';
import { assertAvailable } from './transfers';

export interface PlaceHoldInput {
  jobId: string;
  userId: string;
  amount: bigint;
  expiresAt: Date;
}

/**
 * Places the hold in one statement, in no transaction of its own: it locks the user's account
 * row, checks its kept balance − held credits (a lock that waited re-reads the row as the
 * transaction before it left it), inserts the hold (whose trigger adds it to `held`) and, only
 * when the hold was placed, runs `alongside`: a data-modifying statement that may read the CTE
 * `placed (job_id)`, such as the relay's job row (server/relay/jobs-repo.ts). False, with nothing
 * changed, when the hold was not placed (short of credits, no account yet, or the job id used):
 * placeHoldIn then says which.
 */
export async function tryPlaceHold(exec: Executor, h: PlaceHoldInput, alongside?: SQL): Promise<boolean> {
  if (h.amount < 0n) throw new CocoonError('ledger.invariant_violated', 'hold amount must not be negative');
  const result = await exec.execute(sql`
    with ok as (
      select ${accounts.id} from ${accounts}
      where ${accounts.id} = ${Accounts.user(h.userId).id} and ${accounts.balance} - ${accounts.held} >= ${h.amount}
      for no key update
    ), placed as (
      insert into ${holds} (job_id, user_id, amount, expires_at)
      select ${h.jobId}::uuid, ${h.userId}::uuid, ${h.amount}::bigint, ${h.expiresAt.toISOString()}::timestamptz from ok
      on conflict (job_id) do nothing
      returning job_id
    )${alongside ? sql`, alongside as (${alongside})` : sql``}
    select count(*)::int as placed from placed`);
  return rowsOf<{ placed: number }>(result)[0]?.placed === 1;
}

/**
 * Reserves `amount` of the user's credits for a job, in the caller's transaction, step by step: a
 * new user's account is created, and a refusal says why. Fails and changes nothing when short.
 * `alongside`: as for tryPlaceHold, run once the hold is placed.
 */
export async function placeHoldIn(tx: Tx, h: PlaceHoldInput, alongside?: SQL): Promise<void> {
  if (h.amount < 0n) throw new CocoonError('ledger.invariant_violated', 'hold amount must not be negative');
  await assertAvailable(tx, Accounts.user(h.userId), h.amount);
  if (!(await tryPlaceHold(tx, h, alongside))) throw new CocoonError('job.invalid_state', 'job id already used');
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
