import { concatBytes } from '../protocol/encoding';
import { parseSpdmReport } from '../attestation/nvidia/spdm';
import { signRaw, type ForgeKey } from './forge';

/** Test-only: SPDM opaque fields, each `type (u16 LE) || length (u16 LE) || value`. */
export function opaqueFields(fields: Iterable<[number, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [type, value] of fields) parts.push(new Uint8Array([type & 0xff, type >> 8, value.length & 0xff, value.length >> 8]), value);
  return concatBytes(...parts);
}

/**
 * Test-only: an NVIDIA report with its opaque data edited (`undefined` removes a field, a new type
 * is appended) and re-signed by `key` (a look-alike device leaf), so only the chain can refuse it.
 */
export async function withOpaque(report: Uint8Array, edits: Record<number, Uint8Array | undefined>, key: ForgeKey): Promise<Uint8Array> {
  const spdm = parseSpdmReport(report);
  const fields = new Map(spdm.response.opaque);
  for (const [type, value] of Object.entries(edits)) {
    if (value === undefined) fields.delete(Number(type));
    else fields.set(Number(type), value);
  }
  const oldOpaqueLength = [...spdm.response.opaque.values()].reduce((n, v) => n + 4 + v.length, 0);
  const head = spdm.signedBytes.subarray(0, spdm.signedBytes.length - oldOpaqueLength - 2);
  const opaque = opaqueFields(fields);
  const signed = concatBytes(head, new Uint8Array([opaque.length & 0xff, opaque.length >> 8]), opaque);
  return concatBytes(signed, await signRaw(key, signed));
}

/**
 * Test-only: an NVIDIA report with measurement block values replaced (by SPDM block index, same
 * value type) and re-signed by `key` (a look-alike device leaf), so only the chain can refuse it.
 */
export async function withBlocks(report: Uint8Array, edits: Record<number, Uint8Array>, key: ForgeKey): Promise<Uint8Array> {
  const spdm = parseSpdmReport(report);
  const u16 = (n: number) => new Uint8Array([n & 0xff, n >> 8]);
  const record = concatBytes(
    ...spdm.response.blocks.map((b) => {
      const value = edits[b.index] ?? b.value;
      return concatBytes(new Uint8Array([b.index, 1]), u16(3 + value.length), new Uint8Array([b.valueType]), u16(value.length), value);
    }),
  );
  const { version, param1, param2, blocks, nonce, opaque } = spdm.response;
  const opaqueBytes = opaqueFields(opaque);
  const signed = concatBytes(
    spdm.signedBytes.subarray(0, 37),
    new Uint8Array([version, 0x60, param1, param2, blocks.length, record.length & 0xff, (record.length >> 8) & 0xff, record.length >> 16]),
    record,
    nonce,
    u16(opaqueBytes.length),
    opaqueBytes,
  );
  return concatBytes(signed, await signRaw(key, signed));
}
