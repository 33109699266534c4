import { hexOf } from '../x509/hex';

/** Opaque data field ids of NVIDIA's MEASUREMENTS response (nvtrust `OpaqueData.OPAQUE_DATA_TYPES`). */
export const OpaqueField = {
  driverVersion: 3,
  vbiosVersion: 6,
  nvdec0Status: 11,
  chipSku: 15,
  project: 17,
  projectSku: 18,
  fwid: 20,
  protectedPcieStatus: 21,
  opaqueDataVersion: 34,
  featureFlag: 36,
} as const;

/** What the opaque data says about the GPU's software, as nvtrust displays it. */
export interface GpuFirmwareFacts {
  driverVersion?: string;
  vbiosVersion?: string;
  chipSku?: string;
  project?: string;
  projectSku?: string;
  fwid?: string;
}

const ascii = (b: Uint8Array | undefined) => (b ? String.fromCharCode(...b).replace(/\0+$/, '') : undefined);

/** VBIOS version "96.00.9F.00.01" from its 8 little-endian bytes (nvtrust `format_vbios_version`). */
export function formatVbiosVersion(b: Uint8Array): string {
  const v = hexOf(Uint8Array.from(b).reverse());
  const half = v.length / 2;
  const t = v.slice(half) + v.slice(half - 2, half);
  return (t.match(/../g) ?? []).join('.').toUpperCase();
}

export function firmwareFacts(opaque: Map<number, Uint8Array>): GpuFirmwareFacts {
  const vbios = opaque.get(OpaqueField.vbiosVersion);
  const fwid = opaque.get(OpaqueField.fwid);
  return {
    driverVersion: ascii(opaque.get(OpaqueField.driverVersion)),
    vbiosVersion: vbios && vbios.length >= 2 ? formatVbiosVersion(vbios) : undefined,
    chipSku: ascii(opaque.get(OpaqueField.chipSku)),
    project: ascii(opaque.get(OpaqueField.project)),
    projectSku: ascii(opaque.get(OpaqueField.projectSku)),
    fwid: fwid ? hexOf(fwid) : undefined,
  };
}
