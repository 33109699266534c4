import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { MachineInfo } from '@cocoon/shared/protocol/ws-messages';
import type { Db, Executor } from '../db/client';
import { hosts, hostUptime, HostStatuses, type HostStatus } from '../db/schema';
import { consumeToken, findToken, findTokenForUpdate, tokenProblem, type TokenRow } from './enrollment-tokens';

/**
 * The hosts table: which owner each machine is bound to, its status (since when), what its last
 * verified bundle served, and its uptime intervals.
 */

export interface HostSighting {
  hostId: string;
  tee: string;
  bundleDigest: string;
  /** The models of the verified claims with their base prices, wire form (the owner's coefficient applies on top). */
  models: { model: string; price: { promptPerMillion: string; completionPerMillion: string } }[];
  maxConcurrentJobs: number;
}

export interface AdmittedHost {
  ownerId: string;
  /** The coefficient the broker prices this machine's jobs with: the owner's setting once enrolled. */
  priceCoefficientMilli: number;
}

type HostRow = typeof hosts.$inferSelect;
type Admission =
  | { kind: 'enroll'; token: TokenRow }
  | { kind: 'known'; row: HostRow & { ownerId: string } }
  | { kind: 'reenroll'; row: HostRow & { ownerId: string }; token: TokenRow };

/**
 * Whether a machine may connect, from its row and the token it presented (see admitHost): the one
 * rule, used by the cheap check before attestation and by the atomic admission after it.
 * @throws CocoonError('host.not_enrolled' | 'host.enroll_token_invalid' | 'host.removed')
 */
function admission(row: HostRow | undefined, presented: string | undefined, token: TokenRow | undefined, now: Date): Admission {
  if (!row?.ownerId) {
    if (presented === undefined) throw new CocoonError('host.not_enrolled', 'this machine has never enrolled: run `cocoon-host enroll <token>` with a token from the app (Add machine)');
    const problem = tokenProblem(token, now);
    if (problem || !token) throw problem ?? new CocoonError('host.enroll_token_invalid', 'the enrollment token is unknown');
    return { kind: 'enroll', token };
  }
  const owned = { ...row, ownerId: row.ownerId };
  if (token && token.ownerId !== row.ownerId) throw new CocoonError('host.enroll_token_invalid', 'the enrollment token belongs to another owner than the one this machine is enrolled to');
  if (row.removedAt === null) return { kind: 'known', row: owned };
  if (!token) throw new CocoonError('host.removed', 'this machine was removed by its owner: enroll it again with a new token from the app');
  const problem = tokenProblem(token, now);
  if (problem) throw problem;
  return { kind: 'reenroll', row: owned, token };
}

/**
 * The same rule, read only and before the bundle is verified: a connection that could never be
 * admitted (unknown machine without a valid token, removed machine, another owner's token) is
 * refused without costing the broker an attestation check. admitHost decides again, atomically.
 * @throws CocoonError('host.not_enrolled' | 'host.enroll_token_invalid' | 'host.removed')
 */
export async function checkMayConnect(db: Executor, hostId: string, enrollToken: string | undefined, now = new Date()): Promise<void> {
  const [row] = await db.select().from(hosts).where(eq(hosts.id, hostId));
  const token = enrollToken === undefined ? undefined : await findToken(db, enrollToken);
  admission(row, enrollToken, token, now);
}

/**
 * Lets a machine whose node key was just proven connect, binding it to an owner when it is new.
 * - new id: `enrollToken` must be known, unused and unexpired; it is used up and the machine bound
 *   to its owner, in this one transaction (two machines racing for a token: one wins);
 * - enrolled id: the node key alone suffices; a token of its owner is ignored, another owner's refused;
 * - removed id: only a fresh valid token of the same owner brings it back.
 * Then records it online (status, since when, what it serves) and opens an uptime interval.
 * @throws CocoonError('host.not_enrolled' | 'host.enroll_token_invalid' | 'host.removed')
 */
export async function admitHost(
  db: Db,
  h: HostSighting & { priceCoefficientMilli: number; machine: MachineInfo | undefined; enrollToken: string | undefined },
  now = new Date(),
): Promise<AdmittedHost> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(hosts).where(eq(hosts.id, h.hostId)).for('update');
    const token = h.enrollToken === undefined ? undefined : await findTokenForUpdate(tx, h.enrollToken);
    const decision = admission(row, h.enrollToken, token, now);
    const seen = { status: HostStatuses.online, teeKind: h.tee, bundleDigest: h.bundleDigest, models: h.models, maxConcurrentJobs: h.maxConcurrentJobs, lastSeen: now };
    const machine = h.machine ? { machine: h.machine } : {};
    let ownerId: string;
    let priceCoefficientMilli: number;
    if (decision.kind === 'enroll') {
      ownerId = decision.token.ownerId;
      priceCoefficientMilli = h.priceCoefficientMilli;
      const values = { ...seen, ...machine, ownerId, priceCoefficientMilli, statusSince: now, removedAt: null, offlineNotifiedAt: null };
      await tx.insert(hosts).values({ id: h.hostId, ...values }).onConflictDoUpdate({ target: hosts.id, set: values });
      await consumeToken(tx, decision.token, h.hostId, now);
    } else {
      ownerId = decision.row.ownerId;
      priceCoefficientMilli = decision.row.priceCoefficientMilli;
      const reenroll = decision.kind === 'reenroll';
      if (reenroll) await consumeToken(tx, decision.token, h.hostId, now);
      const statusSince = decision.row.status === HostStatuses.online && !reenroll ? decision.row.statusSince : now;
      await tx.update(hosts).set({ ...seen, ...machine, statusSince, removedAt: null }).where(eq(hosts.id, h.hostId));
    }
    // A replaced connection's interval goes on: the machine never stopped being online.
    const [open] = await tx.select({ id: hostUptime.id }).from(hostUptime).where(and(eq(hostUptime.hostId, h.hostId), isNull(hostUptime.endedAt))).limit(1);
    if (!open) await tx.insert(hostUptime).values({ hostId: h.hostId, startedAt: now });
    return { ownerId, priceCoefficientMilli };
  });
}

/** A re-attested bundle of a connected machine: what it serves now. */
export async function recordHostRefresh(exec: Executor, h: HostSighting, now = new Date()): Promise<void> {
  await exec.update(hosts).set({ teeKind: h.tee, bundleDigest: h.bundleDigest, models: h.models, maxConcurrentJobs: h.maxConcurrentJobs, lastSeen: now }).where(eq(hosts.id, h.hostId));
}

/** Sets the status, moving `status_since` only when it changes. */
export async function recordHostStatus(exec: Executor, hostId: string, status: HostStatus, now = new Date()): Promise<void> {
  await exec
    .update(hosts)
    .set({ status, lastSeen: now, statusSince: sql`case when ${hosts.status} = ${status} then ${hosts.statusSince} else ${now.toISOString()}::timestamptz end` })
    .where(eq(hosts.id, hostId));
}

/** The machine's connection ended: offline from now, its uptime interval closed. */
export async function recordHostOffline(db: Db, hostId: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    await recordHostStatus(tx, hostId, HostStatuses.offline, now);
    await tx.update(hostUptime).set({ endedAt: now }).where(and(eq(hostUptime.hostId, hostId), isNull(hostUptime.endedAt)));
  });
}

/** Connected machines were seen now: `last_seen` is where their uptime ends if this broker dies. */
export async function touchHosts(exec: Executor, hostIds: string[], now = new Date()): Promise<void> {
  if (hostIds.length === 0) return;
  await exec.update(hosts).set({ lastSeen: now }).where(inArray(hosts.id, hostIds));
}

/**
 * At broker start nothing is connected yet: intervals a dead broker left open end at the
 * machine's last sighting, and machines it left online are offline since then. Only machines not
 * seen since `bootedAt`, so a machine that connects meanwhile keeps its interval. With several
 * brokers (server/cluster/), `bootedAt` lies far enough back that every machine a live broker
 * holds was seen since (each broker touches its machines every few seconds).
 */
export async function closeDanglingUptime(db: Db, bootedAt: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      update ${hostUptime} set ended_at = greatest(${hostUptime.startedAt}, ${hosts.lastSeen})
      from ${hosts}
      where ${hosts.id} = ${hostUptime.hostId} and ${hostUptime.endedAt} is null and ${hostUptime.startedAt} < ${bootedAt.toISOString()}::timestamptz
        and ${hosts.lastSeen} < ${bootedAt.toISOString()}::timestamptz`);
    await tx
      .update(hosts)
      .set({ status: HostStatuses.offline, statusSince: sql`${hosts.lastSeen}` })
      .where(and(ne(hosts.status, HostStatuses.offline), lt(hosts.lastSeen, bootedAt)));
  });
}
