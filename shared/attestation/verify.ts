import { CocoonError, toWireError, type ErrorCode, type WireError } from '../errors';
import { AttestationBundleSchema, SimulatedQuoteSchema, type Check, type Claims, type TeeKind } from '../protocol/attestation-bundle';
import { bytesEqual, fromB64u, fromHex, fromUtf8 } from '../protocol/encoding';
import { verify } from '../crypto/ed25519';
import { decodeClaims, reportDataOf } from './claims';
import { SIMULATED_SIGNER_PUBLIC_KEY, simulatedSignedBytes } from './simulated';

export { bundleDigest } from './bundle';

/** What the verifier accepts. Later: measurement allowlist, TCB statuses, collateral age (issue 4). */
export interface AttestationPolicy {
  allowSimulated: boolean;
}

export interface VerificationResult {
  ok: boolean;
  tee: TeeKind;
  simulated: boolean;
  /** Every check by name, in order, so the UI can show what was verified and why something failed. */
  checks: Check[];
  /** Present only when `ok`: the keys a caller may seal to and verify receipts with. */
  claims?: Claims;
  measurements?: Record<string, string>;
  error?: WireError;
}

/** Allowed clock skew between host and verifier for `createdAt`. */
const SKEW_S = 300;

/**
 * Verifies an attestation bundle and, only when every check passes, hands back its claims.
 * Never throws: hostile input ends as a failed check with a stable error code.
 * @example const r = await verifyBundle(bundle, { policy: { allowSimulated: false } }); if (r.ok) seal(r.claims.hpkePublicKey)
 */
export async function verifyBundle(input: unknown, opts: { policy: AttestationPolicy; now?: Date }): Promise<VerificationResult> {
  const checks: Check[] = [];
  const state: { tee: TeeKind; measurements?: Record<string, string> } = { tee: 'simulated' };
  const pass = (name: string) => checks.push({ name, ok: true });
  const fail = (name: string, code: ErrorCode, reason: string): never => {
    checks.push({ name, ok: false, reason });
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
    if (bundle.tee !== 'simulated') fail('tee.supported', 'attestation.unsupported_tee', `${bundle.tee} verification is not available in this build`);
    if (!opts.policy.allowSimulated) fail('policy.simulated_allowed', 'attestation.simulated_not_allowed', 'simulated TEE is not allowed by policy');
    pass('policy.simulated_allowed');
    const reportData = await verifySimulatedQuote(bundle.quote, pass, fail, state);
    if (!bytesEqual(reportData, await reportDataOf(bytes))) fail('claims.report_data_binding', 'attestation.report_data_mismatch', 'reportData is not SHA-512(claims)');
    pass('claims.report_data_binding');
    const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
    if (claims.expiresAt <= now) fail('claims.not_expired', 'attestation.claims_expired', `claims expired at ${new Date(claims.expiresAt * 1000).toISOString()}`);
    if (claims.createdAt > now + SKEW_S || claims.createdAt >= claims.expiresAt) fail('claims.not_expired', 'attestation.claims_expired', 'claims are not yet valid');
    pass('claims.not_expired');
    return { ok: true, tee: state.tee, simulated: true, checks, claims, measurements: state.measurements };
  } catch (e) {
    if (!(e instanceof CocoonError)) checks.push({ name: 'internal', ok: false, reason: 'unexpected verifier error' });
    return { ok: false, tee: state.tee, simulated: state.tee === 'simulated', checks, measurements: state.measurements, error: toWireError(e) };
  }
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

