import { ErrorCodeSchema, isCocoonError, type ErrorCode, type WireError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';

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

const generic: FriendlyMessage = { title: 'Something went wrong', body: 'Please try again in a moment.' };
const tampered: FriendlyMessage = {
  title: 'Answer rejected',
  body: 'Part of the encrypted answer failed its integrity check, so everything from there on was discarded. Please try again.',
};
const attestation: FriendlyMessage = {
  title: 'Host could not be verified',
  body: 'This GPU host did not prove it runs in a genuine enclave, so your message was not sent.',
};
const session: FriendlyMessage = { title: 'Session expired', body: 'Reconnecting you… please try again.' };
const engine: FriendlyMessage = { title: 'The model failed', body: 'The model could not finish this answer. Please try again.' };
const wallet: FriendlyMessage = { title: 'Wallet not verified', body: 'The wallet’s proof of ownership was not accepted. Connect again.' };

const messages: Partial<Record<UiErrorCode, FriendlyMessage>> = {
  'ledger.insufficient_credits': { title: 'Not enough credits', body: 'Top up your balance or ask for a shorter answer.' },
  'job.model_unavailable': { title: 'Model unavailable', body: 'No GPU host is serving this model right now. Pick another model or try later.' },
  'job.host_gone': { title: 'Host went offline', body: 'The GPU host disconnected before finishing. Send your message again to use another host.' },
  'job.timeout': { title: 'No answer in time', body: 'The host took too long to answer. Please try again.' },
  'job.price_above_limit': {
    title: 'Above your max price',
    body: 'At this host’s price this message could cost more than your max price per message, so it was not sent. Raise your max price per message, or start a shorter conversation.',
  },
  'job.cancelled': { title: 'Stopped', body: 'The answer was stopped.' },
  'job.too_many_concurrent': { title: 'Too many answers at once', body: 'Wait for one of your answers to finish, then send again. Nothing was charged.' },
  'host.busy': { title: 'Host busy', body: 'This GPU host is serving as many chats as it can. Send again in a moment to use a free host. Nothing was charged.' },
  'host.not_found': { title: 'Host went offline', body: 'The GPU host is no longer online. Send your message again to use another host.' },
  'rate_limited': { title: 'Slow down', body: 'Too many requests in a short time. Please wait a moment and try again. Nothing was charged.' },
  'job.not_found': generic,
  'job.invalid_state': generic,
  'envelope.chunk_tampered': tampered,
  'envelope.open_failed': tampered,
  'envelope.chunk_out_of_order': tampered,
  'envelope.chunk_replayed': tampered,
  'envelope.data_after_final': tampered,
  'envelope.suite_unsupported': {
    title: 'Host not post-quantum',
    body: 'This GPU host cannot receive post-quantum (X-Wing) encrypted messages, so your message was not sent. Try again later or pick another model.',
  },
  'envelope.stream_truncated': {
    title: 'Answer cut off',
    body: 'The encrypted answer ended before its signed final part, so it may be incomplete. Please try again.',
  },
  'attestation.bundle_malformed': attestation,
  'attestation.signature_invalid': attestation,
  'attestation.report_data_mismatch': attestation,
  'attestation.host_mismatch': attestation,
  'attestation.unsupported_tee': { title: 'Unsupported enclave', body: 'This build cannot verify this host’s kind of TEE, so your message was not sent.' },
  'attestation.claims_expired': { title: 'Attestation expired', body: 'The host’s proof of confidentiality has expired. Refreshing hosts…' },
  'attestation.simulated_not_allowed': {
    title: 'Simulated host refused',
    body: 'This host runs a simulated enclave, which is not confidential. This build only talks to real TEEs.',
  },
  'attestation.policy_invalid': {
    title: 'Policy not verified',
    body: 'The operator’s attestation policy is missing or not signed by the key built into this app, so no host can be trusted and nothing was sent.',
  },
  'attestation.policy_expired': {
    title: 'Policy expired',
    body: 'The operator’s attestation policy has expired, so no host can be trusted until a new one is published. Nothing was sent.',
  },
  'receipt.signature_invalid': { title: 'Unverified receipt', body: 'The usage receipt is not signed by the enclave that answered.' },
  'receipt.mismatch': { title: 'Receipt mismatch', body: 'The usage receipt does not match this request.' },
  'auth.init_data_invalid': { title: 'Sign-in failed', body: 'Telegram could not confirm who you are. Reopen the app from the bot.' },
  'auth.init_data_expired': { title: 'Sign-in expired', body: 'Please close and reopen the app from the bot.' },
  'auth.session_invalid': session,
  'auth.session_expired': session,
  'engine.unavailable': engine,
  'engine.stream_failed': engine,
  'engine.bad_request': { title: 'Request refused', body: 'The model could not accept this conversation. Try a shorter message.' },
  'engine.model_not_found': { title: 'Model unavailable', body: 'The host no longer serves this model. Pick another model.' },
  'protocol.malformed_message': { title: 'Unexpected answer', body: 'The app received a message it does not understand. Please update or retry.' },
  'protocol.unsupported_version': { title: 'Update needed', body: 'This version of the app is no longer supported. Reopen it to update.' },
  'client.offline': { title: 'You’re offline', body: 'Check your connection; the app reconnects on its own.' },
  'client.connection_lost': {
    title: 'Connection lost',
    body: 'The connection dropped while the answer was streaming. Send your message again once reconnected.',
  },
  'client.no_host': { title: 'No host online', body: 'No GPU host serves this model right now. Pick another model or try later.' },
  'client.attestation_failed': attestation,
  'client.invoice_unavailable': { title: 'Payments unavailable', body: 'This Telegram version cannot open payments. Update Telegram and try again.' },
  'client.payment_failed': { title: 'Payment failed', body: 'Telegram could not complete the payment. Nothing was charged.' },
  'client.topup_timeout': {
    title: 'Not credited yet',
    body: 'The payment has not reached your balance yet. It will show in your history as soon as it is confirmed.',
  },
  'client.wallet_failed': { title: 'Wallet error', body: 'The wallet could not complete the request. Please try again.' },
  'ton.proof_invalid': wallet,
  'ton.proof_expired': { title: 'Request expired', body: 'The wallet took too long to answer. Connect again.' },
  'ton.proof_domain': wallet,
  'ton.proof_payload_unknown': { title: 'Request expired', body: 'Connect your wallet again.' },
  'ton.proof_payload_used': { title: 'Request expired', body: 'Connect your wallet again.' },
  'ton.address_mismatch': wallet,
  'ton.network_mismatch': { title: 'Wrong network', body: 'Switch your wallet to the network this app uses, then connect again.' },
  'ton.wallet_unsupported': { title: 'Wallet not supported', body: 'This wallet type cannot prove its address here. Try another wallet.' },
  'ton.unavailable': { title: 'TON unavailable', body: 'Paying with TON is not available right now.' },
  'ton.chain_unavailable': { title: 'Network busy', body: 'The TON network could not be reached. Please try again.' },
  'ton.chain_rejected': { title: 'Transfer refused', body: 'The network refused the transfer. Check your wallet balance and try again.' },
  'payments.pack_unknown': { title: 'Pack unavailable', body: 'This credit pack is no longer sold. Pick another.' },
  'payments.stars_unavailable': { title: 'Stars unavailable', body: 'Buying with Stars is not available right now.' },
  'payments.invoice_not_payable': { title: 'Invoice closed', body: 'This invoice can no longer be paid. Start again.' },
};

/** The friendly words for an error code; unknown and internal codes get a generic message. */
export function friendlyMessage(code: UiErrorCode): FriendlyMessage {
  return messages[code] ?? generic;
}

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
