import { and, desc, eq, gt } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor } from '../db/client';

/** A table of rows users create: who created each, and when. */
export interface QuotaTable {
  table: PgTable;
  userId: PgColumn;
  createdAt: PgColumn;
  /** For the error message: "sessions". */
  what: string;
}

const HOUR_MS = 3600_000;

/**
 * Refuses a new row when `userId` already created `max` rows of `t` in the last hour. Checked
 * before the insert, outside its transaction: concurrent requests of one user can overshoot by
 * a few, which the per-user request limit in front of every such route bounds.
 * @throws CocoonError('rate_limited') with `retryAfterS`: until the `max`-th newest row is an hour old.
 */
export async function checkHourlyQuota(exec: Executor, t: QuotaTable, userId: string, max: number, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [row] = await exec
    .select({ createdAt: t.createdAt })
    .from(t.table)
    .where(and(eq(t.userId, userId), gt(t.createdAt, since)))
    .orderBy(desc(t.createdAt))
    .offset(max - 1)
    .limit(1);
  if (!row) return;
  const createdAt = row.createdAt as Date;
  const retryAfterS = Math.max(1, Math.ceil((createdAt.getTime() + HOUR_MS - now.getTime()) / 1000));
  throw new CocoonError('rate_limited', `too many ${t.what} created in the last hour: at most ${max}`, { retryAfterS });
}
