import { eq } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor, Tx } from '../db/client';
import { holds, HoldStatuses, transfers } from '../db/schema';
import { Accounts, USER_ACCOUNT_PREFIX, type AccountRef } from './accounts';
import { rowsOf } from './balances';
import type { ChargeSplit } from './promo';
import { TransferKinds, type TransferKind } from './transfers';

export interface Settlement extends ChargeSplit {
  jobId: string;
  userId: string;
  charged: bigint;
}

/**
 * Moves `charged` from the user to the host's earnings, less the network's commission, and closes
 * the hold. The part the user's promotional credits cover pays the host in promotional credits
 * (promo.ts). Exactly once: a retry returns the first settlement, read back from its transfers,
 * and moves nothing (the promotional balance is spent only when the hold is first settled).
 *
 * The first settlement is one statement (SETTLE_SQL), so outside a transaction it needs none
 * of its own and inside the caller's it needs no savepoint: it applies whole or fails whole, and
 * nothing is written before it. No balance check: placing the hold reserved its amount against
 * what the user had available, and closing it for `charged ≤ amount` leaves
 * `balance − charged − (held − amount)`, never less than before.
 */
export async function settleIn(exec: Executor, jobId: string, hostId: string, charged: bigint, commissionBps: number): Promise<Settlement> {
  const settled = charged >= 0n ? await runSettlement(exec, jobId, hostId, charged, commissionBps) : undefined;
  if (settled) return settled;
  // Not an active hold that covers the charge: say why, under the hold's lock.
  const explain = async (tx: Tx): Promise<Settlement> => {
    const [hold] = await tx.select().from(holds).where(eq(holds.jobId, jobId)).for('update');
    if (!hold) throw new CocoonError('job.not_found', 'no hold for this job');
    if (hold.status === HoldStatuses.released) throw new CocoonError('job.invalid_state', 'hold already released');
    if (hold.status === HoldStatuses.settled) return settledBefore(tx, jobId, hold.userId, hold.charged ?? 0n);
    if (charged < 0n || charged > hold.amount) throw new CocoonError('ledger.invariant_violated', 'charge exceeds the hold');
    // Placed after the first look (a placement racing its own settlement): settled now, under the lock.
    const late = await runSettlement(tx, jobId, hostId, charged, commissionBps);
    if (!late) throw new CocoonError('ledger.invariant_violated', 'an active hold could not be closed under its lock');
    return late;
  };
  return exec instanceof PgTransaction ? explain(exec) : exec.transaction(explain);
}

async function runSettlement(exec: Executor, jobId: string, hostId: string, charged: bigint, commissionBps: number): Promise<Settlement | undefined> {
  let result;
  try {
    result = await exec._.session.prepareQuery({ sql: SETTLE_SQL, params: settleParams(jobId, hostId, charged, commissionBps) }, undefined, SETTLE_STATEMENT, false).execute();
  } catch (e) {
    // The keys are fresh while the hold is active: one already used means another movement took it.
    if (pgCode(e) === '23505') throw new CocoonError('ledger.invariant_violated', 'idempotency key already used for a different transfer', { cause: e });
    throw e;
  }
  const row = rowsOf<{ user_id: string; commission: unknown; host_promo_earning: unknown; host_earning: unknown }>(result)[0];
  if (!row) return undefined;
  const money = (v: unknown) => BigInt(String(v));
  return { jobId, userId: row.user_id, charged, hostEarning: money(row.host_earning), hostPromoEarning: money(row.host_promo_earning), commission: money(row.commission) };
}

/**
 * The settlement is a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every settlement (most of its cost otherwise). Static text, so its
 * parameters are positional ($n); PGlite runs it as a plain parameterised query.
 */
const SETTLE_STATEMENT = 'ledger_settle_v1';

/** $4–$15: the three moves (key, credit account, its kind, transfer kind), in SETTLE_SQL's order. */
function settleParams(jobId: string, hostId: string, charged: bigint, commissionBps: number): unknown[] {
  const move = (key: string, credit: AccountRef, kind: TransferKind) => [`job:${jobId}:${key}`, credit.id, credit.kind, kind];
  return [
    jobId,
    String(charged),
    commissionBps,
    ...move('earning', Accounts.hostEarnings(hostId), TransferKinds.jobEarning),
    // The same kind as the withdrawable earning: what the job cost the user is the sum of both.
    ...move('promo_earning', Accounts.hostPromoEarnings(hostId), TransferKinds.jobEarning),
    ...move('commission', Accounts.networkFees, TransferKinds.jobCommission),
    USER_ACCOUNT_PREFIX,
  ];
}

/**
 * The whole first settlement as one statement; no row when the hold is not active or does not
 * cover the charge, and then nothing changed.
 * - closed: the hold, if active and covering the charge (its row lock is the first one taken).
 * - promo, spent: up to `charged` of the user's promotional credits (spent first, promo.ts), under
 *   the user's promotional row lock (the second one). Read committed: a settlement that waited for
 *   either lock sees the row as the other left it (the update re-checks `status = 'active'`; `for
 *   update` returns the latest version), so one job closes once and two settlements of one user
 *   never spend the same credits.
 * - split: splitCharge (promo.ts) in SQL, exact (numeric, no overflow); promo.test.ts checks the two agree.
 * - moves: up to three transfers, each one debit and one credit (zero-sum), keyed by job; their
 *   accounts are created if new, in id order (two transactions creating the same ones wait for
 *   each other). Transfers take only key-share locks on the accounts (their foreign keys), which
 *   do not conflict: settlements of different users do not queue on the host's or the network's row.
 */
const SETTLE_SQL = `
  with args as (select $1::uuid as job_id, $2::bigint as charged, $3::bigint as bps),
  closed as (
    update holds h set status = '${HoldStatuses.settled}', charged = args.charged, closed_at = now()
    from args
    where h.job_id = args.job_id and h.status = '${HoldStatuses.active}' and h.amount >= args.charged
    returning h.user_id
  ),
  promo as (
    select p.user_id, least(p.remaining, args.charged) as covered
    from promo_balances p join closed on closed.user_id = p.user_id cross join args
    where p.remaining > 0 and args.charged > 0
    for update of p
  ),
  spent as (
    update promo_balances p set remaining = p.remaining - promo.covered
    from promo where p.user_id = promo.user_id
    returning promo.covered
  ),
  shares as (
    select closed.user_id, args.charged, coalesce((select covered from spent), 0) as covered,
      div(args.charged::numeric * args.bps, 10000)::bigint as commission
    from closed cross join args
  ),
  split as (
    select user_id, commission, charged - commission - host_promo_earning as host_earning, host_promo_earning
    from shares cross join lateral (
      select covered - (case when charged > 0 then div(commission::numeric * covered, charged)::bigint else 0 end) as host_promo_earning
    ) promo_share
  ),
  moves as (
    select split.user_id, m.key, m.credit, m.credit_kind, m.kind, m.amount
    from split cross join lateral (values
      ($4::text, $5::text, $6::text, $7::text, split.host_earning),
      ($8::text, $9::text, $10::text, $11::text, split.host_promo_earning),
      ($12::text, $13::text, $14::text, $15::text, split.commission)
    ) m(key, credit, credit_kind, kind, amount)
    where m.amount > 0
  ),
  new_accounts as (
    insert into accounts (id, kind) select credit, credit_kind from moves order by credit on conflict do nothing
  ),
  made as (
    insert into transfers (debit_account, credit_account, amount, kind, idempotency_key, job_id)
    select $16::text || moves.user_id::text, moves.credit, moves.amount, moves.kind, moves.key, args.job_id
    from moves cross join args
  )
  select user_id, commission, host_earning, host_promo_earning from split`;

/** The SQLSTATE of a driver error, which drizzle wraps as the `cause` of its own. */
export function pgCode(e: unknown): string | undefined {
  for (let err: unknown = e; err instanceof Error; err = err.cause) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A settled job's split, from the transfers its settlement made. */
async function settledBefore(tx: Tx, jobId: string, userId: string, charged: bigint): Promise<Settlement> {
  const rows = await tx.select({ creditAccount: transfers.creditAccount, kind: transfers.kind, amount: transfers.amount }).from(transfers).where(eq(transfers.jobId, jobId));
  const sum = (match: (r: (typeof rows)[number]) => boolean) => rows.filter(match).reduce((a, r) => a + r.amount, 0n);
  return {
    jobId,
    userId,
    charged,
    hostEarning: sum((r) => r.kind === TransferKinds.jobEarning && r.creditAccount.startsWith('host:')),
    hostPromoEarning: sum((r) => r.kind === TransferKinds.jobEarning && r.creditAccount.startsWith('host_promo:')),
    commission: sum((r) => r.kind === TransferKinds.jobCommission),
  };
}
