import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { hosts } from '../db/schema';

/** The hosts table: who has been online, with which attestation and price. */

export async function recordHostOnline(
  exec: Executor,
  h: { hostId: string; priceCoefficientMilli: number; tee: string; bundleDigest: string },
): Promise<void> {
  const now = new Date();
  const values = { priceCoefficientMilli: h.priceCoefficientMilli, status: 'online' as const, teeKind: h.tee, bundleDigest: h.bundleDigest, lastSeen: now };
  await exec.insert(hosts).values({ id: h.hostId, ...values }).onConflictDoUpdate({ target: hosts.id, set: values });
}

export async function recordHostOffline(exec: Executor, hostId: string): Promise<void> {
  await exec.update(hosts).set({ status: 'offline', lastSeen: new Date() }).where(eq(hosts.id, hostId));
}
