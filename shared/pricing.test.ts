import { describe, expect, it } from 'vitest';
import { costOf, formatCredits, holdFor, promptTokenBound } from './pricing';

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

  it('formats micro-credits for people', () => {
    expect(formatCredits(100_000_000n)).toBe('100');
    expect(formatCredits(99_830_000n)).toBe('99.83');
    expect(formatCredits(1n)).toBe('0');
  });

  it('refuses negative token counts', () => {
    expect(() => costOf(price, { promptTokens: -1, completionTokens: 0 })).toThrow(RangeError);
  });
});
