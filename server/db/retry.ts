import { setTimeout as sleep } from 'node:timers/promises';
import { isCocoonError } from '@cocoon/shared/errors';

/** The waits between tries: about 5 s in all, what a PostgreSQL restart or fail-over takes. */
export const DATABASE_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1_600, 2_000];

export interface RetryOptions {
  delaysMs?: readonly number[];
  /** Called before each new try, with the failure that caused it. */
  onRetry?(err: unknown, attempt: number): void;
}

/**
 * Runs `fn`, one database transaction, again while it fails for a reason outside the code: a
 * terminated or refused connection (PostgreSQL restarted, failed over, an operator ended the
 * session), a serialization failure, a deadlock. A CocoonError is the code's own verdict and is
 * thrown at once; after the last delay the last failure is thrown.
 * Only for idempotent transactions: a try whose commit landed but whose answer was lost runs again
 * and must change nothing (a settlement, a release).
 * @example const s = await retryDatabase(() => db.transaction((tx) => settleIn(tx, ...)))
 */
export async function retryDatabase<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const delays = opts.delaysMs ?? DATABASE_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const delay = delays[attempt];
      if (isCocoonError(e) || delay === undefined) throw e;
      opts.onRetry?.(e, attempt + 1);
      await sleep(delay);
    }
  }
}
