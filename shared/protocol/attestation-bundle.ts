import { z } from 'zod';
import { B64uSchema, b64uBytes } from './encoding';
import { XWING_PUBLIC_KEY_BYTES } from './request-suite';

/**
 * What a TEE kind is. `simulated` is for development, CI and the embedded demo only: it is never
 * confidential and a verifier accepts it only when its policy says `allowSimulated`.
 */
export const TeeKinds = { simulated: 'simulated', tdx: 'tdx' } as const;
export const TeeKindSchema = z.enum([TeeKinds.simulated, TeeKinds.tdx]);
export type TeeKind = z.infer<typeof TeeKindSchema>;

export const HostIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'expected a host id');
export const ModelNameSchema = z.string().min(1).max(128).regex(/^[\w./:-]+$/, 'expected a model name');

/**
 * What the host runs, as its agent states it (issue 9): the engine container's image digest, the
 * engine's version and its exact launch arguments, and a digest of the agent's own configuration.
 * Bound by REPORTDATA with the rest of the claims and matched by the operator's policy
 * (`PolicyEngineSchema`), so an operator cannot point an allowed image at another engine.
 */
export const EngineIdentitySchema = z.object({
  name: z.string().min(1).max(128),
  imageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex>'),
  version: z.string().min(1).max(64),
  args: z.array(z.string().max(1024)).max(256),
  /** SHA-256 (hex) of the canonical JSON of the agent's security-relevant configuration. */
  agentConfigDigest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type EngineIdentity = z.infer<typeof EngineIdentitySchema>;

/**
 * The enclave's claims (ARCHITECTURE.md, "The confidential path", step 1). Their canonical JSON
 * bytes are what `reportData = SHA-512(claims)` commits to; the bundle carries those exact bytes.
 */
export const ClaimsSchema = z.object({
  version: z.literal(1),
  hostId: HostIdSchema,
  hpkePublicKey: b64uBytes(32),
  signingPublicKey: b64uBytes(32),
  /**
   * The enclave's X-Wing (ML-KEM-768 + X25519) public key, generated in memory beside
   * `hpkePublicKey`: clients seal requests to it (`RequestSuites.xwing`). Absent only in claims
   * of hosts from before post-quantum requests, which such clients refuse.
   */
  xwingPublicKey: b64uBytes(XWING_PUBLIC_KEY_BYTES).optional(),
  /** Served models: name, the SHA-256 of the weights, and the context length in tokens when the engine states one. */
  models: z.array(z.object({ name: ModelNameSchema, weightsDigest: z.string().regex(/^[0-9a-f]{64}$/), contextLength: z.number().int().positive().max(16_777_216).optional() })).min(1),
  engine: EngineIdentitySchema,
  gpuEvidenceDigests: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  /** Unix seconds. */
  createdAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
});
export type Claims = z.infer<typeof ClaimsSchema>;

/** The simulated TEE's stand-in for a quote: measurements and reportData signed by a dev key. */
export const SimulatedQuoteSchema = z.object({
  kind: z.literal('cocoon-simulated-quote-v1'),
  measurements: z.object({ mrTd: z.string().regex(/^[0-9a-f]{96}$/), rtmr0: z.string().regex(/^[0-9a-f]{96}$/) }),
  reportData: z.string().regex(/^[0-9a-f]{128}$/),
  signerPublicKey: b64uBytes(32),
  signature: b64uBytes(64),
});
export type SimulatedQuote = z.infer<typeof SimulatedQuoteSchema>;

/**
 * The attestation bundle = claims + TEE evidence (+ GPU evidence and Intel collateral for `tdx`).
 * `claims` is base64url of the canonical claims JSON, so the hashed bytes travel unchanged.
 */
export const AttestationBundleSchema = z.object({
  version: z.literal(1),
  tee: TeeKindSchema,
  claims: B64uSchema.max(16_384),
  /** `simulated`: base64url of a SimulatedQuote's JSON; `tdx`: base64url of the raw quote. */
  quote: B64uSchema.max(65_536),
  gpuEvidence: z.array(z.object({ kind: z.string().max(64), data: B64uSchema.max(65_536) })).max(16),
  collateral: z.string().max(262_144).optional(),
});
export type AttestationBundle = z.infer<typeof AttestationBundleSchema>;

export const CheckSchema = z.object({ name: z.string(), ok: z.boolean(), skipped: z.boolean().optional(), reason: z.string().optional() });
export type Check = z.infer<typeof CheckSchema>;
