import { CocoonError, type WireError } from '../../errors';
import type { Check } from '../../protocol/attestation-bundle';
import { bytesEqual } from '../../protocol/encoding';
import { CheckLog } from '../checks';
import { DEFAULT_ACCEPTED_TCB_STATUSES, DEFAULT_MAX_COLLATERAL_AGE_DAYS, type AttestationPolicy } from '../policy';
import { verifyChain } from '../x509/chain';
import { parseCollateral } from './collateral';
import { checkFreshness, checkRevocation, verifyQeIdentity, verifyTcbInfo } from './collateral-checks';
import { INTEL_SGX_ROOT_CA_SPKI } from './intel-root';
import { matchImage, tdxMeasurements } from './measurements';
import { parseTdxQuote, type TdxQuote } from './quote';
import { checkHeader, checkNotDebug, checkQeReportData, checkQeReportSignature, checkQuoteSignature } from './quote-checks';
import { evaluateTcb, tcbFromQuote, type TcbReport } from './tcb-report';

export interface TdxVerifyOptions {
  policy: AttestationPolicy;
  /** The time of every validity and freshness check. */
  now: Date;
  /** Intel collateral, JSON text or value (see `CollateralSchema`). Required: without it the quote fails. */
  collateral?: unknown;
  /** When verifying a bundle: SHA-512(claims), which REPORTDATA must equal. */
  expectedReportData?: Uint8Array;
}

export interface TdxVerification {
  ok: boolean;
  checks: Check[];
  error?: WireError;
  quote?: TdxQuote;
  measurements?: Record<string, string>;
  tcb?: TcbReport;
  /** The allowed image the measurements matched. */
  image?: string;
  /** Unix ms after which this outcome must be recomputed (certificates, collateral). */
  validUntil?: number;
}

const COLLATERAL_CHECKS = ['collateral.parse', 'collateral.tcb_info', 'collateral.qe_identity', 'collateral.revocation', 'collateral.fresh', 'tcb.status'] as const;

/**
 * Verifies a TDX quote offline (ARCHITECTURE.md, "The confidential path", step 3): quote signature,
 * QE report and its binding, PCK chain to the pinned Intel root, TCB status from collateral,
 * REPORTDATA binding, DEBUG off, measurements in the allowlist. Fails closed: missing collateral
 * fails, an empty allowlist admits nothing. Every check is evaluated that its inputs allow; only a
 * quote that cannot be parsed stops early. Never throws.
 * @example const r = await verifyTdxQuote(bytes, { policy, now: new Date(), collateral }); r.ok && r.tcb?.status
 */
export async function verifyTdxQuote(bytes: Uint8Array, opts: TdxVerifyOptions, log = new CheckLog()): Promise<TdxVerification> {
  const at = opts.now.getTime();
  const quote = await log.run('quote.parse', () => parseTdxQuote(bytes), (q) => `${q.pckChain.length} PCK certificates`);
  if (!quote) return { ok: false, checks: log.checks, error: log.error };
  const out: TdxVerification = { ok: false, checks: log.checks, quote, measurements: tdxMeasurements(quote.body), tcb: tcbFromQuote(quote) };
  await log.run('quote.header', () => checkHeader(quote));
  await log.run('quote.signature', () => checkQuoteSignature(quote));
  await log.run('qe.report_signature', () => checkQeReportSignature(quote));
  await log.run('qe.report_data_binding', () => checkQeReportData(quote));
  const chain = await log.run('pck.chain', () => verifyChain(quote.pckChain, INTEL_SGX_ROOT_CA_SPKI, at), () => 'chains to the pinned Intel SGX Root CA key');
  out.validUntil = chain?.notAfter;
  const staleAt = await checkCollateral(quote, opts, log, out.tcb!, chain !== undefined);
  if (staleAt !== undefined) out.validUntil = Math.min(out.validUntil ?? Infinity, staleAt);
  if (opts.expectedReportData) {
    const expected = opts.expectedReportData;
    await log.run('claims.report_data_binding', () => {
      if (!bytesEqual(quote.body.reportData, expected)) throw new CocoonError('attestation.report_data_mismatch', 'REPORTDATA is not SHA-512(claims)');
    });
  }
  await log.run('td.debug_off', () => checkNotDebug(quote));
  const images = opts.policy.images;
  if (images === undefined) log.skip('td.measurements', 'no operator policy: measurements are shown, not matched');
  else out.image = (await log.run('td.measurements', () => matchImage(out.measurements!, images), (img) => `image "${img.name}"`))?.name;
  return { ...out, ok: log.ok, error: log.error };
}

/** The collateral checks; returns when the collateral goes stale (Unix ms) when it was trusted. */
async function checkCollateral(quote: TdxQuote, opts: TdxVerifyOptions, log: CheckLog, tcb: TcbReport, chainOk: boolean): Promise<number | undefined> {
  const at = opts.now.getTime();
  if (opts.collateral === undefined) {
    // Without Intel's collateral nothing proves the QE is Intel's, or the platform's TCB current and unrevoked.
    log.fail('collateral.parse', 'attestation.collateral_missing', 'no Intel collateral: the QE identity, TCB status and revocation cannot be checked');
    for (const name of COLLATERAL_CHECKS.slice(1)) log.blocked(name, 'collateral.parse');
    return undefined;
  }
  const c = await log.run('collateral.parse', () => parseCollateral(opts.collateral));
  if (!c) {
    for (const name of COLLATERAL_CHECKS.slice(1)) log.blocked(name, 'collateral.parse');
    return undefined;
  }
  const signerNotAfter = await log.run('collateral.tcb_info', () => verifyTcbInfo(c, quote.pck, at), () => `FMSPC ${c.tcbInfo.fmspc}, signed by Intel`);
  const qe = await log.run('collateral.qe_identity', () => verifyQeIdentity(c, quote.qeReport, at), (l) => `Intel TD QE, ${l.status}`);
  if (chainOk) await log.run('collateral.revocation', () => checkRevocation(c, quote.pckChain));
  else log.blocked('collateral.revocation', 'pck.chain');
  const maxAge = opts.policy.maxCollateralAgeDays ?? DEFAULT_MAX_COLLATERAL_AGE_DAYS;
  const staleAt = await log.run('collateral.fresh', () => checkFreshness(c, maxAge, at), () => `issued ${new Date(c.tcbInfo.issueDate).toISOString()}, max age ${maxAge} days`);
  // The status is only as good as trusted, fresh collateral: otherwise it is not evaluated.
  const accepted = opts.policy.acceptedTcbStatuses ?? DEFAULT_ACCEPTED_TCB_STATUSES;
  if (signerNotAfter === undefined) log.blocked('tcb.status', 'collateral.tcb_info');
  else if (!qe) log.blocked('tcb.status', 'collateral.qe_identity');
  else if (staleAt === undefined) log.blocked('tcb.status', 'collateral.fresh');
  else await log.run('tcb.status', () => evaluateTcb(c, quote, qe, accepted, tcb));
  return staleAt === undefined || signerNotAfter === undefined ? staleAt : Math.min(staleAt, signerNotAfter);
}
