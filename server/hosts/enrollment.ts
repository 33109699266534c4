import { createHash, timingSafeEqual } from 'node:crypto';
import type { AttestationPolicy } from '@cocoon/shared/attestation/policy';
import { bundleDigest, verifyBundle } from '@cocoon/shared/attestation/verify';
import { CocoonError } from '@cocoon/shared/errors';
import type { AttestationBundle, Claims, TeeKind } from '@cocoon/shared/protocol/attestation-bundle';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { verifyHostHello } from '@cocoon/shared/receipt';
import type { CollateralCache } from '../attestation/collateral-cache';

export interface EnrollmentPolicy {
  enrollTokens: readonly string[];
  attestation: AttestationPolicy;
  /** Intel collateral per FMSPC from earlier verified bundles: attached when newer than the bundle's own. */
  collateral?: CollateralCache;
}

export interface VerifiedIdentity {
  claims: Claims;
  /** The bundle as verified, with the collateral it was verified with: what clients are given. */
  bundle: AttestationBundle;
  bundleDigest: string;
  tee: TeeKind;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time membership: every accepted token is compared, by hash, whatever matches. */
export function isAcceptedToken(token: string, accepted: readonly string[]): boolean {
  const given = digest(token);
  let found = false;
  for (const t of accepted) found = timingSafeEqual(given, digest(t)) || found;
  return found;
}

/**
 * Verifies a bundle against the broker's policy; only then are its claims trusted.
 * @throws CocoonError with the verifier's code (attestation.*).
 */
export async function verifyHostBundle(received: AttestationBundle, policy: EnrollmentPolicy, now?: Date): Promise<VerifiedIdentity> {
  const bundle = policy.collateral?.complete(received) ?? received;
  const result = await verifyBundle(bundle, { policy: policy.attestation, now });
  if (!result.ok || !result.claims) {
    const error = result.error ?? { code: 'attestation.bundle_malformed' as const, message: 'bundle rejected' };
    throw new CocoonError(error.code, error.message);
  }
  policy.collateral?.remember(bundle);
  return { claims: result.claims, bundle, bundleDigest: await bundleDigest(bundle), tee: result.tee };
}

/**
 * A host joins when it holds an accepted enrollment token, its bundle verifies, and it signed
 * this connection's challenge with the attested signing key (so a copied bundle is useless).
 */
export async function enrollHost(
  hello: { enrollToken: string; bundle: AttestationBundle; challengeSignature: string },
  challenge: Uint8Array,
  policy: EnrollmentPolicy,
): Promise<VerifiedIdentity> {
  if (!isAcceptedToken(hello.enrollToken, policy.enrollTokens)) throw new CocoonError('auth.host_invalid', 'enrollment token not accepted');
  const identity = await verifyHostBundle(hello.bundle, policy);
  const signer = fromB64u(identity.claims.signingPublicKey);
  if (!(await verifyHostHello(challenge, hello.challengeSignature, signer))) {
    throw new CocoonError('auth.host_invalid', 'challenge signature does not verify with the attested key');
  }
  return identity;
}
