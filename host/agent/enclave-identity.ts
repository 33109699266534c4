import { buildBundle, type BundleOptions } from '../../shared/attestation/bundle';
import type { TeeProvider } from '../../shared/attestation/simulated';
import type { CollateralJson } from '../../shared/attestation/tdx/collateral';
import { generateSigningKeyPair, type SigningKeyPair } from '../../shared/crypto/ed25519';
import { generateHpkeKeyPair, type HpkeKeyPair } from '../../shared/crypto/hpke-suite';
import type { AttestationBundle, Claims } from '../../shared/protocol/attestation-bundle';
import { isCocoonError } from '../../shared/errors';
import { toB64u } from '../../shared/protocol/encoding';
import type { Logger } from './logger';

/**
 * The enclave's identity: an X25519 HPKE key pair and an Ed25519 signing key generated in memory
 * at start (never written to disk, never logged), and the attestation bundle that vouches for them.
 * ARCHITECTURE.md, "The confidential path", steps 1-2.
 */
export interface EnclaveIdentity {
  readonly hpke: HpkeKeyPair;
  readonly signing: SigningKeyPair;
  /** The current bundle; `reattest()` replaces it (new quote, fresh collateral) before the claims expire. */
  bundle(): AttestationBundle;
  claims(): Claims;
  reattest(): Promise<AttestationBundle>;
}

export interface IdentityOptions {
  hostId: string;
  models: Claims['models'];
  engine: string;
  provider: TeeProvider;
  claimsTtlSeconds: number;
  now?: () => Date;
  /** TDX: fetches Intel collateral for each new quote, so verifiers can rate the TCB offline. */
  collateral?: { fetch: (quote: Uint8Array) => Promise<CollateralJson>; logger: Logger };
}

export async function createEnclaveIdentity(opts: IdentityOptions): Promise<EnclaveIdentity> {
  const hpke = await generateHpkeKeyPair();
  const signing = await generateSigningKeyPair();
  const now = opts.now ?? (() => new Date());
  const makeClaims = (): Claims => {
    const createdAt = Math.floor(now().getTime() / 1000);
    return {
      version: 1,
      hostId: opts.hostId,
      hpkePublicKey: toB64u(hpke.publicKey),
      signingPublicKey: toB64u(signing.publicKey),
      models: opts.models,
      engine: opts.engine,
      gpuEvidenceDigests: [],
      createdAt,
      expiresAt: createdAt + opts.claimsTtlSeconds,
    };
  };
  const bundleOpts: BundleOptions = { collateral: opts.collateral && collateralOrNone(opts.collateral) };
  let claims = makeClaims();
  let bundle = await buildBundle(claims, opts.provider, bundleOpts);
  return {
    hpke,
    signing,
    bundle: () => bundle,
    claims: () => claims,
    async reattest() {
      claims = makeClaims();
      bundle = await buildBundle(claims, opts.provider, bundleOpts);
      return bundle;
    },
  };
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
