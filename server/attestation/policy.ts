import { readFile } from 'node:fs/promises';
import { SignedPolicySchema, verifySignedPolicy, type AttestationPolicy, type SignedPolicy } from '@cocoon/shared/attestation/policy';
import { CocoonError } from '@cocoon/shared/errors';
import { eq } from 'drizzle-orm';
import type { ServerConfig } from '../config';
import type { Db } from '../db/client';
import { policyState } from '../db/schema';

export interface LoadedAttestationPolicy {
  /** What hosts must satisfy to enroll. */
  policy: AttestationPolicy;
  /** The signed policy's sequence number; null without one. */
  sequence: number | null;
  /** The operator's signed document as read from the file, served to clients that verify it themselves; null without a file. */
  signed: SignedPolicy | null;
}

/**
 * The attestation policy the broker enrolls hosts under (ARCHITECTURE.md, "The confidential path",
 * step 4): the operator's signed policy (measurement and engine allowlists, TCB statuses,
 * collateral age, GPU firmware), checked against the pinned operator keys at boot. Fails closed:
 * without a policy file the broker starts only when it allows simulated hosts (development and
 * tests), and then admits no TDX host at all, since nothing says which images are genuine. The
 * simulated TEE needs both the policy's and the broker's consent (ALLOW_SIMULATED_TEE).
 */
export async function loadAttestationPolicy(config: ServerConfig, now = new Date()): Promise<LoadedAttestationPolicy> {
  if (!config.ATTESTATION_POLICY_FILE) {
    if (!config.ALLOW_SIMULATED_TEE) {
      throw new CocoonError('config.invalid', 'ATTESTATION_POLICY_FILE is required: without the operator\'s signed policy no TDX host can be checked against released images (for development, ALLOW_SIMULATED_TEE=true admits simulated hosts only)');
    }
    return { policy: { allowSimulated: true, images: [] }, sequence: null, signed: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(config.ATTESTATION_POLICY_FILE, 'utf8'));
  } catch (cause) {
    throw new CocoonError('config.invalid', `ATTESTATION_POLICY_FILE: cannot read ${config.ATTESTATION_POLICY_FILE} as JSON`, { cause });
  }
  const { version: _version, expiresAt: _expiresAt, sequence, webBuilds: _webBuilds, ...policy } = await verifySignedPolicy(json, config.ATTESTATION_POLICY_KEYS, now);
  // verifySignedPolicy has parsed it already; this keeps the document's own fields, minus unknown ones.
  const signed = SignedPolicySchema.parse(json);
  return { policy: { ...policy, allowSimulated: policy.allowSimulated && config.ALLOW_SIMULATED_TEE }, sequence, signed };
}

const POLICY_STATE_NAME = 'attestation';

/**
 * Anti-rollback across restarts: refuses a policy older than the newest this deployment has
 * loaded (kept in the database), and records a newer one.
 * @throws CocoonError('attestation.policy_rollback')
 */
export async function recordPolicySequence(db: Db, sequence: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(policyState).where(eq(policyState.name, POLICY_STATE_NAME)).for('update');
    if (row && sequence < row.sequence) {
      throw new CocoonError('attestation.policy_rollback', `ATTESTATION_POLICY_FILE has sequence ${sequence}, older than ${row.sequence}, which this deployment has already loaded`);
    }
    if (row && sequence === row.sequence) return;
    await tx
      .insert(policyState)
      .values({ name: POLICY_STATE_NAME, sequence })
      .onConflictDoUpdate({ target: policyState.name, set: { sequence, updatedAt: new Date() } });
  });
}
