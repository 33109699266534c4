import { CocoonError } from '../errors';
import type { AttestationBundle, Claims } from '../protocol/attestation-bundle';
import { canonicalJson, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { GpuEvidenceKinds } from '../protocol/gpu-evidence';
import { encodeClaims, reportDataOf } from './claims';
import type { TeeProvider } from './simulated';

export interface BundleOptions {
  /**
   * TDX only: Intel collateral (JSON text, see `CollateralSchema`) for the fresh quote, fetched
   * after quoting; `undefined` leaves the bundle without it. Never asked for another TEE.
   */
  collateral?: (quote: Uint8Array) => Promise<string | undefined>;
  /**
   * NVIDIA GPU evidence, each as `encodeNvidiaGpuEvidence` made it, requested with
   * `gpuNonceFor(claims)`; `claims.gpuEvidenceDigests` must list their SHA-256, in this order.
   */
  gpuEvidence?: readonly Uint8Array[];
}

/**
 * Builds an attestation bundle (ARCHITECTURE.md, "The confidential path", step 2): canonical
 * claims, reportData = SHA-512(claims), the provider's quote over it, the GPU evidence the claims
 * list and, for TDX, the Intel collateral verifiers rate the TCB with offline.
 * @example const bundle = await buildBundle(claims, provider, { collateral: (q) => fetchIt(q), gpuEvidence: [blob] })
 */
export async function buildBundle(claims: Claims, provider: TeeProvider, opts: BundleOptions = {}): Promise<AttestationBundle> {
  const gpuEvidence = opts.gpuEvidence ?? [];
  const digests = await Promise.all(gpuEvidence.map(async (blob) => toHex(await sha256(blob))));
  if (canonicalJson(digests) !== canonicalJson(claims.gpuEvidenceDigests)) {
    throw new CocoonError('internal', 'claims.gpuEvidenceDigests does not list the GPU evidence given to the bundle');
  }
  const bytes = encodeClaims(claims);
  const quote = await provider.quote(await reportDataOf(bytes));
  const collateral = provider.kind === 'tdx' ? await opts.collateral?.(quote) : undefined;
  return {
    version: 1,
    tee: provider.kind,
    claims: toB64u(bytes),
    quote: toB64u(quote),
    gpuEvidence: gpuEvidence.map((blob) => ({ kind: GpuEvidenceKinds.nvidiaCcSpdm, data: toB64u(blob) })),
    ...(collateral !== undefined && { collateral }),
  };
}

/** A bundle's identity for caches: hex SHA-256 of its canonical JSON. */
export const bundleDigest = async (bundle: AttestationBundle): Promise<string> => toHex(await sha256(utf8(canonicalJson(bundle))));
