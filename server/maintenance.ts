import type { FastifyBaseLogger } from 'fastify';
import { CocoonError } from '@cocoon/shared/errors';
import { closeDanglingUptime, touchHosts } from './hosts/hosts-repo';
import { noticeMachines } from './owners/machine-notices';
import { purgeStaleInvoices } from './payments/stars-invoices';
import type { Services } from './services';
import { CloseCodes } from './ws/json-socket';

/** How often rows users create (sessions, ton_proof payloads, Stars invoices) are purged. */
const PURGE_EVERY_MS = 10 * 60_000;
/** How often connected machines' last sighting is written and owners' notices are looked for (rounds can be much more frequent). */
const MACHINES_EVERY_MS = 5_000;
/**
 * Several brokers (NATS_URL): a machine no broker has touched for this long is connected to none
 * (a dead broker's), so upkeep closes its uptime; the live brokers touch theirs every few seconds.
 */
const CLUSTER_UNSEEN_MS = 30_000;
/** Sessions stay a day past expiry so their owners are told "expired", not "invalid". */
const SESSION_KEEP_EXPIRED_MS = 24 * 3600_000;

/**
 * One round of upkeep: idle jobs time out, expired holds are released, hosts whose attested claims
 * expired are disconnected, connected machines are marked seen and owners told of machines
 * offline too long (unless `machines: false`) and, when asked, old rows are purged: long-expired sessions, used or
 * expired ton_proof payloads, Stars invoices never paid.
 */
export async function maintain(s: Services, now: Date, opts: { purge: boolean; machines?: boolean }): Promise<void> {
  await s.relay.sweep(now);
  disconnectExpiredHosts(s, now);
  if (opts.machines !== false) {
    // Connected machines were seen now (where their uptime ends if this broker dies); owners hear of machines offline too long.
    await touchHosts(s.database.db, s.registry.all().map((h) => h.hostId), now);
    if (s.config.NATS_URL) await closeDanglingUptime(s.database.db, new Date(now.getTime() - CLUSTER_UNSEEN_MS));
    await noticeMachines(s, now);
  }
  if (!opts.purge) return;
  await s.sessions.purgeExpired(new Date(now.getTime() - SESSION_KEEP_EXPIRED_MS));
  await s.ton?.payloads.purge(now);
  await purgeStaleInvoices(s.database.db, now);
}

/** Every 5 s, or a quarter of the job idle timeout when that is shorter: an idle job ends within 1.25 times the timeout. */
export const maintenanceIntervalMs = (jobIdleTimeoutMs: number): number => Math.min(5_000, Math.max(25, Math.floor(jobIdleTimeoutMs / 4)));

/** Runs `maintain` every `intervalMs`; rounds never overlap. */
export function startMaintenance(s: Services, log: FastifyBaseLogger, intervalMs: number): { stop(): Promise<void> } {
  // Nothing is connected before the first round: what a dead broker left online ends at its last sighting.
  // With several brokers, only machines no live broker touched lately.
  const bootedAt = new Date(Date.now() - (s.config.NATS_URL ? CLUSTER_UNSEEN_MS : 0));
  let running: Promise<void> = closeDanglingUptime(s.database.db, bootedAt).catch((err: unknown) => log.error({ err }, 'closing uptime left open failed'));
  let lastPurge = 0;
  let lastMachines = 0;
  const round = () => {
    const now = new Date();
    const purge = now.getTime() - lastPurge > PURGE_EVERY_MS;
    if (purge) lastPurge = now.getTime();
    const machines = now.getTime() - lastMachines >= MACHINES_EVERY_MS;
    if (machines) lastMachines = now.getTime();
    return maintain(s, now, { purge, machines });
  };
  const timer = setInterval(() => {
    running = running.then(round).catch((err: unknown) => log.error({ err }, 'maintenance failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

function disconnectExpiredHosts(s: Services, now: Date): void {
  for (const host of s.registry.all()) {
    if (host.claims.expiresAt * 1000 > now.getTime()) continue;
    host.link.send({ type: 'error', error: new CocoonError('attestation.claims_expired', 'attested claims expired; reconnect with a fresh bundle').toWire() });
    host.link.close(CloseCodes.policy, 'attestation.claims_expired');
  }
}
