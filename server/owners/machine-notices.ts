import { and, eq, isNotNull, isNull, lte, ne } from 'drizzle-orm';
import { hosts, HostStatuses } from '../db/schema';
import type { Services } from '../services';
import { notifyOwner } from './notify';

/** How a machine is named in a message: its owner's name for it, else the start of its id. */
export const machineLabel = (h: { id: string; name: string | null }): string => h.name ?? h.id.slice(0, 8);

const hhmm = (d: Date): string => d.toISOString().slice(11, 16);

/**
 * Tells owners, through the bot, about a machine offline for longer than MACHINE_OFFLINE_NOTICE_S
 * and then about its return (once each: `offline_notified_at` marks the first, and is claimed by
 * the update before the message goes, so two rounds never send it twice). Removed machines are
 * not reported; owners who turned notifications off are skipped by notifyOwner.
 */
export async function noticeMachines(s: Services, now: Date, log?: { warn(obj: object, msg: string): void }): Promise<void> {
  const db = s.database.db;
  const threshold = new Date(now.getTime() - s.config.MACHINE_OFFLINE_NOTICE_S * 1000);
  const gone = await db
    .update(hosts)
    .set({ offlineNotifiedAt: now })
    .where(and(eq(hosts.status, HostStatuses.offline), lte(hosts.statusSince, threshold), isNull(hosts.offlineNotifiedAt), isNull(hosts.removedAt), isNotNull(hosts.ownerId)))
    .returning({ id: hosts.id, name: hosts.name, ownerId: hosts.ownerId, since: hosts.statusSince });
  const back = await db
    .update(hosts)
    .set({ offlineNotifiedAt: null })
    .where(and(ne(hosts.status, HostStatuses.offline), isNotNull(hosts.offlineNotifiedAt)))
    .returning({ id: hosts.id, name: hosts.name, ownerId: hosts.ownerId });
  for (const h of gone) if (h.ownerId) await notifyOwner(s, h.ownerId, `⚠️ ${machineLabel(h)} is offline since ${hhmm(h.since)} UTC`, log);
  for (const h of back) if (h.ownerId) await notifyOwner(s, h.ownerId, `✅ ${machineLabel(h)} is back online`, log);
}
