import { z } from 'zod';

/**
 * Every error that can cross a process boundary, with a stable code.
 * Codes never change meaning once released; clients switch on them, never on message text.
 * The HTTP status is the one the broker answers with when the error ends a request.
 */
export const ErrorCodes = {
  'protocol.malformed_message': 400,
  'protocol.unsupported_version': 400,
  'http.not_found': 404,
  'auth.init_data_invalid': 401,
  'auth.init_data_expired': 401,
  'auth.session_invalid': 401,
  'auth.session_expired': 401,
  'auth.host_invalid': 401,
  'job.model_unavailable': 503,
  'job.not_found': 404,
  'job.invalid_state': 409,
  'job.host_gone': 502,
  /** The broker instance the job's host was connected to stopped answering (several brokers over NATS). */
  'job.broker_gone': 502,
  'job.cancelled': 499,
  'job.timeout': 504,
  'job.price_above_limit': 409,
  /** The user already has as many jobs in flight as the broker allows (`MAX_CONCURRENT_JOBS_PER_USER`). */
  'job.too_many_concurrent': 429,
  /** The chosen host runs as many jobs as it stated it can (`COCOON_MAX_CONCURRENT_JOBS`); pick another or retry. */
  'host.busy': 503,
  /** No online host has this id. */
  'host.not_found': 404,
  /** Too many requests (or rows created) for this address or user; the error carries `retryAfterS`. */
  'rate_limited': 429,
  'ledger.insufficient_credits': 402,
  /** Not an API key of this broker (unknown, or malformed after its `sk-cocoon-` prefix). */
  'apikey.invalid': 401,
  /** The API key was revoked: refused at auth and for every new job. */
  'apikey.revoked': 401,
  /** The route needs the Telegram session (managing keys, top-ups); an API key cannot use it. */
  'apikey.forbidden': 403,
  /** No such key among the user's. */
  'apikey.not_found': 404,
  /** The user has as many active keys as allowed; revoke one first. */
  'apikey.too_many': 409,
  /** The job's hold would exceed the key's remaining total or daily budget; the message names which. Nothing was held. */
  'apikey.budget_exceeded': 402,
  /** The job can cost more than the key's per-request cap (lower max tokens). Nothing was held. */
  'apikey.request_cap_exceeded': 402,
  /** A usage export link that is malformed, forged or past its expiry. */
  'developer.export_link_invalid': 401,
  'ledger.invariant_violated': 500,
  'envelope.open_failed': 400,
  'envelope.chunk_tampered': 400,
  'envelope.chunk_out_of_order': 400,
  'envelope.chunk_replayed': 400,
  'envelope.stream_truncated': 400,
  'envelope.data_after_final': 400,
  /** The client asked for a suite the attested host offers no key for (an X-Wing client, a host without `xwingPublicKey`). */
  'envelope.suite_unsupported': 400,
  'attestation.bundle_malformed': 400,
  'attestation.signature_invalid': 400,
  'attestation.report_data_mismatch': 400,
  'attestation.claims_expired': 400,
  'attestation.simulated_not_allowed': 400,
  'attestation.host_mismatch': 400,
  'attestation.unsupported_tee': 400,
  'attestation.quote_malformed': 400,
  'attestation.qe_report_invalid': 400,
  'attestation.certificate_invalid': 400,
  'attestation.certificate_expired': 400,
  'attestation.certificate_revoked': 400,
  'attestation.root_not_trusted': 400,
  'attestation.collateral_missing': 400,
  'attestation.collateral_invalid': 400,
  'attestation.collateral_stale': 400,
  /** The host could not fetch Intel collateral (PCS or PCCS unreachable, or an HTTP error). */
  'attestation.collateral_unavailable': 503,
  'attestation.tcb_status_not_accepted': 400,
  'attestation.debug_enabled': 400,
  'attestation.measurement_not_allowed': 400,
  'attestation.gpu_evidence_missing': 400,
  'attestation.gpu_evidence_invalid': 400,
  'attestation.gpu_nonce_mismatch': 400,
  'attestation.gpu_evidence_not_listed': 400,
  'attestation.gpu_firmware_not_allowed': 400,
  /** The GPU report does not show confidential-computing mode on (not stated, or another mode such as protected PCIe). */
  'attestation.gpu_cc_mode_not_on': 400,
  /** The GPU report does not show GPU devtools/debug mode off. */
  'attestation.gpu_debug_not_off': 400,
  /** The host could not collect its GPUs' evidence (the configured command failed, timed out or printed nonsense). */
  'attestation.gpu_evidence_unavailable': 503,
  'attestation.policy_invalid': 400,
  'attestation.policy_expired': 400,
  'attestation.policy_rollback': 400,
  'attestation.engine_not_allowed': 400,
  'receipt.signature_invalid': 400,
  'receipt.mismatch': 400,
  'engine.unavailable': 503,
  'engine.bad_request': 400,
  'engine.model_not_found': 404,
  'engine.stream_failed': 502,
  'ton.proof_invalid': 400,
  'ton.proof_expired': 400,
  'ton.proof_domain': 400,
  'ton.proof_payload_unknown': 400,
  'ton.proof_payload_used': 409,
  'ton.address_mismatch': 400,
  'ton.network_mismatch': 400,
  'ton.wallet_unsupported': 400,
  'ton.unavailable': 503,
  'ton.chain_unavailable': 503,
  'ton.chain_rejected': 502,
  'ton.chain_malformed': 502,
  'telegram.api_error': 502,
  'telegram.unreachable': 504,
  'telegram.webhook_unauthorized': 401,
  'payments.pack_unknown': 400,
  'payments.stars_unavailable': 503,
  'payments.not_found': 404,
  'payments.refund_exceeds_balance': 409,
  'payments.invoice_not_payable': 409,
  /** Issue 11: owners, machines and payouts. */
  /** The owner has no proven payout wallet yet (connect one with ton_proof first). */
  'owner.no_payout_wallet': 409,
  /** The enrollment token is unknown, used, expired or another owner's (the message says which, never the token). */
  'host.enroll_token_invalid': 401,
  /** A machine with this node id is connected, or enrolled to another owner, and this connection did not prove its node key. */
  'host.node_key_mismatch': 401,
  /** The machine was removed by its owner: enroll it again with a new token. */
  'host.removed': 403,
  /** The machine has never enrolled: run `cocoon-host enroll <token>` first. */
  'host.not_enrolled': 401,
  'payout.below_minimum': 400,
  /** More than the withdrawable balance was asked for. Nothing was recorded. */
  'payout.insufficient': 402,
  /** The chain is not reachable or refused the transfer; the payout stays recorded and is retried. */
  'payout.chain_unavailable': 503,
  'config.invalid': 500,
  'internal': 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ErrorCodes;
const codeList = Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(codeList);

/** The wire form of an error: what the broker sends and what the worker returns across comlink. */
export const WireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Seconds to wait before trying again (`rate_limited`); HTTP answers also send `Retry-After`. */
  retryAfterS: z.number().int().positive().optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/**
 * The one error class of the project. `message` must never contain secrets or user content.
 * @example throw new CocoonError('ledger.insufficient_credits', 'balance 10 < hold 25')
 * @example throw new CocoonError('rate_limited', 'too many sessions', { retryAfterS: 30 })
 */
export class CocoonError extends Error {
  override readonly name = 'CocoonError';
  /** Seconds until a retry can succeed, for `rate_limited`. */
  readonly retryAfterS: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterS?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterS = options?.retryAfterS;
  }

  get httpStatus(): number {
    return ErrorCodes[this.code];
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, ...(this.retryAfterS === undefined ? {} : { retryAfterS: this.retryAfterS }) };
  }
}

export function isCocoonError(e: unknown, code?: ErrorCode): e is CocoonError {
  return e instanceof CocoonError && (code === undefined || e.code === code);
}

/** The funnel: anything thrown becomes a wire error; internals are never leaked. */
export function toWireError(e: unknown): WireError {
  if (e instanceof CocoonError) return e.toWire();
  return { code: 'internal', message: 'internal error' };
}
