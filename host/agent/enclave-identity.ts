import { buildBundle } from '../../shared/attestation/bundle';
import type { TeeProvider } from '../../shared/attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '../../shared/crypto/ed25519';
import { generateHpkeKeyPair, type HpkeKeyPair } from '../../shared/crypto/hpke-suite';
import type { AttestationBundle, Claims } from '../../shared/protocol/attestation-bundle';
import { toB64u } from '../../shared/protocol/encoding';

/**
 * The enclave's identity: an X25519 HPKE key pair and an Ed25519 signing key generated in memory
 * at start (never written to disk, never logged), and the attestation bundle that vouches for them.
 * ARCHITECTURE.md, "The confidential path", steps 1-2.
 */
export interface EnclaveIdentity {
  readonly hpke: HpkeKeyPair;
  readonly signing: SigningKeyPair;
  /** The current bundle; `reattest()` replaces it before the claims expire. */
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
  let claims = makeClaims();
  let bundle = await buildBundle(claims, opts.provider);
  return {
    hpke,
    signing,
    bundle: () => bundle,
    claims: () => claims,
    async reattest() {
      claims = makeClaims();
      bundle = await buildBundle(claims, opts.provider);
      return bundle;
    },
  };
}
