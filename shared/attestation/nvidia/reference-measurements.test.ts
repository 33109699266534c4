import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromHex } from '../../protocol/encoding';
import { readVectorText } from '../../testing/vectors';
import { forgeKey } from '../../testing/forge';
import { referenceFromReport } from '../../testing/gpu-reference';
import { withOpaque } from '../../testing/spdm-forge';
import { GpuReferenceSchema, type GpuReference } from '../policy';
import { firmwareFacts, OpaqueField } from './opaque';
import { matchReference, NO_GPU_REFERENCES } from './reference-measurements';
import { parseSpdmReport } from './spdm';

const report = fromHex(readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim());
const spdm = parseSpdmReport(report);
const firmware = firmwareFacts(spdm.response.opaque);
const file = readVectorText('nvidia/nvtrust-hopper-reference.json');
const golden = z.array(GpuReferenceSchema).length(1).parse(JSON.parse(file))[0]!;
const match = (references: GpuReference[] | undefined, s = spdm) => matchReference(s, firmwareFacts(s.response.opaque), references);
const edited = (measurements: Record<string, string | string[] | undefined>, over: Partial<GpuReference> = {}): GpuReference => {
  const m = { ...golden.measurements, ...measurements };
  return { ...golden, ...over, measurements: Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as GpuReference['measurements'] };
};
const OTHER = 'ab'.repeat(48);

describe('NVIDIA reference measurements', () => {
  it('the committed reference file is the recorded report\'s own non-zero measurements, by NVIDIA\'s 0-based index', () => {
    expect(file).toBe(`${JSON.stringify([referenceFromReport(report, golden.name)], null, 2)}\n`);
    expect(Object.keys(golden.measurements)).toHaveLength(26);
    expect(golden.measurements['1']).toBe(Buffer.from(spdm.response.blocks[1]!.value).toString('hex'));
    expect([golden.driverVersion, golden.vbiosVersion, firmware.driverVersion, firmware.vbiosVersion]).toEqual(['550.90.07', '96.00.9F.00.01', '550.90.07', '96.00.9F.00.01']);
  });

  it('matches the recorded report; no set, or an empty list, never matches', () => {
    expect(match([golden])).toMatchObject({ ok: true, name: golden.name, ccMode: true });
    expect(match(undefined)).toEqual({ ok: false, reason: NO_GPU_REFERENCES });
    expect(match([])).toEqual({ ok: false, reason: NO_GPU_REFERENCES });
  });

  it('names what differs: a changed value, a block the set lacks, an index the report lacks', () => {
    expect(match([edited({ 2: OTHER, 30: OTHER })])).toEqual({ ok: false, reason: `the measurements match no reference set: against "${golden.name}", index 2 (SPDM block 3) differs (and 1 more at 30)` });
    expect(match([edited({ 40: undefined })])).toMatchObject({ reason: /, index 40 \(SPDM block 41\) is measured but the set does not list it$/ });
    expect(match([edited({ 0: OTHER })])).toMatchObject({ reason: /, index 0 \(SPDM block 1\) differs$/ });
    expect(match([edited({ 0: '00'.repeat(48) })]).ok).toBe(true);
    expect(match([edited({ 64: OTHER })])).toMatchObject({ reason: /, index 64 \(SPDM block 65\): the report has no such block$/ });
  });

  it('accepts any of an index\'s alternatives (RIM `alternatives`), and compares hex case-insensitively', () => {
    expect(match([edited({ 11: [OTHER, golden.measurements['11'] as string] })]).ok).toBe(true);
    expect(match([edited({ 11: [OTHER, OTHER.toUpperCase()] })]).ok).toBe(false);
    expect(match([edited({ 11: (golden.measurements['11'] as string).toUpperCase() })]).ok).toBe(true);
  });

  it('applies a set only to the driver and VBIOS versions it names (case-insensitive)', () => {
    expect(match([edited({}, { vbiosVersion: '96.00.9f.00.01' })]).ok).toBe(true);
    expect(match([edited({}, { driverVersion: undefined, vbiosVersion: undefined })]).ok).toBe(true);
    expect(match([edited({}, { driverVersion: '535.104.05' })])).toEqual({ ok: false, reason: 'no reference set applies to driver 550.90.07 / VBIOS 96.00.9F.00.01: each of the 1 names another version' });
  });

  it('among several sets, any exact one matches; otherwise the closest is named', () => {
    const wrong = edited({ 5: OTHER }, { name: 'wrong' });
    expect(match([wrong, golden])).toMatchObject({ ok: true, name: golden.name });
    expect(match([edited({ 5: OTHER, 6: OTHER }, { name: 'worse' }), wrong])).toMatchObject({ ok: false, reason: 'the measurements match no reference set: against the closest of 2 applicable sets, "wrong", index 5 (SPDM block 6) differs' });
  });

  it('index 35 (NVDEC0) is not compared while the report says NVDEC0 is disabled, as NVIDIA\'s verifiers do; it is when enabled', async () => {
    expect(spdm.response.opaque.get(OpaqueField.nvdec0Status)).toEqual(new Uint8Array([0x55]));
    expect(match([edited({ 35: OTHER })]).ok).toBe(true);
    expect(match([edited({ 35: undefined })]).ok).toBe(true);
    const enabled = parseSpdmReport(await withOpaque(report, { [OpaqueField.nvdec0Status]: new Uint8Array([0xaa]) }, await forgeKey('P-384')));
    expect(match([golden], enabled)).toMatchObject({ ok: true, reason: `every measurement matches reference set "${golden.name}" (26 compared)` });
    expect(match([edited({ 35: OTHER })], enabled)).toMatchObject({ ok: false, reason: /, index 35 \(SPDM block 36\) differs$/ });
    const absent = parseSpdmReport(await withOpaque(report, { [OpaqueField.nvdec0Status]: undefined }, await forgeKey('P-384')));
    expect(match([edited({ 35: OTHER })], absent).ok).toBe(false);
    // A set of index 35 alone compares nothing while NVDEC0 is disabled: it never matches, even a report of zeros.
    const zeros = { ...spdm, response: { ...spdm.response, blocks: spdm.response.blocks.map((b) => ({ ...b, value: new Uint8Array(48) })) } };
    expect(match([{ ...golden, measurements: { 35: OTHER } }], zeros)).toEqual({ ok: false, reason: 'no applicable reference set lists a measurement this report is compared on' });
    expect(match([{ ...golden, measurements: { 0: '00'.repeat(48) } }], zeros).ok).toBe(true);
  });
});

describe('GpuReferenceSchema', () => {
  it.each([
    ['an index past 253', { 254: OTHER }],
    ['an index with a leading zero', { '01': OTHER }],
    ['a value that is not 48 bytes', { 1: 'ab'.repeat(32) }],
    ['no measurement at all', {}],
    ['an empty list of alternatives', { 1: [] }],
  ])('refuses %s', (_, measurements) => {
    expect(GpuReferenceSchema.safeParse({ name: 'x', ccMode: true, measurements }).success).toBe(false);
  });

  it('requires the CC-mode declaration and lower-cases hex', () => {
    expect(GpuReferenceSchema.safeParse({ name: 'x', measurements: { 0: OTHER } }).success).toBe(false);
    expect(GpuReferenceSchema.safeParse({ name: 'x', ccMode: false, measurements: { 0: OTHER } }).success).toBe(false);
    expect(GpuReferenceSchema.parse({ name: 'x', ccMode: true, measurements: { 0: OTHER.toUpperCase(), 253: [OTHER] } }).measurements).toEqual({ 0: OTHER, 253: [OTHER] });
  });
});
