import { and, eq, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { holds, HoldStatuses, transfers } from '../db/schema';
import { Accounts, type AccountRef } from './accounts';

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

export interface Funds {
  balance: bigint;
  /** What the user's active holds reserve. */
  held: bigint;
  /** balance − held: what a new hold or payment may take. */
  available: bigint;
}

/** A user's balance and holds in one statement (one snapshot: the two agree with each other). */
export async function fundsOf(exec: Executor, userId: string): Promise<Funds> {
  const account = Accounts.user(userId).id;
  const result = await exec.execute(sql`
    select
      (select coalesce(sum(case when credit_account = ${account} then amount else -amount end), 0)
        from ${transfers} where credit_account = ${account} or debit_account = ${account}) as balance,
      (select coalesce(sum(amount), 0) from ${holds} where user_id = ${userId}::uuid and status = ${HoldStatuses.active}) as held`);
  const row = rowsOf<{ balance: unknown; held: unknown }>(result)[0];
  const balance = toBigInt(row?.balance);
  const held = toBigInt(row?.held);
  return { balance, held, available: balance - held };
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
