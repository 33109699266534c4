import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { readVector, readVectorText } from '../../testing/vectors';
import { lookAlikeChain, signRaw } from '../../testing/forge';
import { toHex, utf8 } from '../../protocol/encoding';
import { pemBlocks } from '../x509/pem';
import { parseCollateral } from './collateral';
import { checkRevocation } from './collateral-checks';
import { parseTdxQuote } from './quote';
import { platformTcbLevel, tdxModuleStatus } from './tcb-levels';
import { convergeTcbStatus } from './tcb-status';
import { verifyTdxQuote, type TdxVerification } from './verify-quote';

const phala = readVector('phala-tdx-v4-quote.bin');
const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const text = readVectorText('phala-tdx-v4-collateral.json');
const json = () => z.record(z.string(), z.string()).parse(JSON.parse(text));
const at = new Date('2025-06-20T12:00:00Z');
const policy = { allowSimulated: false };

const check = (r: TdxVerification, name: string) => r.checks.find((c) => c.name === name);
const failed = (r: TdxVerification) => r.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name);
const verifyWith = (collateral: unknown, opts: { now?: Date; policy?: object; quote?: Uint8Array } = {}) =>
  verifyTdxQuote(opts.quote ?? phala, { policy: { ...policy, ...opts.policy }, now: opts.now ?? at, collateral });

describe('TDX collateral', () => {
  it('stale collateral (past its next update) fails freshness, and the TCB status is not evaluated', async () => {
    const r = await verifyWith(text, { now: new Date('2025-07-25T00:00:00Z') });
    expect([failed(r), r.error?.code, check(r, 'collateral.fresh')?.reason]).toEqual([['collateral.fresh'], 'attestation.collateral_stale', 'TCB info expired at 2025-07-19T10:16:03.000Z']);
    expect(check(r, 'tcb.status')).toEqual({ name: 'tcb.status', ok: false, skipped: true, reason: 'not evaluated: collateral.fresh failed' });
    expect(r.tcb?.status).toBe('NotEvaluated');
  });

  it('collateral older than the policy allows fails freshness', async () => {
    const r = await verifyWith(text, { now: new Date('2025-06-25T00:00:00Z'), policy: { maxCollateralAgeDays: 3 } });
    expect([failed(r), check(r, 'collateral.fresh')?.reason]).toEqual([['collateral.fresh'], 'TCB info issued 2025-06-19T10:16:03.000Z is older than 3 days']);
  });

  it('TCB info altered after Intel signed it is refused', async () => {
    const c = json();
    c.tcb_info = c.tcb_info!.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18');
    const r = await verifyWith(c);
    expect([failed(r), r.error?.code, check(r, 'collateral.tcb_info')?.reason]).toEqual([['collateral.tcb_info'], 'attestation.collateral_invalid', 'TCB info signature does not verify']);
    expect(check(r, 'tcb.status')?.reason).toBe('not evaluated: collateral.tcb_info failed');
  });

  it('QE identity altered after Intel signed it is refused', async () => {
    const c = json();
    c.qe_identity = c.qe_identity!.replace('"isvprodid":2', '"isvprodid":2 ');
    const r = await verifyWith(c);
    expect([failed(r), check(r, 'collateral.qe_identity')?.reason]).toEqual([['collateral.qe_identity'], 'QE identity signature does not verify']);
  });

  it('TCB info signed under a look-alike root with Intel\'s names is refused by the pinned key', async () => {
    const c = json();
    const chain = await lookAlikeChain(pemBlocks(c.tcb_info_issuer_chain!, 'CERTIFICATE'), 'P-256');
    c.tcb_info_issuer_chain = chain.pem;
    c.tcb_info_signature = toHex(await signRaw(chain.keys[0]!, utf8(c.tcb_info!)));
    const r = await verifyWith(c);
    expect([failed(r), r.error?.code]).toEqual([['collateral.tcb_info'], 'attestation.root_not_trusted']);
  });

  it('collateral of another platform (FMSPC) is refused', async () => {
    const r = await verifyWith(text, { quote: cocoon, now: new Date('2025-07-25T00:00:00Z') });
    expect(check(r, 'collateral.tcb_info')?.reason).toBe('TCB info is for FMSPC b0c06f000000, the PCK certificate says 90c06f000000');
  });

  it('a TCB status the policy does not accept fails tcb.status', async () => {
    const r = await verifyWith(text, { policy: { acceptedTcbStatuses: ['SWHardeningNeeded'] } });
    expect([failed(r), r.error?.code, r.tcb?.status]).toEqual([['tcb.status'], 'attestation.tcb_status_not_accepted', 'UpToDate']);
  });

  it('no collateral fails: nothing else proves the QE is Intel\'s or the TCB current', async () => {
    const r = await verifyWith(undefined);
    expect([failed(r), r.error?.code]).toEqual([['collateral.parse'], 'attestation.collateral_missing']);
  });

  it('malformed collateral fails parsing and blocks the rest', async () => {
    const r = await verifyWith('{"tcb_info": 1}');
    expect([failed(r), check(r, 'tcb.status')?.skipped]).toEqual([['collateral.parse'], true]);
  });

  it('a CRL altered after signing is refused', async () => {
    const c = json();
    c.pck_crl = c.pck_crl!.replace('6fc34e5023e728923435d61aa4b83c618166ad35', '6fc34e5023e728923435d61aa4b83c618166ad36');
    const r = await verifyWith(c);
    expect([failed(r), check(r, 'collateral.revocation')?.reason]).toEqual([['collateral.revocation'], 'CRL signature by CN=Intel SGX PCK Platform CA, O=Intel Corporation, L=Santa Clara, ST=CA, C=US does not verify']);
  });

  it('a PCK certificate whose serial the CRL lists is revoked', async () => {
    const q = parseTdxQuote(phala);
    const c = parseCollateral(text);
    await expect(checkRevocation(c, q.pckChain)).resolves.toMatch(/revoked serials checked/);
    c.pckCrl.revoked.add(q.pckChain[0]!.serial);
    await expect(checkRevocation(c, q.pckChain)).rejects.toMatchObject({ code: 'attestation.certificate_revoked' });
  });
});

describe('TCB levels', () => {
  const q = parseTdxQuote(phala);
  const info = parseCollateral(text).tcbInfo;

  it('a platform below the first level matches the next one (OutOfDate)', () => {
    expect(platformTcbLevel(info, { ...q.pck, pceSvn: 10 }, q.body.teeTcbSvn)).toMatchObject({ status: 'OutOfDate', advisoryIds: expect.arrayContaining(['INTEL-SA-00837']) });
  });

  it('a platform below every level has no status', () => {
    expect(() => platformTcbLevel(info, { ...q.pck, pceSvn: 1 }, q.body.teeTcbSvn)).toThrow(/below every level/);
  });

  it('rates the TDX module by its identity TDX_01 and ISVSVN', () => {
    expect(tdxModuleStatus(info, q.body)?.status).toBe('UpToDate');
    const old = { ...q.body, teeTcbSvn: Uint8Array.from([3, 1, 3, ...new Array(13).fill(0)]) };
    expect(tdxModuleStatus(info, old)?.status).toBe('OutOfDate');
    const unknown = { ...q.body, teeTcbSvn: Uint8Array.from([3, 9, 3, ...new Array(13).fill(0)]) };
    expect(() => tdxModuleStatus(info, unknown)).toThrow(/no TDX module identity TDX_09/);
  });

  it.each([
    ['UpToDate', 'UpToDate', 'UpToDate'],
    ['UpToDate', 'OutOfDate', 'OutOfDate'],
    ['ConfigurationNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded'],
    ['SWHardeningNeeded', 'UpToDate', 'SWHardeningNeeded'],
    ['UpToDate', 'Revoked', 'Revoked'],
  ] as const)('converges platform %s with component %s to %s', (platform, component, expected) => {
    expect(convergeTcbStatus(platform, component)).toBe(expected);
  });
});
