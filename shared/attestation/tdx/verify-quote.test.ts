import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex } from '../../protocol/encoding';
import { readVector, readVectorText } from '../../testing/vectors';
import { BodyOffsets, forgeTdxQuote, quoteParts, serializeQuote } from '../../testing/tdx-forge';
import { parseCertificate } from '../x509/certificate';
import { pemBlocks, toPem } from '../x509/pem';
import { INTEL_SGX_ROOT_CA_SPKI } from './intel-root';
import { verifyTdxQuote, type TdxVerification } from './verify-quote';

const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const phala = readVector('phala-tdx-v4-quote.bin');
const collateral = readVectorText('phala-tdx-v4-collateral.json');
const cocoonAt = new Date('2026-11-22T12:00:00Z');
const phalaAt = new Date('2025-06-20T12:00:00Z');
const policy = { allowSimulated: false };

const CORE = ['quote.parse', 'quote.header', 'quote.signature', 'qe.report_signature', 'qe.report_data_binding', 'pck.chain'];
const outcome = (r: TdxVerification, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  return c === undefined ? 'absent' : c.skipped ? 'skipped' : c.ok ? 'pass' : 'fail';
};
const failed = (r: TdxVerification) => r.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name);
const reasonOf = (r: TdxVerification, name: string) => r.checks.find((c) => c.name === name)?.reason;
const flip = (b: Uint8Array, offset: number, mask = 0x01) => {
  const out = b.slice();
  out[offset]! ^= mask;
  return out;
};
// Cocoon quote v4 layout: header 0, body 48, signature data 636: signature, attestation key 700,
// QE report 770, QE report signature 1154, QE auth data 1220 (32 bytes), PCK chain PEM 1258.
const At = { userData: 40, mrTd: 48 + BodyOffsets.mrTd, attestationKey: 710, qeReport: 770 + 100, qeAuthData: 1225 } as const;

describe('TDX quote verification: genuine quotes', () => {
  it('Cocoon quote: signature, QE report, binding and PCK chain to the pinned Intel root all pass; without collateral it fails closed', async () => {
    const r = await verifyTdxQuote(cocoon, { policy, now: cocoonAt });
    expect(CORE.map((n) => outcome(r, n))).toEqual(CORE.map(() => 'pass'));
    expect([r.ok, outcome(r, 'td.debug_off'), outcome(r, 'tcb.status'), outcome(r, 'td.measurements')]).toEqual([false, 'pass', 'skipped', 'skipped']);
    expect([failed(r), r.error?.code]).toEqual([['collateral.parse'], 'attestation.collateral_missing']);
    expect(reasonOf(r, 'tcb.status')).toBe('not evaluated: collateral.parse failed');
    expect(r.tcb).toMatchObject({ status: 'NotEvaluated', fmspc: '90c06f000000' });
    expect(r.measurements?.tdAttributes).toBe('0000001000000000');
  });

  it('Phala quote: signature, QE report, binding and PCK chain pass', async () => {
    const r = await verifyTdxQuote(phala, { policy, now: phalaAt });
    expect(CORE.map((n) => outcome(r, n))).toEqual(CORE.map(() => 'pass'));
    expect([r.ok, failed(r)]).toEqual([false, ['collateral.parse']]);
  });

  it('Phala quote with its collateral (issued 2025-06-19): TCB UpToDate, every collateral check passes', async () => {
    const r = await verifyTdxQuote(phala, { policy, now: phalaAt, collateral });
    expect(failed(r)).toEqual([]);
    expect(r.checks.filter((c) => c.name.startsWith('collateral.') || c.name === 'tcb.status').every((c) => c.ok)).toBe(true);
    expect(r.tcb).toMatchObject({ status: 'UpToDate', platformStatus: 'UpToDate', qeStatus: 'UpToDate', tdxModuleStatus: 'UpToDate', fmspc: 'b0c06f000000', tcbEvaluationDataNumber: 17 });
    expect(r.validUntil).toBe(Date.parse('2025-07-19T10:00:35Z'));
  });

  it('pins the Intel SGX Root CA by the public key of the certificate in the vectors', () => {
    expect(bytesEqual(parseCertificate(readVector('intel/intel-sgx-root-ca.der')).spki, INTEL_SGX_ROOT_CA_SPKI)).toBe(true);
  });
});

describe('TDX quote verification: each signed region is protected', () => {
  it.each([
    ['header', 'quote.signature', 'attestation.signature_invalid', At.userData],
    ['TD report body', 'quote.signature', 'attestation.signature_invalid', At.mrTd],
    ['QE report', 'qe.report_signature', 'attestation.qe_report_invalid', At.qeReport],
    ['QE auth data', 'qe.report_data_binding', 'attestation.qe_report_invalid', At.qeAuthData],
  ])('a flipped bit in the %s fails %s', async (_, check, code, offset) => {
    const r = await verifyTdxQuote(flip(cocoon, offset), { policy, now: cocoonAt });
    expect([r.ok, failed(r), r.error?.code]).toEqual([false, [check, 'collateral.parse'], code]);
  });

  it('a flipped bit in the attestation key breaks both the quote signature and the QE binding', async () => {
    const r = await verifyTdxQuote(flip(cocoon, At.attestationKey), { policy, now: cocoonAt });
    expect(failed(r)).toEqual(['quote.signature', 'qe.report_data_binding', 'collateral.parse']);
  });

  it('a flipped bit in the PCK certificate fails the chain', async () => {
    const p = quoteParts(cocoon);
    const [leaf, ...rest] = pemBlocks(p.pem, 'CERTIFICATE');
    const serial = fromHex(parseCertificate(leaf!).serial);
    const serialEnd = Buffer.from(leaf!).indexOf(Buffer.from(serial)) + serial.length - 1;
    p.pem = [flip(leaf!, serialEnd), ...rest].map((d) => toPem(d, 'CERTIFICATE')).join('');
    const r = await verifyTdxQuote(serializeQuote(p), { policy, now: cocoonAt });
    expect([failed(r), r.error?.code]).toEqual([['pck.chain', 'collateral.parse'], 'attestation.certificate_invalid']);
    expect(reasonOf(r, 'pck.chain')).toMatch(/^CN=Intel SGX PCK Certificate.*: signature by CN=Intel SGX PCK Platform CA.* does not verify$/);
  });

  it('non-zero trailing bytes are rejected before anything is trusted', async () => {
    const dirty = flip(cocoon, cocoon.length - 1);
    const r = await verifyTdxQuote(dirty, { policy, now: cocoonAt });
    expect([r.checks.map((c) => c.name), r.error?.code]).toEqual([['quote.parse'], 'attestation.quote_malformed']);
  });

  it('a look-alike chain under a self-made root with Intel\'s exact names is refused by the pinned key', async () => {
    const forged = await forgeTdxQuote(cocoon);
    const r = await verifyTdxQuote(forged, { policy, now: cocoonAt });
    expect(['quote.signature', 'qe.report_signature', 'qe.report_data_binding'].map((n) => outcome(r, n))).toEqual(['pass', 'pass', 'pass']);
    expect([failed(r), r.error?.code]).toEqual([['pck.chain', 'collateral.parse'], 'attestation.root_not_trusted']);
    expect(reasonOf(r, 'pck.chain')).toMatch(/CN=Intel SGX Root CA.*pinned root key/);
  });

  it('an invalid verification time fails the validity checks instead of passing them', async () => {
    const r = await verifyTdxQuote(phala, { policy, now: new Date(Number.NaN), collateral: readVectorText('phala-tdx-v4-collateral.json') });
    expect([r.ok, failed(r)]).toEqual([false, ['pck.chain', 'collateral.tcb_info', 'collateral.qe_identity', 'collateral.fresh']]);
  });

  it('a PCK chain checked outside its validity fails as expired', async () => {
    const r = await verifyTdxQuote(cocoon, { policy, now: new Date('2025-07-01T00:00:00Z') });
    expect([failed(r), r.error?.code]).toEqual([['pck.chain', 'collateral.parse'], 'attestation.certificate_expired']);
  });
});

describe('TDX quote verification: TD policy', () => {
  it('a DEBUG TD is refused, on a genuine quote (signature broken) and on a consistently signed one', async () => {
    const flipped = await verifyTdxQuote(flip(cocoon, 48 + BodyOffsets.tdAttributes), { policy, now: cocoonAt });
    expect(failed(flipped)).toEqual(['quote.signature', 'collateral.parse', 'td.debug_off']);
    const forged = await forgeTdxQuote(cocoon, (body) => (body[BodyOffsets.tdAttributes]! |= 1));
    const r = await verifyTdxQuote(forged, { policy, now: cocoonAt });
    expect([outcome(r, 'quote.signature'), outcome(r, 'td.debug_off')]).toEqual(['pass', 'fail']);
    expect(reasonOf(r, 'td.debug_off')).toMatch(/DEBUG is set/);
  });

  const image = (m: Record<string, string>, name = 'cocoon-1.0') => ({ name, mrTd: m.mrTd!, rtmr0: m.rtmr0!, rtmr1: m.rtmr1!, rtmr2: m.rtmr2! });

  it('measurements in the allowlist pass and name the image', async () => {
    const m = (await verifyTdxQuote(cocoon, { policy, now: cocoonAt })).measurements!;
    const r = await verifyTdxQuote(cocoon, { policy: { ...policy, images: [image(m, 'other'), { ...image(m), xfam: m.xfam! }] }, now: cocoonAt });
    expect([outcome(r, 'td.measurements'), r.image, reasonOf(r, 'td.measurements'), failed(r)]).toEqual(['pass', 'other', 'image "other"', ['collateral.parse']]);
  });

  it('an empty allowlist admits nothing', async () => {
    const r = await verifyTdxQuote(phala, { policy: { ...policy, images: [] }, now: phalaAt, collateral });
    expect([failed(r), r.error?.code, reasonOf(r, 'td.measurements')]).toEqual([['td.measurements'], 'attestation.measurement_not_allowed', 'the policy allows no image']);
  });

  it('a measurement not in the allowlist is refused, naming the field', async () => {
    const m = (await verifyTdxQuote(cocoon, { policy, now: cocoonAt })).measurements!;
    const rtmr1 = { ...image(m), rtmr1: '00'.repeat(48) };
    const r = await verifyTdxQuote(cocoon, { policy: { ...policy, images: [rtmr1] }, now: cocoonAt });
    expect([failed(r), reasonOf(r, 'td.measurements')]).toEqual([['collateral.parse', 'td.measurements'], 'rtmr1 differs from image "cocoon-1.0"']);
    const other = await verifyTdxQuote(phala, { policy: { ...policy, images: [image(m)] }, now: phalaAt });
    expect(reasonOf(other, 'td.measurements')).toMatch(/^MRTD 91eb2b44d141d4ec\.\.\. is in no allowed image/);
  });
});
