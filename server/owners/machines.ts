import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { MachineSchema } from '@cocoon/shared/protocol/owner';
import { MachineInfoSchema } from '@cocoon/shared/protocol/ws-messages';
import type { Executor } from '../db/client';
import { hosts, transfers } from '../db/schema';
import { emptyJobStats, jobStats, uptimeIntervals, uptimeOver } from '../hosts/host-stats';
import type { HostRegistry, OnlineHost } from '../hosts/registry';
import { reliabilityScore } from '../hosts/reliability';

/** The Machines screen (shared/protocol/owner.ts MachineSchema), built from the hosts table, the live registry and the ledger. */

export type HostRow = typeof hosts.$inferSelect;

/** What the hosts table's jsonb columns hold; rows written by older brokers may lack them. */
const StoredModelsSchema = z.array(z.object({ model: z.string(), price: z.object({ promptPerMillion: z.string(), completionPerMillion: z.string() }) }));

export type WireMachine = z.input<typeof MachineSchema>;

/** The owner's machines, removed ones left out, oldest first. */
export async function ownerHosts(exec: Executor, ownerId: string): Promise<HostRow[]> {
  return exec.select().from(hosts).where(and(eq(hosts.ownerId, ownerId), isNull(hosts.removedAt))).orderBy(asc(hosts.createdAt), asc(hosts.id));
}

/** One of the owner's machines (not removed), or undefined: another owner's machine is not theirs to see. */
export async function ownerHost(exec: Executor, ownerId: string, hostId: string): Promise<HostRow | undefined> {
  const [row] = await exec.select().from(hosts).where(and(eq(hosts.id, hostId), eq(hosts.ownerId, ownerId), isNull(hosts.removedAt)));
  return row;
}

/** The ledger accounts a machine earns into: paid credits, and promotional ones (never withdrawable). */
export const earningAccounts = (hostId: string) => ({ paid: `host:${hostId}`, promo: `host_promo:${hostId}` });

/** Everything each machine earned from jobs (after the network fee), and the promotional part. */
async function earnings(exec: Executor, hostIds: string[]): Promise<Map<string, { total: bigint; promotional: bigint }>> {
  const out = new Map(hostIds.map((id) => [id, { total: 0n, promotional: 0n }]));
  if (hostIds.length === 0) return out;
  const byAccount = new Map<string, { id: string; promo: boolean }>();
  for (const id of hostIds) {
    const a = earningAccounts(id);
    byAccount.set(a.paid, { id, promo: false }).set(a.promo, { id, promo: true });
  }
  // Job earnings only (transfers of a job): a payout or refund is not an earning.
  const rows = await exec
    .select({ account: transfers.creditAccount, sum: sql<string>`sum(${transfers.amount})` })
    .from(transfers)
    .where(and(inArray(transfers.creditAccount, [...byAccount.keys()]), isNotNull(transfers.jobId)))
    .groupBy(transfers.creditAccount);
  for (const r of rows) {
    const which = byAccount.get(r.account);
    const e = which && out.get(which.id);
    if (!which || !e) continue;
    e.total += BigInt(r.sum);
    if (which.promo) e.promotional += BigInt(r.sum);
  }
  return out;
}

function liveStatus(live: OnlineHost | undefined): WireMachine['status'] {
  if (!live) return 'offline';
  if (live.draining) return 'draining';
  return live.bundle.tee === 'tdx' ? 'attested' : 'online';
}

export async function listMachines(exec: Executor, registry: HostRegistry, ownerId: string, now = new Date()): Promise<WireMachine[]> {
  return machinesOf(exec, registry, await ownerHosts(exec, ownerId), now);
}

export async function machinesOf(exec: Executor, registry: HostRegistry, rows: HostRow[], now = new Date()): Promise<WireMachine[]> {
  const ids = rows.map((r) => r.id);
  const [intervals, stats, earned] = [await uptimeIntervals(exec, ids, now), await jobStats(exec, ids, now), await earnings(exec, ids)];
  return rows.map((row) => {
    const live = registry.get(row.id);
    const info = MachineInfoSchema.safeParse(row.machine);
    const models = StoredModelsSchema.safeParse(row.models);
    const uptime = uptimeOver(intervals.get(row.id) ?? [], now, row.createdAt);
    const s = stats.get(row.id) ?? emptyJobStats();
    const e = earned.get(row.id) ?? { total: 0n, promotional: 0n };
    return {
      id: row.id,
      name: row.name,
      status: liveStatus(live),
      statusSince: row.statusSince.toISOString(),
      tee: live?.bundle.tee ?? row.teeKind,
      gpus: info.success ? info.data.gpus : [],
      agentVersion: info.success ? info.data.agentVersion : null,
      models: models.success ? models.data : [],
      priceCoefficientMilli: row.priceCoefficientMilli,
      activeJobs: live?.activeJobs ?? 0,
      capacity: live?.maxConcurrentJobs ?? row.maxConcurrentJobs ?? 0,
      uptime,
      stats: s,
      reliability: reliabilityScore({ uptimeWeek: uptime.week, jobs: s.jobs, failures: s.failures, medianTtftMs: s.medianTtftMs }),
      earnings: { total: e.total.toString(), promotional: e.promotional.toString() },
      enrolledAt: row.createdAt.toISOString(),
    };
  });
}
