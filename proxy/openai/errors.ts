import { CocoonError, ErrorCodes } from '@cocoon/shared/errors';

/**
 * Errors in OpenAI's shape and with the statuses OpenAI's SDKs map to their error classes
 * (400 BadRequestError, 401 AuthenticationError, 402, 404 NotFoundError, 429 RateLimitError,
 * 5xx InternalServerError). https://platform.openai.com/docs/guides/error-codes
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAiFailure {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** An error the proxy itself answers (a request it cannot serve), with OpenAI's fields. */
export class OpenAiError extends Error {
  override readonly name = 'OpenAiError';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** A 400 for what a request asks that the proxy cannot do or does not accept. */
export const badRequest = (message: string, param: string | null = null, code = 'invalid_request'): OpenAiError =>
  new OpenAiError(400, 'invalid_request_error', code, message, param);

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'invalid_request_error',
  409: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** Cocoon codes whose OpenAI status differs from the broker's own (ErrorCodes). */
const STATUS_OVERRIDES: Partial<Record<keyof typeof ErrorCodes, number>> = {
  // The price cap is the developer's budget for one request: OpenAI's "payment required" class.
  'job.price_above_limit': 402,
  'job.too_many_concurrent': 429,
  'job.model_unavailable': 503,
  'host.not_found': 503,
  'envelope.suite_unsupported': 503,
  'job.cancelled': 499,
};

/** OpenAI's own codes where one fits; else the Cocoon code, which names the cause. */
const OPENAI_CODES: Partial<Record<keyof typeof ErrorCodes, string>> = {
  'auth.session_invalid': 'invalid_api_key',
  'auth.session_expired': 'invalid_api_key',
  'apikey.invalid': 'invalid_api_key',
  'ledger.insufficient_credits': 'insufficient_quota',
  'job.price_above_limit': 'over_budget',
  'engine.model_not_found': 'model_not_found',
  'rate_limited': 'rate_limit_exceeded',
  'job.too_many_concurrent': 'rate_limit_exceeded',
  'job.model_unavailable': 'no_host_available',
  'engine.bad_request': 'invalid_request',
};

/**
 * The proxy's one funnel: anything thrown becomes an OpenAI error answer. Messages of Cocoon
 * errors are the broker's, host's or verifier's (they never carry secrets); anything else is an
 * internal error whose details stay in the log. Attestation failures say which check failed and
 * tell SDKs not to retry (`x-should-retry: false`): the same host would fail the same way.
 */
export function toOpenAiFailure(e: unknown): OpenAiFailure {
  if (e instanceof OpenAiError) return failure(e.status, e.type, e.code, e.message, e.param);
  if (!(e instanceof CocoonError)) return failure(500, 'server_error', 'internal', 'internal error');
  const status = STATUS_OVERRIDES[e.code] ?? statusByKind(e.code) ?? ErrorCodes[e.code];
  const type = TYPE_BY_STATUS[status] ?? (status === 503 ? 'service_unavailable' : 'server_error');
  const headers: Record<string, string> = {};
  if (e.retryAfterS !== undefined) headers['retry-after'] = String(e.retryAfterS);
  if (e.code.startsWith('attestation.') || status === 401 || status === 402) headers['x-should-retry'] = 'false';
  const param = e.code === 'engine.model_not_found' || e.code === 'job.model_unavailable' ? 'model' : null;
  return { ...failure(status, type, OPENAI_CODES[e.code] ?? e.code, e.message, param), headers: { ...headers } };
}

/**
 * Failures of the confidential path: no host passed verification (503: none is available to this
 * client), or what came back does not check out (a receipt, a chunk: 502, the upstream misbehaved).
 */
function statusByKind(code: string): number | undefined {
  if (code.startsWith('attestation.')) return 503;
  if (code.startsWith('receipt.') || code.startsWith('envelope.')) return 502;
  return undefined;
}

function failure(status: number, type: string, code: string, message: string, param: string | null = null): OpenAiFailure {
  return { status, body: { error: { message, type, param, code } }, headers: {} };
}
