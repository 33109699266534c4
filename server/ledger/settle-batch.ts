import { CocoonError } from '@cocoon/shared/errors';
import type { Executor } from '../db/client';
import { HoldStatuses } from '../db/schema';
import { Accounts, USER_ACCOUNT_PREFIX } from './accounts';
import { rowsOf } from './balances';
import { pgCode, type Settlement } from './settlement';
import { TransferKinds } from './transfers';

export interface SettlementRequest {
  jobId: string;
  hostId: string;
  charged: bigint;
}

/**
 * Settles many jobs in one statement (SETTLE_BATCH_SQL): what settlement.ts's SETTLE_SQL does for
 * one, for each, with one round trip and one commit for all. Returns the settlements it made; a
 * job missing from the result was not an active hold covering its charge and nothing of it
 * changed (the caller settles it alone, which says why or returns its first settlement). The
 * statement applies whole or fails whole.
 *
 * A user's promotional credits are spent in job-id order across the user's jobs in the batch
 * (a running sum), so two of them never spend the same credits and the total spent is what one
 * at a time would spend.
 */
export async function settleBatchIn(exec: Executor, requests: readonly SettlementRequest[], commissionBps: number): Promise<Map<string, Settlement>> {
  const settled = new Map<string, Settlement>();
  if (requests.length === 0) return settled;
  if (new Set(requests.map((r) => r.jobId)).size !== requests.length) throw new CocoonError('ledger.invariant_violated', 'a job appears twice in one settlement batch');
  const items = requests.map((r) => {
    if (r.charged < 0n) throw new CocoonError('ledger.invariant_violated', 'a charge must not be negative');
    return {
      job_id: r.jobId,
      charged: String(r.charged),
      earn: Accounts.hostEarnings(r.hostId).id,
      promo_earn: Accounts.hostPromoEarnings(r.hostId).id,
      k_earn: `job:${r.jobId}:earning`,
      k_promo: `job:${r.jobId}:promo_earning`,
      k_comm: `job:${r.jobId}:commission`,
    };
  });
  let result;
  try {
    result = await exec._.session.prepareQuery({ sql: SETTLE_BATCH_SQL, params: [JSON.stringify(items), commissionBps, USER_ACCOUNT_PREFIX] }, undefined, SETTLE_BATCH_STATEMENT, false).execute();
  } catch (e) {
    if (pgCode(e) === '23505') throw new CocoonError('ledger.invariant_violated', 'idempotency key already used for a different transfer', { cause: e });
    throw e;
  }
  const money = (v: unknown) => BigInt(String(v));
  for (const row of rowsOf<{ job_id: string; user_id: string; charged: unknown; commission: unknown; host_promo_earning: unknown; host_earning: unknown }>(result)) {
    settled.set(row.job_id, {
      jobId: row.job_id,
      userId: row.user_id,
      charged: money(row.charged),
      hostEarning: money(row.host_earning),
      hostPromoEarning: money(row.host_promo_earning),
      commission: money(row.commission),
    });
  }
  return settled;
}

const SETTLE_BATCH_STATEMENT = 'ledger_settle_batch_v1';

/**
 * $1: the jobs as a JSON array (job id, charge, the host's two earnings accounts, the three
 * transfer keys); $2: commission in basis points; $3: the user account prefix. The steps are
 * SETTLE_SQL's (settlement.ts), per job:
 * - closed: each active hold covering its charge (row locks in the holds' order).
 * - promo: the users' promotional balances, locked; `before` is what the user's earlier jobs in
 *   the batch (by job id) charge, so each job's `covered` is what is left of the promotional
 *   balance after them, and `spent` takes the users' totals in one update per user.
 * - split, moves, accounts, transfers: as for one job (zero-sum moves, keys per job).
 * Job ids come back as the JSON gave them (text), so the caller's map keys match.
 */
const SETTLE_BATCH_SQL = `
  with args as (
    select a.job_id as job_key, a.job_id::uuid as job_id, a.charged::bigint as charged, a.earn, a.promo_earn, a.k_earn, a.k_promo, a.k_comm
    from jsonb_to_recordset($1::jsonb) as a(job_id text, charged text, earn text, promo_earn text, k_earn text, k_promo text, k_comm text)
  ),
  closed as (
    update holds h set status = '${HoldStatuses.settled}', charged = args.charged, closed_at = now()
    from args
    where h.job_id = args.job_id and h.status = '${HoldStatuses.active}' and h.amount >= args.charged
    returning h.job_id, h.user_id, args.charged
  ),
  promo as (
    select p.user_id, p.remaining from promo_balances p
    where p.user_id in (select user_id from closed) and p.remaining > 0
    order by p.user_id
    for update of p
  ),
  ordered as (
    select c.job_id, c.user_id, c.charged,
      coalesce(sum(c.charged) over (partition by c.user_id order by c.job_id rows between unbounded preceding and 1 preceding), 0) as before
    from closed c
  ),
  shares as (
    select o.job_id, o.user_id, o.charged,
      (case when o.charged > 0 then least(o.charged::numeric, greatest(coalesce(p.remaining, 0) - o.before, 0)) else 0 end)::bigint as covered,
      div(o.charged::numeric * $2::bigint, 10000)::bigint as commission
    from ordered o left join promo p on p.user_id = o.user_id
  ),
  spent as (
    update promo_balances p set remaining = p.remaining - s.total
    from (select user_id, sum(covered)::bigint as total from shares group by user_id) s
    where p.user_id = s.user_id and s.total > 0
    returning p.user_id
  ),
  split as (
    select job_id, user_id, charged, commission, charged - commission - host_promo_earning as host_earning, host_promo_earning
    from shares cross join lateral (
      select covered - (case when charged > 0 then div(commission::numeric * covered, charged)::bigint else 0 end) as host_promo_earning
    ) promo_share
  ),
  moves as (
    select split.job_id, split.user_id, m.key, m.credit, m.credit_kind, m.kind, m.amount
    from split join args on args.job_id = split.job_id
    cross join lateral (values
      (args.k_earn, args.earn, '${Accounts.hostEarnings('').kind}', '${TransferKinds.jobEarning}', split.host_earning),
      (args.k_promo, args.promo_earn, '${Accounts.hostPromoEarnings('').kind}', '${TransferKinds.jobEarning}', split.host_promo_earning),
      (args.k_comm, '${Accounts.networkFees.id}', '${Accounts.networkFees.kind}', '${TransferKinds.jobCommission}', split.commission)
    ) m(key, credit, credit_kind, kind, amount)
    where m.amount > 0
  ),
  new_accounts as (
    insert into accounts (id, kind) select distinct credit, credit_kind from moves order by credit on conflict do nothing
  ),
  made as (
    insert into transfers (debit_account, credit_account, amount, kind, idempotency_key, job_id)
    select $3::text || moves.user_id::text, moves.credit, moves.amount, moves.kind, moves.key, moves.job_id
    from moves
  )
  select args.job_key as job_id, split.user_id, split.charged, split.commission, split.host_earning, split.host_promo_earning
  from split join args on args.job_id = split.job_id`;
