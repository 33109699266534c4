import type { AttestationPolicy } from '@cocoon/shared/attestation/policy';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { bundleDigest, verifyBundle } from '@cocoon/shared/attestation/verify';
import { CocoonError } from '@cocoon/shared/errors';
import type { AttestationBundle, Claims, TeeKind } from '@cocoon/shared/protocol/attestation-bundle';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { isNodeHostId, verifyNodeHello } from '@cocoon/shared/protocol/node-key';
import { verifyHostHello } from '@cocoon/shared/receipt';
import type { CollateralCache } from '../attestation/collateral-cache';

export interface EnrollmentPolicy {
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
 * Who is on this connection: its bundle verifies, it signed this connection's challenge with the
 * attested signing key (so a copied bundle is useless), and with the node key its host id names
 * (so nobody connects under another machine's id). Whether that machine may connect (enrolled,
 * not removed) is the database's question (hosts-repo.ts, admitHost).
 * @throws CocoonError('attestation.*' | 'auth.host_invalid' | 'host.node_key_mismatch')
 */
export async function verifyHostIdentity(
  hello: { bundle: AttestationBundle; challengeSignature: string; nodeSignature: string },
  challenge: Uint8Array,
  policy: EnrollmentPolicy,
  /** Runs after the node key is proven and before the (costly) bundle check: may this machine connect at all? */
  mayConnect: (hostId: string) => Promise<void> = async () => {},
): Promise<VerifiedIdentity> {
  // Cheap checks first, on the claims as sent: only a node key's holder whose machine may connect
  // costs the broker an attestation check. The verified claims are checked again below.
  const claimed = decodeClaims(hello.bundle.claims).claims.hostId;
  await checkNodeKey(claimed, hello.nodeSignature, challenge);
  await mayConnect(claimed);
  const identity = await verifyHostBundle(hello.bundle, policy);
  const signer = fromB64u(identity.claims.signingPublicKey);
  if (!(await verifyHostHello(challenge, hello.challengeSignature, signer))) {
    throw new CocoonError('auth.host_invalid', 'challenge signature does not verify with the attested key');
  }
  await checkNodeKey(identity.claims.hostId, hello.nodeSignature, challenge);
  return identity;
}

async function checkNodeKey(hostId: string, nodeSignature: string, challenge: Uint8Array): Promise<void> {
  if (!isNodeHostId(hostId)) throw new CocoonError('host.node_key_mismatch', 'the host id is not a node id: run `cocoon-host enroll`, which makes the machine its node key');
  if (!(await verifyNodeHello(challenge, hostId, nodeSignature))) {
    throw new CocoonError('host.node_key_mismatch', 'the node signature does not verify with the key this host id names');
  }
}
