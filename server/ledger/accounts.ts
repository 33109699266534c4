import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { accounts, AccountKinds, type AccountKind } from '../db/schema';

/** A ledger account, named deterministically so callers never look ids up. */
export interface AccountRef {
  id: string;
  kind: AccountKind;
}

/** A user's account id is this followed by the user's id (settlement.ts builds it in SQL). */
export const USER_ACCOUNT_PREFIX = 'user:';

export const Accounts = {
  user: (userId: string): AccountRef => ({ id: `${USER_ACCOUNT_PREFIX}${userId}`, kind: AccountKinds.user }),
  hostEarnings: (hostId: string): AccountRef => ({ id: `host:${hostId}`, kind: AccountKinds.hostEarnings }),
  /** A machine's earnings from jobs paid with promotional starter credits: shown, never withdrawable. */
  hostPromoEarnings: (hostId: string): AccountRef => ({ id: `host_promo:${hostId}`, kind: AccountKinds.hostPromoEarnings }),
  networkFees: { id: 'network:fees', kind: AccountKinds.networkFees } as AccountRef,
  /** Where starter credits come from; its balance is negative by what was given away. */
  promo: { id: 'external:promo', kind: AccountKinds.externalPromo } as AccountRef,
  /** Where TON deposits come from; its balance is minus the credits bought with TON. */
  ton: { id: 'external:ton', kind: AccountKinds.externalTon } as AccountRef,
  /** Where Stars purchases come from; its balance is minus the credits bought with Stars, net of refunds. */
  stars: { id: 'external:stars', kind: AccountKinds.externalStars } as AccountRef,
  /** Where owners' TON payouts go; its balance is what left (or is leaving) as TON, net of returns. */
  tonPayouts: { id: 'external:ton_payouts', kind: AccountKinds.externalTonPayouts } as AccountRef,
} as const;

/**
 * Creates the accounts that do not exist yet. In id order, so two transactions creating the same
 * new accounts concurrently wait for each other instead of deadlocking on PostgreSQL.
 */
export async function ensureAccounts(exec: Executor, refs: AccountRef[]): Promise<void> {
  const sorted = [...new Map(refs.map((r) => [r.id, r])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await exec
    .insert(accounts)
    .values(sorted.map((r) => ({ id: r.id, kind: r.kind })))
    .onConflictDoNothing();
}

/**
 * Locks a user's account row until the transaction ends, so balance checks and debits serialize,
 * and returns its kept balance − held credits (schema.ts, accounts), read under the lock;
 * undefined when there is no such account.
 * `for no key update`, not `for update`: a transfer row's foreign-key check takes a key-share lock
 * on both accounts, and with `for update` two users paying each other deadlock on PostgreSQL.
 */
export async function lockAvailable(exec: Executor, ref: AccountRef): Promise<bigint | undefined> {
  const [row] = await exec.select({ balance: accounts.balance, held: accounts.held }).from(accounts).where(eq(accounts.id, ref.id)).for('no key update');
  return row && row.balance - row.held;
}
