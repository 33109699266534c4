import { describe, expect, it } from 'vitest';
import { CocoonError } from '@cocoon/shared/errors';
import { NetworkError } from './http';
import { QUERY_RETRIES, queryRetryDelay, shouldRetryQuery } from './retry-policy';

describe('shouldRetryQuery', () => {
  it('retries the network and the broker’s 5xx, up to QUERY_RETRIES times', () => {
    const offline = new NetworkError('the broker could not be reached');
    const internal = new CocoonError('internal', 'the broker answered 502');
    for (let n = 0; n < QUERY_RETRIES; n++) {
      expect(shouldRetryQuery(n, offline)).toBe(true);
      expect(shouldRetryQuery(n, internal)).toBe(true);
    }
    expect(shouldRetryQuery(QUERY_RETRIES, offline)).toBe(false);
  });

  it('does not repeat what fails the same way every time', () => {
    expect(shouldRetryQuery(0, new CocoonError('auth.session_invalid', 'no session'))).toBe(false);
    expect(shouldRetryQuery(0, new CocoonError('protocol.malformed_message', 'unexpected answer'))).toBe(false);
  });

  it('waits out a short rate limit, and shows a long one', () => {
    expect(shouldRetryQuery(0, new CocoonError('rate_limited', 'slow down', { retryAfterS: 2 }))).toBe(true);
    expect(shouldRetryQuery(0, new CocoonError('rate_limited', 'slow down', { retryAfterS: 60 }))).toBe(false);
    expect(shouldRetryQuery(0, new CocoonError('rate_limited', 'slow down'))).toBe(false);
  });
});

describe('queryRetryDelay', () => {
  it('backs off exponentially with jitter, capped', () => {
    const offline = new NetworkError('offline');
    expect(queryRetryDelay(0, offline, () => 0)).toBe(500);
    expect(queryRetryDelay(0, offline, () => 1)).toBe(1_000);
    expect(queryRetryDelay(2, offline, () => 1)).toBe(4_000);
    expect(queryRetryDelay(10, offline, () => 1)).toBe(15_000);
  });

  it('follows the broker’s retryAfterS', () => {
    expect(queryRetryDelay(0, new CocoonError('rate_limited', 'slow down', { retryAfterS: 3 }))).toBe(3_000);
  });
});
