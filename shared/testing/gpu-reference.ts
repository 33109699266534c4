import { toHex } from '../protocol/encoding';
import type { GpuReference } from '../attestation/policy';
import { firmwareFacts } from '../attestation/nvidia/opaque';
import { parseSpdmReport } from '../attestation/nvidia/spdm';

/**
 * Test-only: a reference set made of a recorded report's own measurements, the golden
 * measurements of that one GPU: every non-zero block under NVIDIA's 0-based index (block i + 1 →
 * index i), with the driver and VBIOS versions its opaque data states. It stands in for NVIDIA's
 * RIM, which the repository does not have; `shared/testing/vectors/nvidia/nvtrust-hopper-reference.json`
 * is this function's output for nvtrust's H100 sample.
 */
export function referenceFromReport(report: Uint8Array, name: string): GpuReference {
  const spdm = parseSpdmReport(report);
  const { driverVersion, vbiosVersion } = firmwareFacts(spdm.response.opaque);
  const measurements = Object.fromEntries(spdm.response.blocks.filter((b) => b.value.some((x) => x !== 0)).map((b) => [String(b.index - 1), toHex(b.value)]));
  return { name, driverVersion, vbiosVersion, ccMode: true, measurements };
}
