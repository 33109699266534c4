import { z } from 'zod';
import { CocoonError } from '../errors';
import { b64uBytes, canonicalJson, concatBytes, fromB64u, toB64u, utf8 } from '../protocol/encoding';
import { sign, verify, type SigningKeyPair } from '../crypto/ed25519';
import { TcbStatusSchema, type TcbStatus } from './tdx/tcb-status';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `expected ${bytes} bytes of hex`).transform((s) => s.toLowerCase());

/** One released image: the measurements a TD running it reports (MRTD, RTMR0-2, optionally more). */
export const PolicyImageSchema = z.object({
  name: z.string().min(1).max(128),
  mrTd: hex(48),
  rtmr0: hex(48),
  rtmr1: hex(48),
  rtmr2: hex(48),
  mrSeam: hex(48).optional(),
  xfam: hex(8).optional(),
  mrConfigId: hex(48).optional(),
});
export type PolicyImage = z.infer<typeof PolicyImageSchema>;

/**
 * One allowed engine configuration (issue 9: what the host runs is what is attested): the engine
 * container's image digest, its version and its exact launch arguments, as the host agent states
 * them in its claims (`Claims.engine`, bound by REPORTDATA; in the production layout the same
 * compose file is measured into the VM's configuration, see deploy/README.md). Models are listed
 * by the SHA-256 of their weights.
 */
export const PolicyEngineSchema = z.object({
  name: z.string().min(1).max(128),
  imageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex>'),
  version: z.string().min(1).max(64),
  args: z.array(z.string().max(1024)).max(256),
  /** Model name → SHA-256 of its weights (lower-case hex). */
  models: z.record(z.string().min(1).max(128), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type PolicyEngine = z.infer<typeof PolicyEngineSchema>;

/** NVIDIA's 0-based measurement index, as the RIM's `index` attribute: RIM index i is SPDM block i + 1 (1-254). */
const RIM_INDEX = /^(?:0|[1-9]\d?|1\d\d|2[0-4]\d|25[0-3])$/;
const GpuMeasurementSchema = z.union([hex(48), z.array(hex(48)).min(1).max(16)]);

/**
 * One set of NVIDIA reference measurements (golden measurements), against which `gpu[i].debug_off`
 * (and `gpu[i].cc_mode` where a report does not state its mode) compare a GPU report's measurement
 * blocks. The operator derives it from NVIDIA's signed reference integrity manifests (RIMs) for one
 * released driver and one VBIOS, measured with CC mode on and devtools off, after checking the RIMs'
 * signatures (nvtrust's verifier does both): for every `<Resource>` of the driver RIM and of the
 * VBIOS RIM with `active="True"`, its `index` attribute → its `Hash0` value, or the list
 * `Hash0`…`Hash{n-1}` when it has `alternatives="n"`. Inactive resources are left out. NVIDIA's
 * indexes start at 0: index i is the report's SPDM measurement block i + 1.
 * - `driverVersion`, `vbiosVersion` (the RIMs' `colloquialVersion`): when given, the set applies
 *   only to reports whose opaque data states that version (case-insensitive).
 * - `ccMode: true`: the operator's declaration that the RIMs are those of CC mode on and devtools
 *   off; a report that states no CC mode passes `cc_mode` only by matching such a set.
 * @example { name: 'H100 driver 550.90.07 / VBIOS 96.00.9F.00.01', driverVersion: '550.90.07', vbiosVersion: '96.00.9F.00.01', ccMode: true, measurements: { '1': '8048…', '2': '164f…' } }
 */
export const GpuReferenceSchema = z.object({
  name: z.string().min(1).max(128),
  driverVersion: z.string().min(1).max(64).optional(),
  vbiosVersion: z.string().min(1).max(64).optional(),
  ccMode: z.literal(true),
  measurements: z
    .record(z.string().regex(RIM_INDEX, 'expected a measurement index 0-253'), GpuMeasurementSchema)
    .refine((m) => Object.keys(m).length > 0, 'expected at least one measurement'),
});
export type GpuReference = z.input<typeof GpuReferenceSchema>;

/**
 * What a verifier accepts (ARCHITECTURE.md, "The confidential path", step 4). Every verifier fails
 * closed: a TDX quote verifies only with trusted, fresh Intel collateral (QE identity, TCB status,
 * CRLs), and an empty list admits nothing.
 * - `images`: the measurement allowlist (`[]` admits no TDX host). Absent only where no operator
 *   policy applies: the auditor's CLI without `--policy` and development builds; the check is then
 *   reported as skipped, never as passed. Production verifiers always run under a signed policy,
 *   where it is required.
 * - `engines`: the engine allowlist matched against the claims' engine identity (image digest,
 *   version, launch arguments, model weight digests), for every TEE kind; same absent/empty rule.
 * - `acceptedTcbStatuses`: default `['UpToDate']`; `maxCollateralAgeDays`: default 30;
 * - `allowedGpuFirmware`: VBIOS versions, case-insensitive; `requireGpuEvidence`: a bundle without
 *   GPU evidence fails. GPU evidence, when present, must also show confidential-computing mode on
 *   and GPU debug off, decided as follows (see ./nvidia/reference-measurements.ts):
 * - `gpuReferences`: NVIDIA reference measurement sets (`GpuReferenceSchema`). No NVIDIA report
 *   states devtools/debug mode, so `gpu[i].debug_off` compares with NVIDIA's reference
 *   measurements: it passes only when the report's measurement blocks equal one set on every index
 *   the set lists and the set lists every non-zero block of the report (as NVIDIA's verifier does,
 *   index 35 is not compared while the report says NVDEC0 is disabled). Absent or `[]`, no GPU
 *   passes. `gpu[i].cc_mode` reads what the evidence encodes, the signed feature flag (opaque data
 *   version >= 1); a report that states no mode (older drivers, e.g. 550) passes only by that same
 *   reference match, every set being declared CC mode on (`ccMode: true`).
 */
export const AttestationPolicySchema = z.object({
  allowSimulated: z.boolean(),
  images: z.array(PolicyImageSchema).max(256).optional(),
  engines: z.array(PolicyEngineSchema).max(64).optional(),
  acceptedTcbStatuses: z.array(TcbStatusSchema).min(1).optional(),
  maxCollateralAgeDays: z.number().int().positive().max(3650).optional(),
  allowedGpuFirmware: z.array(z.string().min(1).max(64)).max(256).optional(),
  requireGpuEvidence: z.boolean().optional(),
  gpuReferences: z.array(GpuReferenceSchema).max(64).optional(),
});
export type AttestationPolicy = z.input<typeof AttestationPolicySchema>;

export const DEFAULT_ACCEPTED_TCB_STATUSES: readonly TcbStatus[] = ['UpToDate'];
export const DEFAULT_MAX_COLLATERAL_AGE_DAYS = 30;

/**
 * The operator's policy document: a complete policy with a sequence number (every verifier refuses
 * one older than the newest it has seen), an expiry (Unix seconds), and the SHA-256 of each
 * published Mini App build (`webBuilds`, lower-case hex, as the build prints it) that an auditor or
 * the app's About screen can compare with the build a phone runs. Its lists are required:
 * `gpuReferences: []` is allowed and fails every GPU's `debug_off`.
 */
export const PolicyDataSchema = AttestationPolicySchema.extend({
  version: z.literal(2),
  sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  images: z.array(PolicyImageSchema).max(256),
  engines: z.array(PolicyEngineSchema).max(64),
  acceptedTcbStatuses: z.array(TcbStatusSchema).min(1),
  maxCollateralAgeDays: z.number().int().positive().max(3650),
  webBuilds: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in lower-case hex')).max(64),
  gpuReferences: z.array(GpuReferenceSchema).max(64),
  expiresAt: z.number().int().positive(),
});
export type PolicyData = z.output<typeof PolicyDataSchema>;

/** A policy signed with an operator Ed25519 key over `POLICY_DOMAIN || canonicalJson(policy)`. */
export const SignedPolicySchema = z.object({
  policy: z.record(z.string(), z.unknown()),
  signerPublicKey: b64uBytes(32),
  signature: b64uBytes(64),
});
export type SignedPolicy = z.infer<typeof SignedPolicySchema>;

const POLICY_DOMAIN = utf8('cocoon attestation policy v2\n');
const signedBytes = (policy: unknown) => concatBytes(POLICY_DOMAIN, utf8(canonicalJson(policy)));

/** Signs a policy document with an operator key. */
export async function signPolicy(data: z.input<typeof PolicyDataSchema>, key: SigningKeyPair): Promise<SignedPolicy> {
  const policy = PolicyDataSchema.parse(data);
  return { policy, signerPublicKey: toB64u(key.publicKey), signature: toB64u(await sign(key.privateKey, signedBytes(policy))) };
}

/**
 * Checks a signed policy against the operator keys pinned in the build and returns its data,
 * which is an `AttestationPolicy`. Throws `attestation.policy_invalid` (shape, unknown signer, bad
 * signature), `attestation.policy_expired`, or `attestation.policy_rollback` when its sequence is
 * below `minSequence` (the newest the caller has seen: a replayed older policy).
 * @example const policy = await verifySignedPolicy(json, [OPERATOR_POLICY_KEY]); await verifyBundle(b, { policy })
 */
export async function verifySignedPolicy(signed: unknown, pinnedPolicyKeys: readonly string[], now: Date = new Date(), opts: { minSequence?: number } = {}): Promise<PolicyData> {
  const s = SignedPolicySchema.safeParse(signed);
  if (!s.success) throw new CocoonError('attestation.policy_invalid', 'not a signed policy');
  if (!pinnedPolicyKeys.includes(s.data.signerPublicKey)) throw new CocoonError('attestation.policy_invalid', 'the policy is not signed by a pinned operator key');
  let bytes: Uint8Array;
  try {
    bytes = signedBytes(s.data.policy);
  } catch (cause) {
    throw new CocoonError('attestation.policy_invalid', 'the policy cannot be canonically encoded', { cause });
  }
  if (!(await verify(fromB64u(s.data.signerPublicKey), fromB64u(s.data.signature), bytes))) throw new CocoonError('attestation.policy_invalid', 'the policy signature does not verify');
  const data = PolicyDataSchema.safeParse(s.data.policy);
  if (!data.success) throw new CocoonError('attestation.policy_invalid', `the policy does not match the schema: ${data.error.issues[0]?.path.join('.')}`);
  if (data.data.expiresAt * 1000 <= now.getTime()) throw new CocoonError('attestation.policy_expired', `the policy expired at ${new Date(data.data.expiresAt * 1000).toISOString()}`);
  if (opts.minSequence !== undefined && data.data.sequence < opts.minSequence) {
    throw new CocoonError('attestation.policy_rollback', `policy sequence ${data.data.sequence} is older than ${opts.minSequence}, the newest this verifier has seen`);
  }
  return data.data;
}
