import { toHex } from '../../protocol/encoding';
import type { GpuReference } from '../policy';
import { OpaqueField, type GpuFirmwareFacts } from './opaque';
import type { SpdmReport } from './spdm';

/**
 * `gpu[i].debug_off`: NVIDIA reports state no devtools/debug mode (no opaque field does), and
 * devtools mode changes the measurements, so the only proof of "debug off" is the one NVIDIA's own
 * verifiers use (nvtrust local_gpu_verifier `Verifier.verify`, attestation-sdk `gpu/verify.cpp`):
 * every measurement equals NVIDIA's reference measurements (RIM) for a released driver and VBIOS.
 * The policy carries those as `gpuReferences` (see `GpuReferenceSchema`); this compares them.
 */

/** NVIDIA's RIM index of the NVDEC0 measurement (SPDM block 36). */
const NVDEC0_INDEX = 35;
/** Opaque field 11, NVDEC0 status: 0x55 disabled (0xAA enabled). */
const NVDEC0_DISABLED = 0x55;

/** A reference set the report's measurements equal; the pass reason says which and how much. */
export interface ReferenceMatch {
  name: string;
  ccMode: boolean;
  reason: string;
}

export type ReferenceResult = ({ ok: true } & ReferenceMatch) | { ok: false; reason: string };

export const NO_GPU_REFERENCES =
  'the report does not state GPU devtools/debug mode, and no reference measurements were given to compare its measurements with ' +
  '(gpuReferences: NVIDIA\'s RIM values for a released driver and VBIOS in CC mode with devtools off)';

type Difference = { index: number; kind: 'differs' | 'absent' | 'unlisted' };

const explain = (d: Difference) => {
  const at = `index ${d.index} (SPDM block ${d.index + 1})`;
  if (d.kind === 'absent') return `${at}: the report has no such block`;
  if (d.kind === 'unlisted') return `${at} is measured but the set does not list it`;
  return `${at} differs`;
};

/**
 * Compares a parsed report with the policy's reference sets: a set matches when the report's
 * block equals one of its values on every index it lists, and it lists every non-zero block of the
 * report, so a changed or extra measurement fails. Indexes are NVIDIA's (0-based: index i is SPDM
 * block i + 1). As NVIDIA's verifiers do, index 35 is not compared (either way) while the report's
 * NVDEC0 status says disabled. A set that names a driver or VBIOS version applies only to reports
 * stating that version.
 * @example const r = matchReference(parseSpdmReport(bytes), firmwareFacts(opaque), policy.gpuReferences); if (r.ok) r.name
 */
export function matchReference(spdm: SpdmReport, firmware: GpuFirmwareFacts, references: readonly GpuReference[] | undefined): ReferenceResult {
  if (!references?.length) return { ok: false, reason: NO_GPU_REFERENCES };
  const applicable = references.filter((r) => sameVersion(r.driverVersion, firmware.driverVersion) && sameVersion(r.vbiosVersion, firmware.vbiosVersion));
  if (applicable.length === 0) {
    return { ok: false, reason: `no reference set applies to driver ${firmware.driverVersion ?? '(not stated)'} / VBIOS ${firmware.vbiosVersion ?? '(not stated)'}: each of the ${references.length} names another version` };
  }
  const measured = new Map(spdm.response.blocks.map((b) => [b.index - 1, toHex(b.value)]));
  const nvdec0 = spdm.response.opaque.get(OpaqueField.nvdec0Status);
  const skipped = nvdec0?.length === 1 && nvdec0[0] === NVDEC0_DISABLED ? new Set([NVDEC0_INDEX]) : new Set<number>();
  // A set that compares nothing (every index it lists is skipped) proves nothing, even against an all-zero report.
  const results = applicable
    .map((set) => ({ set, differences: differences(set, measured, skipped), compared: Object.keys(set.measurements).filter((i) => !skipped.has(Number(i))).length }))
    .filter((r) => r.compared > 0);
  if (results.length === 0) return { ok: false, reason: 'no applicable reference set lists a measurement this report is compared on' };
  const match = results.find((r) => r.differences.length === 0);
  if (match) {
    const note = skipped.size ? `; index ${NVDEC0_INDEX} not compared: NVDEC0 disabled` : '';
    return { ok: true, name: match.set.name, ccMode: match.set.ccMode === true, reason: `every measurement matches reference set "${match.set.name}" (${match.compared} compared${note})` };
  }
  const closest = results.reduce((a, b) => (b.differences.length < a.differences.length ? b : a));
  const [first, ...more] = closest.differences;
  const rest = more.length ? ` (and ${more.length} more at ${more.map((d) => d.index).join(', ')})` : '';
  const of = results.length > 1 ? `the closest of ${results.length} applicable sets, ` : '';
  return { ok: false, reason: `the measurements match no reference set: against ${of}"${closest.set.name}", ${explain(first!)}${rest}` };
}

function differences(set: GpuReference, measured: ReadonlyMap<number, string>, skipped: ReadonlySet<number>): Difference[] {
  const listed = new Map(Object.entries(set.measurements).map(([i, v]) => [Number(i), (Array.isArray(v) ? v : [v]).map((h) => h.toLowerCase())]));
  const out: Difference[] = [];
  for (const [index, values] of listed) {
    if (skipped.has(index)) continue;
    const value = measured.get(index);
    if (value === undefined) out.push({ index, kind: 'absent' });
    else if (!values.includes(value)) out.push({ index, kind: 'differs' });
  }
  for (const [index, value] of measured) {
    if (!skipped.has(index) && !listed.has(index) && /[^0]/.test(value)) out.push({ index, kind: 'unlisted' });
  }
  return out.sort((a, b) => a.index - b.index);
}

function sameVersion(wanted: string | undefined, stated: string | undefined): boolean {
  return wanted === undefined || (stated !== undefined && wanted.toLowerCase() === stated.toLowerCase());
}
