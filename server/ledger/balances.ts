import { eq, or, sql } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor } from '../db/client';
import { accounts, holds, HoldStatuses, transfers } from '../db/schema';
import { Accounts, USER_ACCOUNT_PREFIX, type AccountRef } from './accounts';

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

/**
 * A user's balance and holds, as their account row keeps them (one row: the two agree with each
 * other). A user with no account yet has nothing.
 */
export async function fundsOf(exec: Executor, userId: string): Promise<Funds> {
  const [row] = await exec.select({ balance: accounts.balance, held: accounts.held }).from(accounts).where(eq(accounts.id, Accounts.user(userId).id));
  const balance = row?.balance ?? 0n;
  const held = row?.held ?? 0n;
  return { balance, held, available: balance - held };
}

/**
 * Sum of every account's balance; zero unless the ledger is broken. Computed per account and
 * then added up, so it checks the same sums `balanceOf` relies on.
 * @throws CocoonError('ledger.invariant_violated') when a user's kept balance or held credits
 * (their account row) disagree with their transfers or active holds (keptFundsMismatches).
 */
export async function sumOfBalances(exec: Executor): Promise<bigint> {
  const mismatches = await keptFundsMismatches(exec);
  if (mismatches.length > 0) {
    throw new CocoonError('ledger.invariant_violated', `kept funds disagree with the ledger for ${mismatches.length} account(s), first ${mismatches[0]}`);
  }
  const result = await exec.execute(sql`
    select coalesce(sum(b), 0) as total from (
      select sum(amount) as b from ${transfers} group by credit_account
      union all
      select -sum(amount) as b from ${transfers} group by debit_account
    ) per_account`);
  return toBigInt(rowsOf<{ total: unknown }>(result)[0]?.total);
}

/**
 * User accounts whose kept `balance` is not the sum of their transfers, or whose `held` is not the
 * sum of their active holds; and any other account with a kept balance (it must keep none).
 */
export async function keptFundsMismatches(exec: Executor): Promise<string[]> {
  const result = await exec.execute(sql`
    select a.id from ${accounts} a
    left join (
      select account, sum(amount) as balance from (
        select credit_account as account, amount from ${transfers}
        union all
        select debit_account, -amount from ${transfers}
      ) moves group by account
    ) t on t.account = a.id
    left join (
      select ${USER_ACCOUNT_PREFIX} || user_id::text as account, sum(amount) as held
      from ${holds} where status = ${HoldStatuses.active} group by user_id
    ) h on h.account = a.id
    where case when a.id like ${`${USER_ACCOUNT_PREFIX}%`}
      then a.balance <> coalesce(t.balance, 0) or a.held <> coalesce(h.held, 0)
      else a.balance <> 0 or a.held <> 0 end
    order by a.id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Both drivers return `{ rows }` from `execute`; drizzle types them per driver. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
