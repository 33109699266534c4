import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { apiKeySpend, holds, HoldStatuses, jobs } from '../db/schema';

/** A key's settled charges (all of them, and today's) and what its jobs in flight hold now, in micro-credits. */
export interface KeySpending {
  total: bigint;
  today: bigint;
  held: bigint;
}

/** The UTC day of an instant, `YYYY-MM-DD`: a request counts toward the day it was made. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

const toBigInt = (v: unknown): bigint => BigInt(String(v ?? '0'));

/** What each of `keyIds` (all of `userId`'s) spent and holds; every id is in the map. */
export async function keySpending(exec: Executor, userId: string, keyIds: string[], now = new Date()): Promise<Map<string, KeySpending>> {
  const out = new Map(keyIds.map((id) => [id, { total: 0n, today: 0n, held: 0n }]));
  if (keyIds.length === 0) return out;
  const today = utcDay(now);
  const spent = await exec
    .select({
      keyId: apiKeySpend.apiKeyId,
      total: sql<string>`sum(${apiKeySpend.spent})`,
      today: sql<string>`coalesce(sum(${apiKeySpend.spent}) filter (where ${apiKeySpend.day} = ${today}), 0)`,
    })
    .from(apiKeySpend)
    .where(inArray(apiKeySpend.apiKeyId, keyIds))
    .groupBy(apiKeySpend.apiKeyId);
  for (const r of spent) Object.assign(out.get(r.keyId)!, { total: toBigInt(r.total), today: toBigInt(r.today) });
  // The user's active holds (few: their jobs in flight), by the key their job came with.
  const held = await exec
    .select({ keyId: jobs.apiKeyId, held: sql<string>`sum(${holds.amount})` })
    .from(holds)
    .innerJoin(jobs, eq(jobs.id, holds.jobId))
    .where(and(eq(holds.userId, userId), eq(holds.status, HoldStatuses.active), inArray(jobs.apiKeyId, keyIds)))
    .groupBy(jobs.apiKeyId);
  for (const r of held) if (r.keyId) out.get(r.keyId)!.held = toBigInt(r.held);
  return out;
}

/**
 * Adds a settled job's charge to its key's day (the UTC day the job was created). Called in the
 * transaction that settles the job in the ledger, so the budgets never disagree with it.
 */
export async function recordKeySpend(exec: Executor, apiKeyId: string, jobCreatedAt: Date, charged: bigint): Promise<void> {
  if (charged <= 0n) return;
  await exec
    .insert(apiKeySpend)
    .values({ apiKeyId, day: utcDay(jobCreatedAt), spent: charged })
    .onConflictDoUpdate({ target: [apiKeySpend.apiKeyId, apiKeySpend.day], set: { spent: sql`${apiKeySpend.spent} + excluded.spent` } });
}
