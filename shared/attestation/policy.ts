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
 * What a verifier accepts (ARCHITECTURE.md, "The confidential path", step 4). Only `allowSimulated`
 * is required, so `{ allowSimulated }` keeps working; every other rule is off when absent and its
 * check is reported as skipped, never as passed.
 * - `images`: the measurement allowlist; `acceptedTcbStatuses`: default `['UpToDate']`;
 * - `maxCollateralAgeDays`: default 30; `allowedGpuFirmware`: VBIOS versions, case-insensitive;
 * - `requireCollateral` / `requireGpuEvidence`: fail instead of skipping when these are missing.
 */
export const AttestationPolicySchema = z.object({
  allowSimulated: z.boolean(),
  images: z.array(PolicyImageSchema).max(256).optional(),
  acceptedTcbStatuses: z.array(TcbStatusSchema).min(1).optional(),
  maxCollateralAgeDays: z.number().int().positive().max(3650).optional(),
  allowedGpuFirmware: z.array(z.string().min(1).max(64)).max(256).optional(),
  requireCollateral: z.boolean().optional(),
  requireGpuEvidence: z.boolean().optional(),
});
export type AttestationPolicy = z.input<typeof AttestationPolicySchema>;

export const DEFAULT_ACCEPTED_TCB_STATUSES: readonly TcbStatus[] = ['UpToDate'];
export const DEFAULT_MAX_COLLATERAL_AGE_DAYS = 30;

/** The operator's policy document: a complete policy with a version and an expiry (Unix seconds). */
export const PolicyDataSchema = AttestationPolicySchema.extend({
  version: z.literal(1),
  images: z.array(PolicyImageSchema).max(256),
  acceptedTcbStatuses: z.array(TcbStatusSchema).min(1),
  maxCollateralAgeDays: z.number().int().positive().max(3650),
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

const POLICY_DOMAIN = utf8('cocoon attestation policy v1\n');
const signedBytes = (policy: unknown) => concatBytes(POLICY_DOMAIN, utf8(canonicalJson(policy)));

/** Signs a policy document with an operator key. */
export async function signPolicy(data: z.input<typeof PolicyDataSchema>, key: SigningKeyPair): Promise<SignedPolicy> {
  const policy = PolicyDataSchema.parse(data);
  return { policy, signerPublicKey: toB64u(key.publicKey), signature: toB64u(await sign(key.privateKey, signedBytes(policy))) };
}

/**
 * Checks a signed policy against the operator keys pinned in the build and returns its data,
 * which is an `AttestationPolicy`. Throws `attestation.policy_invalid` (shape, unknown signer, bad
 * signature) or `attestation.policy_expired`.
 * @example const policy = await verifySignedPolicy(json, [OPERATOR_POLICY_KEY]); await verifyBundle(b, { policy })
 */
export async function verifySignedPolicy(signed: unknown, pinnedPolicyKeys: readonly string[], now: Date = new Date()): Promise<PolicyData> {
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
  return data.data;
}
