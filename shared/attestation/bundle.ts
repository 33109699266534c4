import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { canonicalJson, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { encodeClaims, reportDataOf } from './claims';
import type { TeeProvider } from './simulated';

export interface BundleOptions {
  /**
   * TDX only: Intel collateral (JSON text, see `CollateralSchema`) for the fresh quote, fetched
   * after quoting; `undefined` leaves the bundle without it. Never asked for another TEE.
   */
  collateral?: (quote: Uint8Array) => Promise<string | undefined>;
}

/**
 * Builds an attestation bundle (ARCHITECTURE.md, "The confidential path", step 2): canonical
 * claims, reportData = SHA-512(claims), the provider's quote over it and, for TDX, the Intel
 * collateral verifiers rate the TCB with offline. GPU evidence joins here when it lands.
 * @example const bundle = await buildBundle(claims, provider, { collateral: (q) => fetchIt(q) })
 */
export async function buildBundle(claims: Claims, provider: TeeProvider, opts: BundleOptions = {}): Promise<AttestationBundle> {
  const bytes = encodeClaims(claims);
  const quote = await provider.quote(await reportDataOf(bytes));
  const collateral = provider.kind === 'tdx' ? await opts.collateral?.(quote) : undefined;
  return { version: 1, tee: provider.kind, claims: toB64u(bytes), quote: toB64u(quote), gpuEvidence: [], ...(collateral !== undefined && { collateral }) };
}

/** A bundle's identity for caches: hex SHA-256 of its canonical JSON. */
export const bundleDigest = async (bundle: AttestationBundle): Promise<string> => toHex(await sha256(utf8(canonicalJson(bundle))));
