import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { accounts, AccountKinds, type AccountKind } from '../db/schema';

/** A ledger account, named deterministically so callers never look ids up. */
export interface AccountRef {
  id: string;
  kind: AccountKind;
}

export const Accounts = {
  user: (userId: string): AccountRef => ({ id: `user:${userId}`, kind: AccountKinds.user }),
  hostEarnings: (hostId: string): AccountRef => ({ id: `host:${hostId}`, kind: AccountKinds.hostEarnings }),
  networkFees: { id: 'network:fees', kind: AccountKinds.networkFees } as AccountRef,
  /** Where starter credits come from; its balance is negative by what was given away. */
  promo: { id: 'external:promo', kind: AccountKinds.externalPromo } as AccountRef,
} as const;

export async function ensureAccounts(exec: Executor, refs: AccountRef[]): Promise<void> {
  await exec
    .insert(accounts)
    .values(refs.map((r) => ({ id: r.id, kind: r.kind })))
    .onConflictDoNothing();
}

/** Locks the account row until the transaction ends, so balance checks and debits serialize. */
export async function lockAccount(exec: Executor, ref: AccountRef): Promise<void> {
  await exec.execute(sql`select id from ${accounts} where ${accounts.id} = ${ref.id} for update`);
}
