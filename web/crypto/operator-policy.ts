import { SignedPolicySchema, verifySignedPolicy, type AttestationPolicy, type PolicyData } from '@cocoon/shared/attestation/policy';
import { toWireError, type WireError } from '@cocoon/shared/errors';
import type { Check } from '@cocoon/shared/protocol/attestation-bundle';
import type { AppliedPolicy } from './api';

/**
 * The operator's policy as the worker holds it (ARCHITECTURE.md, "The confidential path", step 4):
 * `unpinned` in builds without an operator key (dev, e2e), `signed` once a policy verified against
 * a pinned key, `rejected` when keys are pinned but the policy is missing, forged or expired.
 */
export type PolicyState =
  | { kind: 'unpinned' }
  | { kind: 'signed'; signerPublicKey: string; data: PolicyData }
  | { kind: 'rejected'; error: WireError };

export interface PolicyOptions {
  /** Base64url Ed25519 operator keys pinned in the build (`__COCOON_POLICY_KEYS__`). */
  pinnedPolicyKeys: readonly string[];
  /** The build's own consent to the simulated TEE (`__COCOON_ALLOW_SIMULATED_TEE__`). */
  allowSimulated: boolean;
}

const CHECK = 'policy.signature';

/** Before any `setPolicy`: a build with pinned keys accepts no host until a signed policy arrives. */
export function initialPolicyState(opts: PolicyOptions): PolicyState {
  if (opts.pinnedPolicyKeys.length === 0) return { kind: 'unpinned' };
  return { kind: 'rejected', error: { code: 'attestation.policy_invalid', message: 'no signed policy has been loaded yet' } };
}

/**
 * Verifies the signed policy the broker serves against the pinned keys, and refuses one whose
 * sequence is below `minSequence` (the newest this device has seen: a replayed older policy);
 * never throws.
 */
export async function loadPolicy(signed: unknown, opts: PolicyOptions, now: Date, minSequence = 0): Promise<PolicyState> {
  if (opts.pinnedPolicyKeys.length === 0) return { kind: 'unpinned' };
  if (signed === null || signed === undefined) {
    return { kind: 'rejected', error: { code: 'attestation.policy_invalid', message: 'the broker serves no signed policy, and this build requires one' } };
  }
  try {
    const data = await verifySignedPolicy(signed, opts.pinnedPolicyKeys, now, { minSequence });
    // Cannot fail once verified; the signer is one of the pinned keys.
    const { signerPublicKey } = SignedPolicySchema.parse(signed);
    return { kind: 'signed', signerPublicKey, data };
  } catch (e) {
    return { kind: 'rejected', error: toWireError(e) };
  }
}

/**
 * The rules one verification runs under at `now`, or null when no host may pass, with the
 * `policy.signature` check and what the attestation sheet shows. The simulated TEE needs both the
 * policy's and the build's consent. A policy that expires after loading stops applying then.
 */
export function applyPolicy(state: PolicyState, opts: PolicyOptions, now: Date): { rules: AttestationPolicy | null; applied: AppliedPolicy } {
  const none = { signerPublicKey: null, expiresAt: null, imageCount: null, sequence: null, webBuilds: null };
  if (state.kind === 'unpinned') {
    const check: Check = { name: CHECK, ok: false, skipped: true, reason: 'no operator key pinned in this build' };
    return { rules: { allowSimulated: opts.allowSimulated }, applied: { source: 'unpinned', ...none, allowSimulated: opts.allowSimulated, check, error: null } };
  }
  const rejected = (error: WireError) => ({
    rules: null,
    applied: { source: 'rejected' as const, ...none, allowSimulated: false, check: { name: CHECK, ok: false, reason: error.message }, error },
  });
  if (state.kind === 'rejected') return rejected(state.error);
  const { version: _version, expiresAt, sequence, webBuilds, ...rules } = state.data;
  if (expiresAt * 1000 <= now.getTime()) {
    return rejected({ code: 'attestation.policy_expired', message: `the policy expired at ${new Date(expiresAt * 1000).toISOString()}` });
  }
  const allowSimulated = rules.allowSimulated && opts.allowSimulated;
  const applied: AppliedPolicy = {
    source: 'signed',
    signerPublicKey: state.signerPublicKey,
    expiresAt,
    imageCount: rules.images.length,
    sequence,
    webBuilds: [...webBuilds],
    allowSimulated,
    check: { name: CHECK, ok: true, reason: 'signed by a pinned operator key' },
    error: null,
  };
  return { rules: { ...rules, allowSimulated }, applied };
}
