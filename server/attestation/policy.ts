import { readFile } from 'node:fs/promises';
import { SignedPolicySchema, verifySignedPolicy, type AttestationPolicy, type SignedPolicy } from '@cocoon/shared/attestation/policy';
import { CocoonError } from '@cocoon/shared/errors';
import type { ServerConfig } from '../config';

export interface LoadedAttestationPolicy {
  /** What hosts must satisfy to enroll. */
  policy: AttestationPolicy;
  /** The operator's signed document as read from the file, served to clients that verify it themselves; null without a file. */
  signed: SignedPolicy | null;
}

/**
 * The attestation policy the broker enrolls hosts under (ARCHITECTURE.md, "The confidential path",
 * step 4): the operator's signed policy when configured (measurement allowlist, TCB statuses,
 * collateral age, GPU firmware), checked against the pinned operator keys at boot; otherwise only
 * the evidence's own signatures and chains. The simulated TEE needs both the policy's and the
 * broker's consent (ALLOW_SIMULATED_TEE).
 */
export async function loadAttestationPolicy(config: ServerConfig, now = new Date()): Promise<LoadedAttestationPolicy> {
  if (!config.ATTESTATION_POLICY_FILE) return { policy: { allowSimulated: config.ALLOW_SIMULATED_TEE }, signed: null };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(config.ATTESTATION_POLICY_FILE, 'utf8'));
  } catch (cause) {
    throw new CocoonError('config.invalid', `ATTESTATION_POLICY_FILE: cannot read ${config.ATTESTATION_POLICY_FILE} as JSON`, { cause });
  }
  const { version: _version, expiresAt: _expiresAt, ...policy } = await verifySignedPolicy(json, config.ATTESTATION_POLICY_KEYS, now);
  // verifySignedPolicy has parsed it already; this keeps the document's own fields, minus unknown ones.
  const signed = SignedPolicySchema.parse(json);
  return { policy: { ...policy, allowSimulated: policy.allowSimulated && config.ALLOW_SIMULATED_TEE }, signed };
}
