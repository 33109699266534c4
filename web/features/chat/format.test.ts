import { afterAll, describe, expect, it } from 'vitest';
import { activateLocale } from '../../i18n';
import { creditsNumber, creditsText, pricePer1K, shortDigest, timeLeft } from './format';

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

describe('credits in words', () => {
  afterAll(() => activateLocale('en'));

  it('says the unit, with the plural the number needs', async () => {
    expect(creditsText(1_000_000n)).toBe('1 credit');
    expect(creditsText(2_064_000n)).toBe('2.064 credits');
    expect(creditsNumber(1_234_567_899n)).toBe('1,234.5678');
    await activateLocale('ru');
    expect(creditsText(1_000_000n)).toBe('1 кредит');
    expect(creditsText(3_000_000n)).toBe('3 кредита');
    expect(creditsText(5_000_000n)).toBe('5 кредитов');
    expect(creditsText(500_000n)).toBe('0,5 кредита');
  });

  it('never rounds a charge up', () => {
    expect(creditsNumber(99_999n)).toMatch(/^0[.,]0999$/);
  });
});

describe('timeLeft', () => {
  const now = 1_700_000_000_000;
  afterAll(() => activateLocale('en'));

  it('reads like a person would say it', async () => {
    await activateLocale('en');
    expect(timeLeft(now / 1000 - 1, now)).toBe('expired');
    expect(timeLeft(now / 1000 + 30, now)).toBe('in <1 min');
    expect(timeLeft(now / 1000 + 42 * 60, now)).toBe('in 42 min');
    expect(timeLeft(now / 1000 + 130 * 60, now)).toBe('in 2 h 10 min');
    expect(timeLeft(now / 1000 + 72 * 3600, now)).toBe('in 3 days');
    await activateLocale('ru');
    expect(timeLeft(now / 1000 + 72 * 3600, now)).toBe('через 3 дня');
    expect(timeLeft(now / 1000 + 42 * 60, now)).toBe('через 42 мин');
  });
});

describe('shortDigest', () => {
  it('keeps the head and the tail', () => {
    expect(shortDigest('0123456789abcdef0123456789abcdef')).toBe('01234567…cdef');
    expect(shortDigest('abcd')).toBe('abcd');
  });
});
