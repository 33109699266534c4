import fc from 'fast-check';
import { CocoonError } from '../../errors';
import { bytesEqual, utf8 } from '../../protocol/encoding';
import { parseCollateral, type CollateralJson } from '../../attestation/tdx/collateral';
import { checkFreshness, verifyQeIdentity, verifyTcbInfo } from '../../attestation/tdx/collateral-checks';
import { tdxMeasurements } from '../../attestation/tdx/measurements';
import { parseTdxQuote } from '../../attestation/tdx/quote';
import { checkHeader, checkNotDebug } from '../../attestation/tdx/quote-checks';
import { tcbFromQuote } from '../../attestation/tdx/tcb-report';
import { verifyTdxQuote, type TdxVerification } from '../../attestation/tdx/verify-quote';
import { accepted, FuzzFailure, fuzzTarget, type FuzzTarget } from './harness';
import { applyJsonEdits, awkwardJson, jsonEdits, type JsonEdit } from './json';
import { anyBytes, applyByteEdits, byteEdits, editText, mutantsOf, type ByteEdit, type Mutant } from './mutate';
import { asV5, collateralFields, collateralText, quoteHints, quoteVectors, VectorTimes } from './vectors';

/** Test-only: fuzz targets for Intel TDX quotes (v4, v5) and their collateral. */

const policy = { allowSimulated: false };
const UNEXPECTED = 'unexpected verifier error';

/** A verifier that reports checks must never have hit a non-typed error in any of them. */
export function assertNoInternal(checks: { name: string; reason?: string }[]): void {
  const crashed = checks.find((c) => c.reason === UNEXPECTED);
  if (crashed) throw new FuzzFailure(`check ${crashed.name} crashed (an untyped error inside the verifier)`);
}

const quotes = {
  cocoonV4: { bytes: quoteVectors.cocoonV4, hints: quoteHints(quoteVectors.cocoonV4) },
  phalaV4: { bytes: quoteVectors.phalaV4, hints: quoteHints(quoteVectors.phalaV4) },
  cocoonV5: { bytes: asV5(quoteVectors.cocoonV4, false), hints: [0, 48, 50, 54 + 584] },
  phalaV5Td15: { bytes: asV5(quoteVectors.phalaV4, true), hints: [0, 48, 50, 54 + 648] },
};

const quoteParse = fuzzTarget<Uint8Array | Mutant>({
  name: 'tdx.quote.parse',
  inputs: fc.oneof({ weight: 1, arbitrary: anyBytes(4096) }, { weight: 4, arbitrary: mutantsOf(quotes) }),
  run(input) {
    const bytes = input instanceof Uint8Array ? input : applyByteEdits(quotes[input.vector as keyof typeof quotes].bytes, input.edits);
    const q = parseTdxQuote(bytes);
    tcbFromQuote(q);
    tdxMeasurements(q.body);
    checkHeader(q);
    checkNotDebug(q);
  },
});

/** The vectors a full verification runs on: Phala's quote passes every check with its collateral. */
const verifiable = {
  phala: { bytes: quoteVectors.phalaV4, now: VectorTimes.phala, collateral: collateralText as unknown },
  cocoon: { bytes: quoteVectors.cocoonV4, now: VectorTimes.cocoon, collateral: undefined },
};
type Verifiable = keyof typeof verifiable;
const originalSigned: Record<Verifiable, Uint8Array> = { phala: parseTdxQuote(verifiable.phala.bytes).signedBytes, cocoon: parseTdxQuote(verifiable.cocoon.bytes).signedBytes };
const signedLength = (v: Verifiable) => originalSigned[v].length;
const outcome = (r: TdxVerification, name: string) => r.checks.find((c) => c.name === name);

const quoteVerify = fuzzTarget<{ vector: Verifiable; signed: boolean; edits: ByteEdit[] }>({
  name: 'tdx.quote.verify',
  verifies: true,
  testRuns: 120,
  inputs: fc.oneof(
    ...(['phala', 'cocoon'] as const).flatMap((vector) => [
      fc.record({ vector: fc.constant(vector), signed: fc.constant(true), edits: byteEdits(0, { region: [0, signedLength(vector)] }) }),
      fc.record({ vector: fc.constant(vector), signed: fc.constant(false), edits: byteEdits(verifiable[vector].bytes.length, { hints: quoteHints(verifiable[vector].bytes) }) }),
    ]),
  ),
  rejects: () => false,
  async run({ vector, signed, edits }) {
    const v = verifiable[vector];
    const bytes = applyByteEdits(v.bytes, edits);
    const r = await verifyTdxQuote(bytes, { policy, now: v.now, collateral: v.collateral });
    assertNoInternal(r.checks);
    const original = originalSigned[vector];
    const sameSigned = r.quote !== undefined && bytesEqual(r.quote.signedBytes, original);
    if (signed && !bytesEqual(bytes, v.bytes) && (r.ok || outcome(r, 'quote.signature')?.ok)) {
      throw new FuzzFailure('a quote changed inside header || body verified');
    }
    if (r.ok && !sameSigned) throw new FuzzFailure('an altered quote verified');
  },
});

const collateral: CollateralJson = collateralFields;
const inner: { tcb_info: unknown; qe_identity: unknown } = { tcb_info: JSON.parse(collateral.tcb_info), qe_identity: JSON.parse(collateral.qe_identity) };

type CollateralInput =
  | { kind: 'outer'; edits: JsonEdit[] }
  | { kind: 'tcb_info' | 'qe_identity'; edits: JsonEdit[] }
  | { kind: 'text'; edits: ByteEdit[] }
  | { kind: 'json'; value: unknown };

function collateralOf(input: CollateralInput): unknown {
  switch (input.kind) {
    case 'outer':
      return JSON.stringify(applyJsonEdits(collateral, input.edits));
    case 'tcb_info':
    case 'qe_identity':
      return JSON.stringify({ ...collateral, [input.kind]: JSON.stringify(applyJsonEdits(inner[input.kind], input.edits)) });
    case 'text':
      return editText(collateralText, input.edits);
    case 'json':
      return input.value;
  }
}

const collateralParse = fuzzTarget<CollateralInput>({
  name: 'tdx.collateral.parse',
  testRuns: 1000,
  inputs: fc.oneof(
    fc.record({ kind: fc.constant('outer' as const), edits: jsonEdits(collateral) }),
    fc.record({ kind: fc.constant('tcb_info' as const), edits: jsonEdits(inner.tcb_info) }),
    fc.record({ kind: fc.constant('qe_identity' as const), edits: jsonEdits(inner.qe_identity) }),
    fc.record({ kind: fc.constant('text' as const), edits: byteEdits(collateralText.length) }),
    fc.record({ kind: fc.constant('json' as const), value: fc.oneof(awkwardJson, fc.string()) }),
  ),
  run(input) {
    const c = parseCollateral(collateralOf(input));
    checkFreshness(c, 30, VectorTimes.phala.getTime());
  },
});

const phalaQuote = parseTdxQuote(quoteVectors.phalaV4);
const originalCollateral = parseCollateral(collateralText);
type SignedField = 'tcb_info' | 'qe_identity';

const collateralVerify = fuzzTarget<{ field: SignedField; edits: ByteEdit[] } | { field: 'tcb_info_signature' | 'qe_identity_signature'; edits: ByteEdit[] }>({
  name: 'tdx.collateral.verify',
  verifies: true,
  testRuns: 150,
  inputs: fc.oneof(
    ...(['tcb_info', 'qe_identity'] as const).map((field) => fc.record({ field: fc.constant(field), edits: byteEdits(0, { region: [0, utf8(collateral[field]).length] }) })),
    ...(['tcb_info_signature', 'qe_identity_signature'] as const).map((field) => fc.record({ field: fc.constant(field), edits: byteEdits(0, { region: [0, 128] }) })),
  ),
  async run({ field, edits }) {
    const edited = { ...collateral, [field]: editText(collateral[field], edits) };
    let c;
    try {
      c = parseCollateral(JSON.stringify(edited));
    } catch (e) {
      if (e instanceof CocoonError) return; // refused at parse: never verified
      throw e;
    }
    const at = VectorTimes.phala.getTime();
    const original = originalCollateral;
    const tcbSame = c.tcbInfoText === original.tcbInfoText && bytesEqual(c.tcbInfoSignature, original.tcbInfoSignature);
    const qeSame = c.qeIdentityText === original.qeIdentityText && bytesEqual(c.qeIdentitySignature, original.qeIdentitySignature);
    const tcbOk = await accepted(verifyTcbInfo(c, phalaQuote.pck, at));
    const qeOk = await accepted(verifyQeIdentity(c, phalaQuote.qeReport, at));
    if ((tcbOk && !tcbSame) || (qeOk && !qeSame)) throw new FuzzFailure(`altered collateral (${field}) verified`);
  },
});

export const tdxTargets: FuzzTarget[] = [quoteParse, quoteVerify, collateralParse, collateralVerify];
