import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client';
import { chainCursors, payments, PaymentProviders } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import type { Ledger } from '../ledger/ledger';
import { TransferKinds } from '../ledger/transfers';
import type { ChainTransaction, TransactionId } from './chain';
import { userForDepositComment } from './deposit-codes';

const NANO_PER_TON = 1_000_000_000n;

export type IgnoreReason = 'not_internal' | 'bounced' | 'aborted' | 'zero_value' | 'no_comment' | 'unknown_comment' | 'dust';

export type Outcome =
  | { kind: 'credited'; userId: string; credits: bigint; nanoton: bigint }
  | { kind: 'already_credited' }
  | { kind: 'ignored'; reason: IgnoreReason };

export interface CreditContext {
  db: Db;
  ledger: Ledger;
  microCreditsPerTon: bigint;
  cursorName: string;
}

/** What a transaction on the service wallet is, before any database lookup. */
export function classify(tx: ChainTransaction): { value: bigint; comment: string } | IgnoreReason {
  const msg = tx.inMessage;
  if (!msg || msg.type !== 'internal') return 'not_internal';
  if (msg.bounced) return 'bounced';
  if (msg.value <= 0n) return 'zero_value';
  if (tx.aborted) return 'aborted';
  if (msg.comment === null) return 'no_comment';
  return { value: msg.value, comment: msg.comment };
}

/**
 * Applies one finalized transaction of the service wallet: credits a deposit at most once per
 * transaction hash (the payments row's unique index, and the ledger key `ton:<hash>`), and moves
 * the cursor past it, in one database transaction.
 */
export function applyTransaction(ctx: CreditContext, tx: ChainTransaction): Promise<Outcome> {
  return ctx.db.transaction(async (dbTx) => {
    const outcome = await credit(ctx, dbTx, tx);
    await advanceCursor(dbTx, ctx.cursorName, tx);
    return outcome;
  });
}

async function credit(ctx: CreditContext, exec: Executor, tx: ChainTransaction): Promise<Outcome> {
  const deposit = classify(tx);
  if (typeof deposit === 'string') return { kind: 'ignored', reason: deposit };
  const userId = await userForDepositComment(exec, deposit.comment);
  if (!userId) return { kind: 'ignored', reason: 'unknown_comment' };
  const credits = (deposit.value * ctx.microCreditsPerTon) / NANO_PER_TON;
  if (credits <= 0n) return { kind: 'ignored', reason: 'dust' };
  const [row] = await exec
    .insert(payments)
    .values({ userId, provider: PaymentProviders.ton, externalId: tx.hash, paidAmount: deposit.value, credits })
    .onConflictDoNothing({ target: [payments.provider, payments.externalId] })
    .returning({ id: payments.id });
  if (!row) return { kind: 'already_credited' };
  const { created } = await ctx.ledger.transfer(
    { debit: Accounts.ton, credit: Accounts.user(userId), amount: credits, kind: TransferKinds.tonTopUp, idempotencyKey: `ton:${tx.hash}` },
    exec,
  );
  return created ? { kind: 'credited', userId, credits, nanoton: deposit.value } : { kind: 'already_credited' };
}

/** Moves the cursor forward only: a replay from an older point never moves it back. */
export async function advanceCursor(exec: Executor, name: string, to: TransactionId): Promise<void> {
  await exec
    .insert(chainCursors)
    .values({ name, lt: to.lt, hash: to.hash, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: chainCursors.name,
      set: { lt: to.lt, hash: to.hash, updatedAt: new Date() },
      setWhere: sql`${chainCursors.lt} < excluded.lt`,
    });
}
