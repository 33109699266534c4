import { isCocoonError } from '@cocoon/shared/errors';
import { backoffDelay } from '../ws/backoff';

/** Tries after the first failure of a query, before its screen shows the error. */
export const QUERY_RETRIES = 3;
/** The longest `retryAfterS` a query waits out on its own; a longer limit is shown as an error. */
const MAX_RETRY_AFTER_S = 10;

/**
 * Whether a failed query (a GET: idempotent, safe to repeat) is worth another try: the network
 * and the broker's 5xx answers, and a rate limit that lifts soon. A 4xx is the same on every try.
 * Mutations are never retried here (react-query's default): a payment or a key is not made twice.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (failureCount >= QUERY_RETRIES) return false;
  if (!isCocoonError(error)) return true;
  if (error.code === 'rate_limited') return (error.retryAfterS ?? Infinity) <= MAX_RETRY_AFTER_S;
  return error.httpStatus >= 500;
}

/**
 * How long before the next try: the broker's `retryAfterS` when it gave one, else exponential
 * backoff with jitter (as the socket's reconnects, ../ws/backoff.ts), from about a second, so
 * clients that failed together do not come back in lockstep.
 */
export function queryRetryDelay(failureCount: number, error: unknown, random: () => number = Math.random): number {
  if (isCocoonError(error) && error.retryAfterS !== undefined) return error.retryAfterS * 1000;
  return backoffDelay(failureCount, random, 1_000, 15_000);
}
