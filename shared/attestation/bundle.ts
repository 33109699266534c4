import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { canonicalJson, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { encodeClaims, reportDataOf } from './claims';
import type { TeeProvider } from './simulated';

/**
 * Builds an attestation bundle: canonical claims, reportData = SHA-512(claims), the provider's
 * quote over it. GPU evidence and collateral join here when the TDX provider lands.
 */
export async function buildBundle(claims: Claims, provider: TeeProvider): Promise<AttestationBundle> {
  const bytes = encodeClaims(claims);
  const quote = await provider.quote(await reportDataOf(bytes));
  return { version: 1, tee: provider.kind, claims: toB64u(bytes), quote: toB64u(quote), gpuEvidence: [] };
}

/** A bundle's identity for caches: hex SHA-256 of its canonical JSON. */
export const bundleDigest = async (bundle: AttestationBundle): Promise<string> => toHex(await sha256(utf8(canonicalJson(bundle))));
