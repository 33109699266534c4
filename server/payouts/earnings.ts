import { and, eq, gt, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { EarningsResponse, EarningsTotals } from '@cocoon/shared/protocol/owner';
import type { Executor } from '../db/client';
import { hosts, jobs, payouts, PayoutStatuses, transfers } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { TransferKinds } from '../ledger/transfers';

/**
 * An owner's earnings over all their machines (removed ones included), read from the ledger:
 * each machine earns into `host:<id>` (paid credits) and `host_promo:<id>` (promotional credits,
 * never withdrawable). A job's earning becomes withdrawable `settlementDelayS` after it settled,
 * so a disputed job can still be refunded from it. Sums are cast to text: both drivers then
 * return the exact value.
 */

export interface EarningsClock {
  settlementDelayS: number;
  now: Date;
}

/** One machine's paid earnings account: what it holds, and what of it is still in the settlement delay. */
export interface AccountEarnings {
  hostId: string;
  account: string;
  balance: bigint;
  pending: bigint;
  /** `balance − pending`, never below zero. */
  withdrawable: bigint;
}

export async function ownerHostIds(exec: Executor, ownerId: string): Promise<string[]> {
  const rows = await exec.select({ id: hosts.id }).from(hosts).where(eq(hosts.ownerId, ownerId)).orderBy(hosts.id);
  return rows.map((r) => r.id);
}

const sumText = (col: typeof transfers.amount) => sql<string>`coalesce(sum(${col}), 0)::text`;

/** Credits − debits per account, for the given account ids. */
async function balances(exec: Executor, accountIds: string[]): Promise<Map<string, bigint>> {
  const out = new Map(accountIds.map((id) => [id, 0n]));
  if (accountIds.length === 0) return out;
  const [credits, debits] = await Promise.all([
    exec.select({ account: transfers.creditAccount, total: sumText(transfers.amount) }).from(transfers).where(inArray(transfers.creditAccount, accountIds)).groupBy(transfers.creditAccount),
    exec.select({ account: transfers.debitAccount, total: sumText(transfers.amount) }).from(transfers).where(inArray(transfers.debitAccount, accountIds)).groupBy(transfers.debitAccount),
  ]);
  for (const r of credits) out.set(r.account, (out.get(r.account) ?? 0n) + BigInt(r.total));
  for (const r of debits) out.set(r.account, (out.get(r.account) ?? 0n) - BigInt(r.total));
  return out;
}

/** Each machine's paid earnings account, in host id order (the order payouts draw from them). */
export async function paidAccounts(exec: Executor, hostIds: string[], clock: EarningsClock): Promise<AccountEarnings[]> {
  const ids = hostIds.map((h) => Accounts.hostEarnings(h).id);
  if (ids.length === 0) return [];
  const cutoff = new Date(clock.now.getTime() - clock.settlementDelayS * 1000);
  const [bal, recent] = await Promise.all([
    balances(exec, ids),
    exec
      .select({ account: transfers.creditAccount, total: sumText(transfers.amount) })
      .from(transfers)
      .where(and(inArray(transfers.creditAccount, ids), eq(transfers.kind, TransferKinds.jobEarning), gt(transfers.createdAt, cutoff)))
      .groupBy(transfers.creditAccount),
  ]);
  const pendingOf = new Map(recent.map((r) => [r.account, BigInt(r.total)]));
  return hostIds.map((hostId, i) => {
    const account = ids[i]!;
    const balance = bal.get(account) ?? 0n;
    const pending = pendingOf.get(account) ?? 0n;
    return { hostId, account, balance, pending, withdrawable: balance > pending ? balance - pending : 0n };
  });
}

/** The owner's totals (GET /api/owner). */
export async function earningsTotals(exec: Executor, ownerId: string, clock: EarningsClock): Promise<EarningsTotals> {
  const hostIds = await ownerHostIds(exec, ownerId);
  const [paid, promo, byStatus, fees] = await Promise.all([
    paidAccounts(exec, hostIds, clock),
    balances(exec, hostIds.map((h) => Accounts.hostPromoEarnings(h).id)),
    exec
      .select({ status: payouts.status, total: sql<string>`coalesce(sum(${payouts.amount}), 0)::text` })
      .from(payouts)
      .where(eq(payouts.ownerId, ownerId))
      .groupBy(payouts.status),
    networkFees(exec, hostIds),
  ]);
  const status = (s: string) => BigInt(byStatus.find((r) => r.status === s)?.total ?? '0');
  const sum = (xs: Iterable<bigint>) => [...xs].reduce((a, b) => a + b, 0n);
  return {
    pending: sum(paid.map((a) => a.pending)),
    withdrawable: sum(paid.map((a) => a.withdrawable)),
    promotional: sum(promo.values()),
    inFlight: status(PayoutStatuses.recorded) + status(PayoutStatuses.sent),
    paidOut: status(PayoutStatuses.confirmed),
    networkFees: fees,
  };
}

/** The network's commission on the jobs the owner's machines ran. */
async function networkFees(exec: Executor, hostIds: string[]): Promise<bigint> {
  if (hostIds.length === 0) return 0n;
  const [row] = await exec
    .select({ total: sumText(transfers.amount) })
    .from(transfers)
    .innerJoin(jobs, eq(jobs.id, transfers.jobId))
    .where(and(inArray(jobs.hostId, hostIds), eq(transfers.kind, TransferKinds.jobCommission), eq(transfers.creditAccount, Accounts.networkFees.id)));
  return BigInt(row?.total ?? '0');
}

const DAY_MS = 86_400_000;
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Per UTC day for the last `days` days (today included), oldest first, every day present: what
 * the machines earned from jobs that day (paid and promotional), the promotional part, and each
 * machine's share (every machine on every day, zeros included). Payouts and returns are not
 * earnings and are left out.
 */
export async function dailyEarnings(exec: Executor, ownerId: string, days: number, now: Date): Promise<EarningsResponse['days']> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const start = new Date(today - (days - 1) * DAY_MS);
  const hostIds = await ownerHostIds(exec, ownerId);
  const out = Array.from({ length: days }, (_, i) => ({
    day: utcDay(new Date(start.getTime() + i * DAY_MS)),
    total: 0n,
    promotional: 0n,
    byMachine: new Map(hostIds.map((h) => [h, 0n])),
  }));
  if (hostIds.length > 0) {
    const accountHost = new Map<string, { hostId: string; promo: boolean }>();
    for (const h of hostIds) accountHost.set(Accounts.hostEarnings(h).id, { hostId: h, promo: false }).set(Accounts.hostPromoEarnings(h).id, { hostId: h, promo: true });
    const day = sql<string>`to_char(${transfers.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
    const rows = await exec
      .select({ day, account: transfers.creditAccount, total: sumText(transfers.amount) })
      .from(transfers)
      .where(and(inArray(transfers.creditAccount, [...accountHost.keys()]), isNotNull(transfers.jobId), eq(transfers.kind, TransferKinds.jobEarning), gte(transfers.createdAt, start)))
      .groupBy(day, transfers.creditAccount);
    const byDay = new Map(out.map((d) => [d.day, d]));
    for (const r of rows) {
      const d = byDay.get(r.day);
      const which = accountHost.get(r.account);
      if (!d || !which) continue;
      const amount = BigInt(r.total);
      d.total += amount;
      if (which.promo) d.promotional += amount;
      d.byMachine.set(which.hostId, (d.byMachine.get(which.hostId) ?? 0n) + amount);
    }
  }
  return out.map((d) => ({ day: d.day, total: d.total, promotional: d.promotional, byMachine: Object.fromEntries(d.byMachine) }));
}
