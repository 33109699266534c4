import { describe, expect, it } from 'vitest';
import { isHostFailure, MAX_HOST_ATTEMPTS, shouldFailOver } from './failover';

const early = (code: string, over: Partial<Parameters<typeof shouldFailOver>[0]> = {}) => shouldFailOver({ code, answered: false, attempts: 1, cancelled: false, ...over });

describe('failover before the first token', () => {
  it.each([
    'job.host_gone', 'job.broker_gone', 'job.timeout', 'job.model_unavailable', 'host.busy', 'host.not_found',
    'engine.unavailable', 'engine.stream_failed', 'engine.model_not_found', 'envelope.open_failed', 'envelope.suite_unsupported',
    'attestation.claims_expired', 'attestation.measurement_not_allowed', 'attestation.host_mismatch',
  ])('tries the next host after %s', (code) => {
    expect(isHostFailure(code)).toBe(true);
    expect(early(code)).toBe(true);
  });

  it.each([
    'ledger.insufficient_credits', 'job.price_above_limit', 'rate_limited', 'job.too_many_concurrent', 'auth.session_expired', 'apikey.revoked',
    'apikey.budget_exceeded', 'job.cancelled', 'engine.bad_request', 'protocol.malformed_message', 'envelope.chunk_tampered',
    'receipt.signature_invalid', 'attestation.policy_expired', 'internal', 'client.connection_lost',
  ])('never after the user\'s own (or an unknown) error %s', (code) => {
    expect(isHostFailure(code)).toBe(false);
    expect(early(code)).toBe(false);
  });

  it('never once an answer piece reached the user', () => {
    expect(early('job.host_gone', { answered: true })).toBe(false);
  });

  it('never after a cancel', () => {
    expect(early('job.host_gone', { cancelled: true })).toBe(false);
  });

  it(`sends at most ${MAX_HOST_ATTEMPTS} jobs for one message`, () => {
    expect(MAX_HOST_ATTEMPTS).toBe(3);
    expect(early('host.busy', { attempts: 2 })).toBe(true);
    expect(early('host.busy', { attempts: 3 })).toBe(false);
    expect(early('host.busy', { attempts: 4 })).toBe(false);
  });
});
