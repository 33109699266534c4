import fc from 'fast-check';
import { CocoonError } from '../../errors';
import { bytesEqual, concatBytes } from '../../protocol/encoding';
import { CheckLog } from '../../attestation/checks';
import { checkCcMode, gpuModeFacts } from '../../attestation/nvidia/gpu-mode';
import { firmwareFacts, OpaqueField } from '../../attestation/nvidia/opaque';
import { parseSpdmReport } from '../../attestation/nvidia/spdm';
import { verifyNvidiaReport } from '../../attestation/nvidia/verify-gpu';
import { pemBlocks, toPem } from '../../attestation/x509/pem';
import { opaqueFields } from '../spdm-forge';
import { countNodes, derEdits, derTree, encodeDerWith, type DerEdit } from './der-tree';
import { FuzzFailure, fuzzTarget, type FuzzTarget } from './harness';
import { anyBytes, applyByteEdits, byteEdits, mutantsOf, type ByteEdit, type Mutant } from './mutate';
import { assertNoInternal } from './tdx-targets';
import { nvidiaChainPem, nvidiaReport, spdmHints, VectorTimes } from './vectors';

/** Test-only: fuzz targets for NVIDIA GPU evidence: the SPDM report, its opaque data, the full verifier. */

const reports = { nvtrust: { bytes: nvidiaReport, hints: spdmHints(nvidiaReport) } };
const parsed = parseSpdmReport(nvidiaReport);

/** What a verifier does with a parsed report's opaque data. */
function readOpaque(opaque: Map<number, Uint8Array>): void {
  firmwareFacts(opaque);
  try {
    checkCcMode(gpuModeFacts(opaque));
  } catch (e) {
    if (!(e instanceof CocoonError)) throw e;
  }
}

const spdmParse = fuzzTarget<Uint8Array | Mutant>({
  name: 'nvidia.spdm.parse',
  inputs: fc.oneof({ weight: 1, arbitrary: anyBytes(8192) }, { weight: 4, arbitrary: mutantsOf(reports) }),
  run(input) {
    const bytes = input instanceof Uint8Array ? input : applyByteEdits(reports.nvtrust.bytes, input.edits);
    readOpaque(parseSpdmReport(bytes).response.opaque);
  },
});

/** The report with its opaque data replaced (its size field rewritten, the old signature kept). */
function withOpaqueBytes(opaque: Uint8Array): Uint8Array {
  const oldLength = [...parsed.response.opaque.values()].reduce((n, v) => n + 4 + v.length, 0);
  const head = parsed.signedBytes.subarray(0, parsed.signedBytes.length - oldLength - 2);
  const size = Math.min(opaque.length, 0xffff);
  return concatBytes(head, Uint8Array.of(size & 0xff, size >> 8), opaque.subarray(0, size), parsed.response.signature);
}

const fieldType = fc.oneof(fc.constantFrom(...Object.values(OpaqueField)), fc.integer({ min: 0, max: 0xffff }));
const fieldValue = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.constantFrom(Uint8Array.of(), Uint8Array.of(0), Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(0xaa), Uint8Array.of(0x55), Uint8Array.of(1, 0, 0, 0)) },
  // A field as long as the u16 size allows: readers that spread a value into a call.
  { weight: 1, arbitrary: fc.integer({ min: 30_000, max: 65_531 }).map((n) => new Uint8Array(n).fill(0x41)) },
);

const opaqueParse = fuzzTarget<{ fields: { type: number; value: Uint8Array }[]; edits: ByteEdit[] }>({
  name: 'nvidia.opaque.parse',
  testRuns: 1500,
  inputs: fc.record({
    fields: fc.array(fc.record({ type: fieldType, value: fieldValue }), { maxLength: 8 }),
    edits: fc.oneof(fc.constant<ByteEdit[]>([]), byteEdits(64, { maxEdits: 2 })),
  }),
  run({ fields, edits }) {
    const opaque = applyByteEdits(opaqueFields(fields.map((f) => [f.type, f.value.subarray(0, 0xffff)])), edits);
    readOpaque(parseSpdmReport(withOpaqueBytes(opaque)).response.opaque);
  },
});

const nonce = parsed.request.nonce.slice();

const chainDers = pemBlocks(nvidiaChainPem, 'CERTIFICATE');
const leafTree = derTree(chainDers[0]!);
/** The device chain with its leaf edited structurally (the FWID extension is read from it). */
const issuersPem = chainDers.slice(1).map((d) => toPem(d, 'CERTIFICATE')).join('');
const chainWithLeaf = (edits: DerEdit[]) => toPem(encodeDerWith(leafTree, edits), 'CERTIFICATE') + issuersPem;

const reportVerify = fuzzTarget<{ signed: boolean; edits: ByteEdit[]; leaf?: DerEdit[] }>({
  name: 'nvidia.report.verify',
  verifies: true,
  testRuns: 100,
  inputs: fc.oneof(
    fc.record({ signed: fc.constant(true), edits: byteEdits(0, { region: [0, parsed.signedBytes.length] }) }),
    fc.record({ signed: fc.constant(false), edits: byteEdits(nvidiaReport.length, { hints: reports.nvtrust.hints }) }),
    fc.record({ signed: fc.constant(false), edits: fc.constant<ByteEdit[]>([]), leaf: derEdits(countNodes(leafTree)) }),
  ),
  rejects: () => false,
  async run({ signed, edits, leaf }) {
    const bytes = applyByteEdits(nvidiaReport, edits);
    const log = new CheckLog();
    await verifyNvidiaReport(bytes, leaf ? chainWithLeaf(leaf) : nvidiaChainPem, { index: 0, now: VectorTimes.nvidia, expectedNonce: nonce }, log);
    assertNoInternal(log.checks);
    const signature = log.checks.find((c) => c.name === 'gpu[0].signature');
    if (!signature?.ok) return;
    if (signed && !bytesEqual(bytes, nvidiaReport)) throw new FuzzFailure('a report changed inside request || response verified');
    if (!bytesEqual(parseSpdmReport(bytes).signedBytes, parsed.signedBytes)) throw new FuzzFailure('an altered report verified');
  },
});

export const nvidiaTargets: FuzzTarget[] = [spdmParse, opaqueParse, reportVerify];
