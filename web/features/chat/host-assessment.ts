import type { WireError } from '@cocoon/shared/errors';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import type { HostVerification, Result } from '../../crypto/api';

/** A host as GET /api/hosts lists it, with its bundle from GET /api/hosts/:hostId/bundle. */
export interface HostListing {
  hostId: string;
  bundle: AttestationBundle;
  priceCoefficientMilli: number;
}

/**
 * The worker's verification of a host's bundle, plus what only the caller knows: that the
 * attested claims name the host the broker listed, and serve the model the user picked.
 * A host is usable only when every one of these checks passed.
 */
export function assessHost(listing: HostListing, model: string, result: Result<HostVerification>): HostVerification {
  const v = result.ok ? result.value : unreadable(listing, result.error);
  const sameHost = v.hostId === listing.hostId;
  const servesModel = v.models.some((m) => m.name === model);
  const checks = [
    ...v.checks,
    sameHost
      ? { name: 'host.listed_id', ok: true }
      : { name: 'host.listed_id', ok: false, reason: `the broker listed ${listing.hostId}, the claims name ${v.hostId ?? 'no host'}` },
    servesModel ? { name: 'host.serves_model', ok: true } : { name: 'host.serves_model', ok: false, reason: `the claims do not list ${model}` },
  ];
  const verified = v.verified && sameHost && servesModel;
  const error: WireError | null =
    v.error ?? (verified ? null : { code: 'attestation.host_mismatch', message: 'the attested claims do not match this host or model' });
  return { ...v, checks, verified, error };
}

function unreadable(listing: HostListing, error: WireError): HostVerification {
  return {
    bundleDigest: '',
    verified: false,
    hostId: null,
    tee: listing.bundle.tee,
    simulated: listing.bundle.tee === 'simulated',
    checks: [{ name: 'bundle.verify', ok: false, reason: error.message }],
    models: [],
    engine: null,
    expiresAt: null,
    measurements: {},
    tcbStatus: null,
    image: null,
    gpus: [],
    policy: null,
    error,
  };
}
