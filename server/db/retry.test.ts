import { describe, expect, it } from 'vitest';
import { CocoonError } from '@cocoon/shared/errors';
import { retryDatabase } from './retry';

const delaysMs = [1, 1, 1];

describe('retryDatabase', () => {
  it('tries again after a driver failure, and returns the first success', async () => {
    let tries = 0;
    const retried: number[] = [];
    const result = await retryDatabase(async () => {
      if (++tries < 3) throw new Error('Connection terminated unexpectedly');
      return 'settled';
    }, { delaysMs, onRetry: (_e, attempt) => retried.push(attempt) });
    expect([result, tries, retried]).toEqual(['settled', 3, [1, 2]]);
  });

  it('throws the last failure once the delays are spent', async () => {
    let tries = 0;
    await expect(retryDatabase(() => Promise.reject(new Error(`refused ${++tries}`)), { delaysMs })).rejects.toThrow('refused 4');
    expect(tries).toBe(4);
  });

  it("throws the code's own verdict (a CocoonError) at once", async () => {
    let tries = 0;
    const verdict = new CocoonError('job.invalid_state', 'hold already released');
    await expect(retryDatabase(() => (tries++, Promise.reject(verdict)), { delaysMs })).rejects.toBe(verdict);
    expect(tries).toBe(1);
  });
});
