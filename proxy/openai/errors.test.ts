import { describe, expect, it } from 'vitest';
import { CocoonError } from '@cocoon/shared/errors';
import { badRequest, toOpenAiFailure } from './errors';

describe('errors in OpenAI\'s shape and statuses', () => {
  it('maps Cocoon codes to the statuses the SDKs map to error classes', () => {
    const cases: [CocoonError, number, string, string][] = [
      [new CocoonError('apikey.revoked', "key 'x' was revoked"), 401, 'authentication_error', 'apikey.revoked'],
      [new CocoonError('apikey.invalid', 'unknown API key'), 401, 'authentication_error', 'invalid_api_key'],
      [new CocoonError('ledger.insufficient_credits', 'balance too low'), 402, 'insufficient_quota', 'insufficient_quota'],
      [new CocoonError('apikey.budget_exceeded', 'daily budget of key'), 402, 'insufficient_quota', 'apikey.budget_exceeded'],
      [new CocoonError('job.price_above_limit', 'too dear'), 402, 'insufficient_quota', 'over_budget'],
      [new CocoonError('engine.model_not_found', 'no such model'), 404, 'invalid_request_error', 'model_not_found'],
      [new CocoonError('rate_limited', 'slow down', { retryAfterS: 7 }), 429, 'rate_limit_error', 'rate_limit_exceeded'],
      [new CocoonError('job.model_unavailable', 'no host'), 503, 'service_unavailable', 'no_host_available'],
      [new CocoonError('attestation.measurement_not_allowed', 'not released'), 503, 'service_unavailable', 'attestation.measurement_not_allowed'],
      [new CocoonError('receipt.mismatch', 'digest'), 502, 'server_error', 'receipt.mismatch'],
      [new CocoonError('engine.bad_request', 'too long'), 400, 'invalid_request_error', 'invalid_request'],
    ];
    for (const [e, status, type, code] of cases) {
      const f = toOpenAiFailure(e);
      expect([f.status, f.body.error.type, f.body.error.code, f.body.error.message], e.code).toEqual([status, type, code, e.message]);
    }
    expect(toOpenAiFailure(new CocoonError('rate_limited', 'x', { retryAfterS: 7 })).headers).toEqual({ 'retry-after': '7' });
    expect(toOpenAiFailure(new CocoonError('attestation.claims_expired', 'x')).headers).toEqual({ 'x-should-retry': 'false' });
  });

  it('keeps internals out of the answer and its own refusals as they are', () => {
    expect(toOpenAiFailure(new Error('db password is hunter2')).body).toEqual({ error: { message: 'internal error', type: 'server_error', param: null, code: 'internal' } });
    expect(toOpenAiFailure(badRequest('n: only one', 'n', 'unsupported_parameter'))).toEqual({ status: 400, headers: {}, body: { error: { message: 'n: only one', type: 'invalid_request_error', param: 'n', code: 'unsupported_parameter' } } });
  });
});
