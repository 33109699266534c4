import { describe, expect, it } from 'vitest';
import { costOf, formatCredits, holdFor, maxTokensWithin, promptTokenBound } from './pricing';

const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };

describe('pricing', () => {
  it('charges per token and rounds up once', () => {
    expect(costOf(price, { promptTokens: 10, completionTokens: 5 })).toBe(20_000n);
    expect(costOf({ promptPerMillion: 1n, completionPerMillion: 1n }, { promptTokens: 1, completionTokens: 0 })).toBe(1n);
    expect(costOf(price, { promptTokens: 0, completionTokens: 0 })).toBe(0n);
  });

  it('applies the host coefficient in thousandths', () => {
    expect(costOf(price, { promptTokens: 10, completionTokens: 5 }, 1500n)).toBe(30_000n);
  });

  it('holds the worst case, which always covers a valid receipt', () => {
    const hold = holdFor(price, 1040, 64);
    expect(hold).toBe(costOf(price, { promptTokens: promptTokenBound(1040), completionTokens: 64 }));
    expect(costOf(price, { promptTokens: promptTokenBound(1040), completionTokens: 64 })).toBeLessThanOrEqual(hold);
  });

  it('fits the completion budget to a price cap: the largest maxTokens whose hold stays within it', () => {
    const bound = holdFor(price, 1040, 0, 1500n);
    expect(maxTokensWithin(price, 1040, 2_000_000n, 256)).toBe(224);
    expect(holdFor(price, 1040, 224, 1000n)).toBeLessThanOrEqual(2_000_000n);
    expect(holdFor(price, 1040, 225, 1000n)).toBeGreaterThan(2_000_000n);
    expect(maxTokensWithin(price, 1040, 100_000_000n, 256)).toBe(256);
    for (const cap of [bound, bound + 2_999n, bound + 3_000n, 5_000_000n]) {
      const n = maxTokensWithin(price, 1040, cap, 4096, 1500n);
      expect(holdFor(price, 1040, n, 1500n)).toBeLessThanOrEqual(cap);
      expect(holdFor(price, 1040, n + 1, 1500n)).toBeGreaterThan(cap);
    }
    expect(maxTokensWithin(price, 1040, bound - 1n, 256, 1500n)).toBe(0);
  });

  it('formats micro-credits for people', () => {
    expect(formatCredits(100_000_000n)).toBe('100');
    expect(formatCredits(99_830_000n)).toBe('99.83');
    expect(formatCredits(1n)).toBe('0');
  });

  it('refuses negative token counts', () => {
    expect(() => costOf(price, { promptTokens: -1, completionTokens: 0 })).toThrow(RangeError);
  });
});
