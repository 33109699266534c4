import { z } from 'zod';
import { B64uSchema } from './encoding';

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
