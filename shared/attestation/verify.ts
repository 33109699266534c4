import { CocoonError, toWireError, type ErrorCode, type WireError } from '../errors';
import { AttestationBundleSchema, SimulatedQuoteSchema, type AttestationBundle, type Check, type Claims, type TeeKind } from '../protocol/attestation-bundle';
import { bytesEqual, fromB64u, fromHex, fromUtf8 } from '../protocol/encoding';
import { verify } from '../crypto/ed25519';
import { CheckLog } from './checks';
import { checkClaimsValidity, decodeClaims, reportDataOf } from './claims';
import { matchEngine } from './engine-policy';
import { verifyBundleGpuEvidence } from './gpu-evidence';
import type { GpuFacts } from './nvidia/verify-gpu';
import type { AttestationPolicy } from './policy';
import { SIMULATED_SIGNER_PUBLIC_KEY, simulatedSignedBytes } from './simulated';
import type { TcbReport } from './tdx/tcb-report';
import { verifyTdxQuote } from './tdx/verify-quote';

export { bundleDigest } from './bundle';
export type { AttestationPolicy } from './policy';

export interface VerificationResult {
  ok: boolean;
  tee: TeeKind;
  simulated: boolean;
  /**
   * Every check by name, in order, so the UI can show what was verified and why something failed.
   * `skipped: true` (with `ok: false`) = not applicable or not evaluated; it never counts as passed.
   */
  checks: Check[];
  /** Present only when `ok`: the keys a caller may seal to and verify receipts with. */
  claims?: Claims;
  /** Lower-case hex: mrTd, rtmr0..3, reportData, mrSeam, xfam, mrConfigId, tdAttributes, ... */
  measurements?: Record<string, string>;
  /** TDX: the platform's TCB, rated when collateral was supplied. */
  tcb?: TcbReport;
  /** What each GPU report says. */
  gpu?: GpuFacts[];
  /** The allowed image the measurements matched. */
  image?: string;
  /** The allowed engine the claims matched. */
  engine?: string;
  /** Unix ms until which a passing result holds: the earliest of claims, certificate and collateral expiry. */
  validUntil?: number;
  error?: WireError;
}

export interface VerifyOptions {
  policy: AttestationPolicy;
  /** The time of every validity and freshness check; default now. */
  now?: Date;
  /** Intel collateral (JSON text or value); overrides the bundle's own `collateral`. */
  collateral?: unknown;
}

/**
 * Verifies an attestation bundle and, only when every check passes, hands back its claims.
 * Never throws: hostile input ends as a failed check with a stable error code.
 * @example const r = await verifyBundle(bundle, { policy: { allowSimulated: false } }); if (r.ok) sealRequest({ recipient: requestRecipient(r.claims), meta, request })
 */
export async function verifyBundle(input: unknown, opts: VerifyOptions): Promise<VerificationResult> {
  const log = new CheckLog();
  const state: { tee: TeeKind; measurements?: Record<string, string> } = { tee: 'simulated' };
  const pass = (name: string) => log.pass(name);
  const fail = (name: string, code: ErrorCode, reason: string): never => {
    log.fail(name, code, reason);
    throw new CocoonError(code, reason);
  };
  try {
    const parsed = AttestationBundleSchema.safeParse(input);
    if (!parsed.success) fail('bundle.schema', 'attestation.bundle_malformed', 'the bundle does not match the schema');
    const bundle = parsed.data!;
    state.tee = bundle.tee;
    pass('bundle.schema');
    const { claims, bytes } = decodeClaims(bundle.claims);
    pass('claims.decode');
    if (bundle.tee === 'tdx') return await verifyTdxBundle(bundle, claims, bytes, opts, log);
    if (!opts.policy.allowSimulated) fail('policy.simulated_allowed', 'attestation.simulated_not_allowed', 'simulated TEE is not allowed by policy');
    pass('policy.simulated_allowed');
    const reportData = await verifySimulatedQuote(bundle.quote, pass, fail, state);
    if (!bytesEqual(reportData, await reportDataOf(bytes))) fail('claims.report_data_binding', 'attestation.report_data_mismatch', 'reportData is not SHA-512(claims)');
    pass('claims.report_data_binding');
    const engine = await checkEngine(claims, opts, log);
    // A simulated enclave may still carry real GPU evidence: checked as on TDX, so the binding shows.
    // Without any (and not required), no GPU check is listed, as before GPUs could join it.
    const hasGpu = bundle.gpuEvidence.length > 0 || claims.gpuEvidenceDigests.length > 0 || opts.policy.requireGpuEvidence;
    const gpu = hasGpu ? await verifyBundleGpuEvidence(bundle.gpuEvidence, claims, { policy: opts.policy, now: opts.now ?? new Date() }, log) : [];
    try {
      checkClaimsValidity(claims, opts.now ?? new Date());
    } catch (e) {
      if (e instanceof CocoonError) fail('claims.not_expired', e.code, e.message);
      throw e;
    }
    pass('claims.not_expired');
    const base = { tee: state.tee, simulated: true, checks: log.checks, measurements: state.measurements, gpu, engine };
    if (!log.ok) return { ...base, ok: false, error: log.error };
    return { ...base, ok: true, claims, validUntil: claims.expiresAt * 1000 };
  } catch (e) {
    if (!(e instanceof CocoonError)) log.fail('internal', 'internal', 'unexpected verifier error');
    return { ok: false, tee: state.tee, simulated: state.tee === 'simulated', checks: log.checks, measurements: state.measurements, error: toWireError(e) };
  }
}

/** The TDX path: quote, collateral, REPORTDATA binding, measurements, GPU evidence, claims validity. */
async function verifyTdxBundle(bundle: AttestationBundle, claims: Claims, claimsBytes: Uint8Array, opts: VerifyOptions, log: CheckLog): Promise<VerificationResult> {
  const now = opts.now ?? new Date();
  const base = { tee: 'tdx' as const, simulated: false, checks: log.checks };
  let quoteBytes: Uint8Array;
  try {
    quoteBytes = fromB64u(bundle.quote);
  } catch {
    log.fail('quote.parse', 'attestation.bundle_malformed', 'the quote is not base64url');
    return { ...base, ok: false, error: log.error };
  }
  const collateral = opts.collateral ?? bundle.collateral;
  const q = await verifyTdxQuote(quoteBytes, { policy: opts.policy, now, collateral, expectedReportData: await reportDataOf(claimsBytes) }, log);
  if (!q.quote) return { ...base, ok: false, error: log.error };
  const engine = await checkEngine(claims, opts, log);
  const gpu = await verifyBundleGpuEvidence(bundle.gpuEvidence, claims, { policy: opts.policy, now }, log);
  await log.run('claims.not_expired', () => checkClaimsValidity(claims, now));
  const validUntil = Math.min(q.validUntil ?? Infinity, claims.expiresAt * 1000);
  const facts = { measurements: q.measurements, tcb: q.tcb, gpu, image: q.image, engine };
  if (!log.ok) return { ...base, ...facts, ok: false, error: log.error };
  return { ...base, ...facts, ok: true, claims, validUntil };
}

/** The engine the host runs, against the policy's engine allowlist (`engine.allowed`). */
async function checkEngine(claims: Claims, opts: VerifyOptions, log: CheckLog): Promise<string | undefined> {
  const engines = opts.policy.engines;
  if (engines === undefined) {
    log.skip('engine.allowed', 'no operator policy: the engine is shown, not matched');
    return undefined;
  }
  return log.run('engine.allowed', () => matchEngine(claims, engines), (name) => `engine "${name}"`);
}

async function verifySimulatedQuote(
  quoteB64u: string,
  pass: (name: string) => void,
  fail: (name: string, code: ErrorCode, reason: string) => never,
  state: { measurements?: Record<string, string> },
): Promise<Uint8Array> {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(fromB64u(quoteB64u)));
  } catch {
    fail('quote.parse', 'attestation.bundle_malformed', 'the simulated quote is not JSON');
  }
  const q = SimulatedQuoteSchema.safeParse(json);
  if (!q.success) return fail('quote.parse', 'attestation.bundle_malformed', 'the simulated quote does not match the schema');
  pass('quote.parse');
  state.measurements = { ...q.data.measurements, reportData: q.data.reportData };
  if (q.data.signerPublicKey !== SIMULATED_SIGNER_PUBLIC_KEY) fail('quote.signer_pinned', 'attestation.signature_invalid', 'the quote is not signed by the pinned simulated-TEE key');
  pass('quote.signer_pinned');
  const ok = await verify(fromB64u(q.data.signerPublicKey), fromB64u(q.data.signature), simulatedSignedBytes(q.data));
  if (!ok) fail('quote.signature', 'attestation.signature_invalid', 'the quote signature does not verify');
  pass('quote.signature');
  return fromHex(q.data.reportData);
}
