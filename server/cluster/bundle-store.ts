import { and, eq } from 'drizzle-orm';
import { AttestationBundleSchema, type AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import type { Executor } from '../db/client';
import { clusterHostBundles } from '../db/schema';

/**
 * Verified bundles of connected hosts, shared by every broker: the broker with the socket writes
 * one before announcing the host; the others read it by host id and digest.
 */
export interface BundleStore {
  store(row: { hostId: string; bundleDigest: string; bundle: AttestationBundle; brokerId: string }): Promise<void>;
  /** The bundle with this digest, or undefined when the store holds another one (or none). */
  load(hostId: string, bundleDigest: string): Promise<AttestationBundle | undefined>;
}

/** The store in PostgreSQL (the `cluster_host_bundles` table), which every broker shares. */
export const databaseBundleStore = (db: Executor): BundleStore => ({
  store: (row) => storeBundle(db, row),
  load: (hostId, digest) => loadBundle(db, hostId, digest),
});

export async function storeBundle(db: Executor, row: { hostId: string; bundleDigest: string; bundle: AttestationBundle; brokerId: string }): Promise<void> {
  const values = { ...row, updatedAt: new Date() };
  await db.insert(clusterHostBundles).values(values).onConflictDoUpdate({ target: clusterHostBundles.hostId, set: values });
}

/** The bundle with this digest, or undefined when the row holds another one (or none). */
export async function loadBundle(db: Executor, hostId: string, bundleDigest: string): Promise<AttestationBundle | undefined> {
  const [row] = await db
    .select({ bundle: clusterHostBundles.bundle })
    .from(clusterHostBundles)
    .where(and(eq(clusterHostBundles.hostId, hostId), eq(clusterHostBundles.bundleDigest, bundleDigest)));
  if (!row) return undefined;
  const parsed = AttestationBundleSchema.safeParse(row.bundle);
  return parsed.success ? parsed.data : undefined;
}
