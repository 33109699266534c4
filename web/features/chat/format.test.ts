import { describe, expect, it } from 'vitest';
import { pricePer1K, shortDigest, timeLeft } from './format';

describe('pricePer1K', () => {
  it('divides the per-1M price by 1000 and formats credits', () => {
    expect(pricePer1K(1_000_000_000n)).toBe('1');
    expect(pricePer1K(20_000_000n)).toBe('0.02');
    expect(pricePer1K(0n)).toBe('0');
  });

  it('never shows a non-zero price as free', () => {
    expect(pricePer1K(50_000n)).toBe('<0.0001');
    expect(pricePer1K(500n)).toBe('<0.0001');
  });
});

describe('timeLeft', () => {
  const now = 1_700_000_000_000;
  it('reads like a person would say it', () => {
    expect(timeLeft(now / 1000 - 1, now)).toBe('expired');
    expect(timeLeft(now / 1000 + 30, now)).toBe('in <1 min');
    expect(timeLeft(now / 1000 + 42 * 60, now)).toBe('in 42 min');
    expect(timeLeft(now / 1000 + 130 * 60, now)).toBe('in 2 h 10 min');
    expect(timeLeft(now / 1000 + 72 * 3600, now)).toBe('in 3 days');
  });
});

describe('shortDigest', () => {
  it('keeps the head and the tail', () => {
    expect(shortDigest('0123456789abcdef0123456789abcdef')).toBe('01234567…cdef');
    expect(shortDigest('abcd')).toBe('abcd');
  });
});
