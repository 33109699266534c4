import { CocoonError } from '../../errors';
import { OpaqueField } from './opaque';
import type { ReferenceMatch } from './reference-measurements';

/**
 * What an NVIDIA GPU report states about the GPU's confidential-computing mode, read from the
 * signed opaque data of the MEASUREMENTS response (NVIDIA attestation-sdk `gpu/verify.cpp`
 * `add_gpu_mode_claim`, `gpu/evidence.h`; nvtrust local_gpu_verifier `OpaqueData`):
 * - `OPAQUE_FIELD_ID_FEATURE_FLAG` (36), read only when `OPAQUE_FIELD_ID_OPAQUE_DATA_VERSION` (34)
 *   is at least 1: 0 and 1 are the GPU-passthrough CC modes (single- and multi-GPU; NVIDIA's SDK
 *   and Google's go-nvattest-tools number the two the other way round), 2 is protected PCIe,
 *   which NVIDIA treats as a mode other than CC ("neither in CC nor in PPCIe mode").
 * - `OPAQUE_FIELD_ID_PROTECTED_PCIE_STATUS` (21): 0xAA on, 0x55 off (NVIDIA's encoding of the
 *   neighbouring NVDEC0 status; NVIDIA's recorded PPCIe-mode H100 carries 0xAA, nvtrust's CC sample 0x55).
 * Reports from drivers that write no opaque data version (nvtrust's H100 sample, driver 550) state
 * no mode at all: it shows only in the measurements, judged against NVIDIA's reference
 * measurements (RIM) the policy carries (./reference-measurements.ts).
 */
export const GpuCcModes = { on: 'on', protectedPcie: 'protected-pcie', notStated: 'not-stated', unknown: 'unknown' } as const;
export type GpuCcMode = (typeof GpuCcModes)[keyof typeof GpuCcModes];

export interface GpuModeFacts {
  ccMode: GpuCcMode;
  opaqueDataVersion?: number;
  featureFlag?: number;
  /** From the protected PCIe status byte; absent when the report has no such field or another value. */
  protectedPcie?: boolean;
}

const FEATURE_FLAG_MIN_OPAQUE_DATA_VERSION = 1;
const PROTECTED_PCIE_ON = 0xaa;
const PROTECTED_PCIE_OFF = 0x55;
const PASSTHROUGH_FLAGS = new Set([0, 1]);
const PROTECTED_PCIE_FLAG = 2;

/** A little-endian unsigned field of 1 to 6 bytes; undefined when absent or another size. */
function le(b: Uint8Array | undefined): number | undefined {
  if (!b || b.length === 0 || b.length > 6) return undefined;
  return b.reduceRight((v, byte) => v * 256 + byte, 0);
}

/**
 * The mode facts of a parsed report's opaque data.
 * @example checkCcMode(gpuModeFacts(parseSpdmReport(bytes).response.opaque)) // throws unless the report says CC mode
 */
export function gpuModeFacts(opaque: ReadonlyMap<number, Uint8Array>): GpuModeFacts {
  const opaqueDataVersion = le(opaque.get(OpaqueField.opaqueDataVersion));
  const rawFlag = opaque.get(OpaqueField.featureFlag);
  const featureFlag = le(rawFlag);
  const pcie = opaque.get(OpaqueField.protectedPcieStatus);
  const protectedPcie = pcie?.length === 1 && pcie[0] === PROTECTED_PCIE_ON ? true : pcie?.length === 1 && pcie[0] === PROTECTED_PCIE_OFF ? false : undefined;
  const facts = { opaqueDataVersion, featureFlag, protectedPcie };
  if (!rawFlag || opaqueDataVersion === undefined || opaqueDataVersion < FEATURE_FLAG_MIN_OPAQUE_DATA_VERSION) return { ccMode: GpuCcModes.notStated, ...facts };
  if (featureFlag === PROTECTED_PCIE_FLAG) return { ccMode: GpuCcModes.protectedPcie, ...facts };
  return { ccMode: featureFlag !== undefined && PASSTHROUGH_FLAGS.has(featureFlag) ? GpuCcModes.on : GpuCcModes.unknown, ...facts };
}

const fail = (reason: string): never => {
  throw new CocoonError('attestation.gpu_cc_mode_not_on', reason);
};

/**
 * The `gpu[i].cc_mode` check: passes when the signed report says CC mode; a report that states no
 * mode passes only when its measurements match a reference set declared CC mode on (`reference`,
 * from the `debug_off` comparison). Returns the pass reason.
 */
export function checkCcMode(m: GpuModeFacts, reference?: ReferenceMatch): string {
  switch (m.ccMode) {
    case GpuCcModes.on:
      if (m.protectedPcie === true) fail(`the feature flag (${m.featureFlag}) says CC mode but the protected PCIe status says on`);
      return `CC mode on (feature flag ${m.featureFlag}: GPU passthrough)`;
    case GpuCcModes.protectedPcie:
      return fail(`the GPU runs in protected PCIe mode (feature flag ${PROTECTED_PCIE_FLAG}), not in CC mode`);
    case GpuCcModes.unknown:
      return fail('the report\'s feature flag is not a mode this verifier knows');
    case GpuCcModes.notStated: {
      const stated = `no feature flag under opaque data version >= 1 (version ${m.opaqueDataVersion ?? 'absent'})`;
      if (reference?.ccMode === true) return `not stated by the report (${stated}); its measurements match reference set "${reference.name}", measured with CC mode on and devtools off`;
      return fail(
        `the report does not state the GPU's CC mode: ${stated}; not stated and no reference match: ` +
          'older reports show the mode only in their measurements, and they match no reference set (gpuReferences) declared CC mode on',
      );
    }
  }
}
