import { z } from 'zod';
import { B64uSchema, canonicalJson, toB64u, utf8 } from './encoding';

/** GPU evidence kinds a bundle's `gpuEvidence[].kind` may name. */
export const GpuEvidenceKinds = { nvidiaCcSpdm: 'nvidia-cc-spdm-v1' } as const;

/**
 * One NVIDIA confidential-computing GPU's evidence (ARCHITECTURE.md, "The confidential path",
 * step 2): the attestation report as the driver returns it (SPDM 1.1 GET_MEASUREMENTS request +
 * MEASUREMENTS response + signature) and the device certificate chain (PEM, leaf first). A bundle
 * carries the canonical JSON of this object base64url-encoded; `claims.gpuEvidenceDigests` lists
 * SHA-256 of those exact bytes.
 */
export const NvidiaGpuEvidenceSchema = z.object({
  version: z.literal(1),
  report: B64uSchema.max(32_768),
  certChain: z.string().max(16_384),
});
export type NvidiaGpuEvidence = z.infer<typeof NvidiaGpuEvidenceSchema>;

/** The largest report `NvidiaGpuEvidenceSchema` admits, in bytes (32 768 base64url characters). */
export const NVIDIA_GPU_REPORT_MAX_BYTES = 24_576;

/**
 * The bytes a bundle carries for one GPU (`kind: nvidia-cc-spdm-v1`) and whose SHA-256 the claims
 * list: the canonical JSON of `{ version: 1, report, certChain }`. Throws if a field is over the
 * schema's bounds, so a host never emits evidence every verifier would reject.
 * @example const blob = encodeNvidiaGpuEvidence(report, pemChain); claims.gpuEvidenceDigests.push(toHex(await sha256(blob)))
 */
export function encodeNvidiaGpuEvidence(report: Uint8Array, certChain: string): Uint8Array {
  return utf8(canonicalJson(NvidiaGpuEvidenceSchema.parse({ version: 1, report: toB64u(report), certChain })));
}
