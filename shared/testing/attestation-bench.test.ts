import { describe, expect, it } from 'vitest';
import { benchVerifyQuote } from './attestation-bench';

// Speed itself is reported by `npm run bench`; this only checks that the benchmark measures a
// verification that succeeds (it throws otherwise) and reports sane figures.
describe('benchVerifyQuote', () => {
  it('times successful warm verifications of a genuine quote with collateral', async () => {
    const b = await benchVerifyQuote(5);
    expect(b.runs).toBe(5);
    expect(b.warmMs).toBeGreaterThan(0);
    expect(b.p95Ms).toBeGreaterThanOrEqual(b.warmMs);
  });
});
