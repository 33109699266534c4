import { describe, expect, it } from 'vitest';
import { messagesFor, typicalMessageCost } from './message-estimate';

// The dev broker's default price: 1,000 credits per 1M prompt tokens and 2,000 per 1M completion tokens.
const base = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const times = (k: bigint) => ({ promptPerMillion: base.promptPerMillion * k, completionPerMillion: base.completionPerMillion * k });

describe('typicalMessageCost', () => {
  it('prices 600 prompt and 300 completion tokens', () => {
    expect(typicalMessageCost([base])).toBe(1_200_000n); // 0.6 + 0.6 credits
  });

  it('takes the median model, so an outlier does not skew it', () => {
    expect(typicalMessageCost([times(100n), base, times(2n)])).toBe(2_400_000n);
  });

  it('is null without models', () => {
    expect(typicalMessageCost([])).toBeNull();
  });
});

describe('messagesFor', () => {
  it('counts whole messages a pack pays for', () => {
    expect(messagesFor(10_000_000n, 1_200_000n)).toBe(8);
    expect(messagesFor(50_000_000n, 1_200_000n)).toBe(41);
  });

  it('rounds larger counts down to two significant digits', () => {
    expect(messagesFor(200_000_000n, 1_200_000n)).toBe(160); // 166.7
    expect(messagesFor(10_000_000_000n, 1_200_000n)).toBe(8_300); // 8,333
  });

  it('is 0 when nothing is paid for or the price is unknown', () => {
    expect(messagesFor(1_000_000n, 1_200_000n)).toBe(0);
    expect(messagesFor(10_000_000n, 0n)).toBe(0);
  });
});
