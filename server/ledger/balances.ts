import { and, eq, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { holds, HoldStatuses, transfers } from '../db/schema';
import type { AccountRef } from './accounts';

const toBigInt = (v: unknown): bigint => BigInt(String(v ?? '0'));

/** Balance = credits − debits, over every transfer that touched the account. */
export async function balanceOf(exec: Executor, account: AccountRef): Promise<bigint> {
  const [row] = await exec
    .select({
      total: sql<string>`coalesce(sum(case when ${transfers.creditAccount} = ${account.id} then ${transfers.amount} else -${transfers.amount} end), 0)`,
    })
    .from(transfers)
    .where(or(eq(transfers.creditAccount, account.id), eq(transfers.debitAccount, account.id)));
  return toBigInt(row?.total);
}

/** What a user's active holds reserve. */
export async function heldBy(exec: Executor, userId: string): Promise<bigint> {
  const [row] = await exec
    .select({ total: sql<string>`coalesce(sum(${holds.amount}), 0)` })
    .from(holds)
    .where(and(eq(holds.userId, userId), eq(holds.status, HoldStatuses.active)));
  return toBigInt(row?.total);
}

/**
 * Sum of every account's balance; zero unless the ledger is broken. Computed per account and
 * then added up, so it checks the same sums `balanceOf` relies on.
 */
export async function sumOfBalances(exec: Executor): Promise<bigint> {
  const result = await exec.execute(sql`
    select coalesce(sum(b), 0) as total from (
      select sum(amount) as b from ${transfers} group by credit_account
      union all
      select -sum(amount) as b from ${transfers} group by debit_account
    ) per_account`);
  return toBigInt(rowsOf<{ total: unknown }>(result)[0]?.total);
}

/** Both drivers return `{ rows }` from `execute`; drizzle types them per driver. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
