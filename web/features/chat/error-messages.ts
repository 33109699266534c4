import { ErrorCodeSchema, isCocoonError, type ErrorCode, type WireError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { t } from '../../i18n';

/** Failures only the client can see, next to the wire codes of shared/errors.ts. */
export const ClientErrorCodes = {
  offline: 'client.offline',
  connectionLost: 'client.connection_lost',
  noHost: 'client.no_host',
  attestationFailed: 'client.attestation_failed',
  invoiceUnavailable: 'client.invoice_unavailable',
  paymentFailed: 'client.payment_failed',
  topUpTimeout: 'client.topup_timeout',
  walletFailed: 'client.wallet_failed',
} as const;
export type ClientErrorCode = (typeof ClientErrorCodes)[keyof typeof ClientErrorCodes];
export type UiErrorCode = ErrorCode | ClientErrorCode;

/** An error as the UI keeps it: a stable code and, for support, the technical detail. */
export interface UiError {
  code: UiErrorCode;
  detail?: string;
}

export interface FriendlyMessage {
  title: string;
  body: string;
}

/** Codes that share one message (chat.error.<key>.title / .body in web/locales/<locale>/errors.po). */
const sharedMessages: Partial<Record<UiErrorCode, string>> = {
  'job.not_found': 'generic',
  'job.invalid_state': 'generic',
  'envelope.chunk_tampered': 'tampered',
  'envelope.open_failed': 'tampered',
  'envelope.chunk_out_of_order': 'tampered',
  'envelope.chunk_replayed': 'tampered',
  'envelope.data_after_final': 'tampered',
  'attestation.bundle_malformed': 'attestation',
  'attestation.signature_invalid': 'attestation',
  'attestation.report_data_mismatch': 'attestation',
  'attestation.host_mismatch': 'attestation',
  'client.attestation_failed': 'attestation',
  'auth.session_invalid': 'session',
  'auth.session_expired': 'session',
  'engine.unavailable': 'engine',
  'engine.stream_failed': 'engine',
  'ton.proof_invalid': 'wallet',
  'ton.proof_domain': 'wallet',
  'ton.address_mismatch': 'wallet',
  'ton.proof_payload_unknown': 'ton_proof_payload',
  'ton.proof_payload_used': 'ton_proof_payload',
};

/** Codes with words of their own: the message key is the code with its dots as underscores. */
const ownMessages = new Set<UiErrorCode>([
  'ledger.insufficient_credits',
  'job.model_unavailable',
  'job.host_gone',
  'job.timeout',
  'job.price_above_limit',
  'job.cancelled',
  'job.too_many_concurrent',
  'host.busy',
  'host.not_found',
  'rate_limited',
  'envelope.suite_unsupported',
  'envelope.stream_truncated',
  'attestation.unsupported_tee',
  'attestation.claims_expired',
  'attestation.simulated_not_allowed',
  'attestation.policy_invalid',
  'attestation.policy_expired',
  'receipt.signature_invalid',
  'receipt.mismatch',
  'auth.init_data_invalid',
  'auth.init_data_expired',
  'engine.bad_request',
  'engine.model_not_found',
  'protocol.malformed_message',
  'protocol.unsupported_version',
  'client.offline',
  'client.connection_lost',
  'client.no_host',
  'client.invoice_unavailable',
  'client.payment_failed',
  'client.topup_timeout',
  'client.wallet_failed',
  'ton.proof_expired',
  'ton.network_mismatch',
  'ton.wallet_unsupported',
  'ton.unavailable',
  'ton.chain_unavailable',
  'ton.chain_rejected',
  'payments.pack_unknown',
  'payments.stars_unavailable',
  'payments.invoice_not_payable',
]);

/** The message key of a code; unknown and internal codes get the generic message. */
export function messageKey(code: UiErrorCode): string {
  return sharedMessages[code] ?? (ownMessages.has(code) ? code.replaceAll('.', '_') : 'generic');
}

/**
 * The friendly words for an error code, in the user's language; never the raw code. Each code's
 * words are in the 'errors' catalogue, which loads just after the first paint (main.tsx); until
 * then (or if it cannot load) the generic message, from the first load, stands in.
 */
export function friendlyMessage(code: UiErrorCode): FriendlyMessage {
  const key = messageKey(code);
  const words = (part: 'title' | 'body') => {
    const id = `chat.error.${key}.${part}`;
    const said = t(id);
    return said === id ? t(`chat.error.generic.${part}`) : said;
  };
  return { title: words('title'), body: words('body') };
}

/** Errors a top-up fixes: the banner offers the Credits screen right there. */
export const needsTopUp = (code: UiErrorCode): boolean => code === 'ledger.insufficient_credits';

/** Anything thrown or received, as a UI error. Secrets never reach `detail`: it is a wire message. */
export function toUiError(e: unknown): UiError {
  if (isCocoonError(e)) return { code: e.code, detail: e.message };
  if (e instanceof NetworkError) return { code: 'client.offline', detail: e.message };
  return { code: 'internal' };
}

/** A wire error (from the broker, the host or the worker) as a UI error. */
export function fromWire(error: WireError | { code: string; message: string }): UiError {
  const code = ErrorCodeSchema.safeParse(error.code);
  return { code: code.success ? code.data : 'internal', detail: error.message };
}
