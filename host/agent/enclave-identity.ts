import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { gpuNonceFor } from '@cocoon/shared/attestation/nvidia/nonce';
import type { TeeProvider } from '@cocoon/shared/attestation/simulated';
import type { CollateralJson } from '@cocoon/shared/attestation/tdx/collateral';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import type { RequestKeys } from '@cocoon/shared/crypto/envelope';
import { generateHpkeKeyPair, type HpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import type { AttestationBundle, Claims, EngineIdentity } from '@cocoon/shared/protocol/attestation-bundle';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import { sha256, toB64u, toHex } from '@cocoon/shared/protocol/encoding';
import { encodeNvidiaGpuEvidence } from '@cocoon/shared/protocol/gpu-evidence';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import type { GpuEvidenceSource } from '../attestation/gpu-evidence';
import type { Logger } from './logger';

/**
 * The enclave's identity: an X25519 and an X-Wing (ML-KEM-768 + X25519) HPKE key pair and an
 * Ed25519 signing key generated in memory at start (never written to disk, never logged), and the
 * attestation bundle that vouches for them: every (re-)attestation's claims carry all three public
 * keys. ARCHITECTURE.md, "The confidential path", steps 1-2.
 */
export interface EnclaveIdentity {
  readonly hpke: HpkeKeyPair;
  readonly xwing: HpkeKeyPair;
  /** The request keys by suite: requests sealed with either suite open (`openRequest`). */
  readonly requestKeys: RequestKeys;
  readonly signing: SigningKeyPair;
  /** The current bundle; `reattest()` replaces it (new GPU evidence, quote, collateral) before the claims expire. */
  bundle(): AttestationBundle;
  claims(): Claims;
  reattest(): Promise<AttestationBundle>;
}

export interface IdentityOptions {
  hostId: string;
  models: Claims['models'];
  engine: EngineIdentity;
  provider: TeeProvider;
  claimsTtlSeconds: number;
  now?: () => Date;
  /** TDX: fetches Intel collateral for each new quote, so verifiers can rate the TCB offline. */
  collateral?: { fetch: (quote: Uint8Array) => Promise<CollateralJson>; logger: Logger };
  /**
   * NVIDIA GPUs in CC mode: fresh evidence for every (re-)attestation, requested with the new
   * claims' `gpuNonceFor` and listed in them. If it fails the attestation fails: no GPU-less claims.
   */
  gpuEvidence?: GpuEvidenceSource;
}

export async function createEnclaveIdentity(opts: IdentityOptions): Promise<EnclaveIdentity> {
  const hpke = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const now = opts.now ?? (() => new Date());
  const collateral = opts.collateral && collateralOrNone(opts.collateral);
  /** createdAt -> GPU evidence with the nonce of these keys and that time -> claims listing it -> quote. */
  const attest = async (): Promise<{ claims: Claims; bundle: AttestationBundle }> => {
    const createdAt = Math.floor(now().getTime() / 1000);
    const keys = { hpkePublicKey: toB64u(hpke.publicKey), signingPublicKey: toB64u(signing.publicKey), createdAt };
    const gpu = await gpuEvidenceFor(opts.gpuEvidence, keys);
    const claims: Claims = {
      version: 1,
      hostId: opts.hostId,
      ...keys,
      xwingPublicKey: toB64u(xwing.publicKey),
      models: opts.models,
      engine: opts.engine,
      gpuEvidenceDigests: gpu.digests,
      expiresAt: createdAt + opts.claimsTtlSeconds,
    };
    return { claims, bundle: await buildBundle(claims, opts.provider, { collateral, gpuEvidence: gpu.blobs }) };
  };
  let current = await attest();
  return {
    hpke,
    xwing,
    requestKeys: { [RequestSuites.x25519]: hpke.keyPair, [RequestSuites.xwing]: xwing.keyPair },
    signing,
    bundle: () => current.bundle,
    claims: () => current.claims,
    async reattest() {
      // Replaced only once all of it succeeded: on failure the previous claims and bundle stay.
      current = await attest();
      return current.bundle;
    },
  };
}

/** The bundle can carry at most 65 536 base64url characters per GPU: 49 152 bytes. */
const MAX_GPU_EVIDENCE_BYTES = 49_152;

async function gpuEvidenceFor(source: GpuEvidenceSource | undefined, keys: Parameters<typeof gpuNonceFor>[0]): Promise<{ blobs: Uint8Array[]; digests: string[] }> {
  if (!source) return { blobs: [], digests: [] };
  const collected = await source.collect(await gpuNonceFor(keys));
  const blobs = collected.map((e) => encodeNvidiaGpuEvidence(e.report, e.certChainPem));
  const tooLarge = blobs.findIndex((b) => b.length > MAX_GPU_EVIDENCE_BYTES);
  if (tooLarge >= 0) throw new CocoonError('attestation.gpu_evidence_unavailable', `GPU ${tooLarge}: its evidence is larger than a bundle carries`);
  return { blobs, digests: await Promise.all(blobs.map(async (b) => toHex(await sha256(b)))) };
}

/**
 * A failed fetch is logged and the bundle goes out without collateral rather than not at all: the
 * quote alone still proves the enclave and binds its keys, and PCS or a PCCS may be down for hours.
 * Verifiers then report the TCB checks as skipped, or fail them where the policy has
 * `requireCollateral`; the next re-attestation tries again.
 */
function collateralOrNone(c: NonNullable<IdentityOptions['collateral']>) {
  return async (quote: Uint8Array): Promise<string | undefined> => {
    try {
      return JSON.stringify(await c.fetch(quote));
    } catch (e) {
      const code = isCocoonError(e) ? e.code : 'internal';
      c.logger.warn({ code, reason: e instanceof Error ? e.message : String(e) }, 'Intel collateral unavailable: the bundle goes out without it');
      return undefined;
    }
  };
}
