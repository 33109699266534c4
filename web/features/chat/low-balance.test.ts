import { describe, expect, it } from 'vitest';
import { isLowBalance } from './low-balance';

const host = { price: { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, coefficientMilli: 1000n };

describe('isLowBalance', () => {
  it('compares with a full answer at the host, capped by the max price', () => {
    // A full 256-token answer to a short message holds 2.064 credits here (e2e/chat.spec.ts).
    expect(isLowBalance(2_063_999n, { maxPrice: 5_000_000n, maxTokens: 256, host })).toBe(true);
    expect(isLowBalance(2_064_000n, { maxPrice: 5_000_000n, maxTokens: 256, host })).toBe(false);
    expect(isLowBalance(1_500_000n, { maxPrice: 1_000_000n, maxTokens: 256, host })).toBe(false);
  });

  it('uses the max price before a host is known', () => {
    expect(isLowBalance(4_000_000n, { maxPrice: 5_000_000n, maxTokens: 256, host: null })).toBe(true);
    expect(isLowBalance(50_000_000n, { maxPrice: 5_000_000n, maxTokens: 256, host: null })).toBe(false);
  });
});
