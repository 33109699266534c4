import { decodeClaims } from '@cocoon/shared/attestation/claims';
import type { VerificationResult } from '@cocoon/shared/attestation/verify';
import type { AttestationBundle, Claims } from '@cocoon/shared/protocol/attestation-bundle';
import type { AppliedPolicy, HostVerification } from './api';

function readClaims(b64u: string): Claims | undefined {
  try {
    return decodeClaims(b64u).claims;
  } catch {
    return undefined;
  }
}

/** A bundle no host may pass with: the policy itself was refused, so nothing else is evaluated. */
export function refusedByPolicy(bundle: AttestationBundle, applied: AppliedPolicy): VerificationResult {
  return { ok: false, tee: bundle.tee, simulated: bundle.tee === 'simulated', checks: [], error: applied.error ?? undefined };
}

/**
 * What the UI may know of a verification: plain copies, no key material beyond the public keys'
 * digests. The policy's `policy.signature` check comes first, so the sheet shows it on top.
 */
export function describeVerification(digest: string, bundle: AttestationBundle, result: VerificationResult, applied: AppliedPolicy): HostVerification {
  // Unverified claims are read for display only (what the host says it is); never cached.
  const claims = result.claims ?? readClaims(bundle.claims);
  return {
    bundleDigest: digest,
    verified: result.ok && result.claims !== undefined,
    hostId: claims?.hostId ?? null,
    tee: result.tee,
    simulated: result.simulated,
    checks: [{ ...applied.check }, ...result.checks.map((c) => ({ ...c }))],
    models: claims?.models.map((m) => ({ ...m })) ?? [],
    engine: claims ? { ...claims.engine, args: [...claims.engine.args], allowedAs: result.engine ?? null } : null,
    expiresAt: claims?.expiresAt ?? null,
    measurements: { ...result.measurements },
    tcbStatus: result.tcb?.status ?? null,
    image: result.image ?? null,
    gpus: (result.gpu ?? []).map((g) => ({ device: g.device, vbiosVersion: g.vbiosVersion, driverVersion: g.driverVersion })),
    policy: { ...applied, check: { ...applied.check } },
    error: result.error ?? null,
  };
}
